import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalizePercentile, percentileLinear } from '../../src/engine/core/normalize';
import type { PlanarImage } from '../../src/engine/core/image';
import { loadSharedNpy } from '../helpers/shared';

function fixture(name: string): { input: PlanarImage; expected: Float32Array } {
  const input = loadSharedNpy('images', 'cellpose-js-fixtures', `${name}_input_chw.npy`);
  const expected = loadSharedNpy('images', 'cellpose-js-fixtures', `${name}_normalized_chw.npy`);
  const [channels, height, width] = input.shape as [number, number, number];
  return { input: { channels, height, width, data: input.data }, expected: expected.data };
}

for (const name of ['norm_small_1ch', 'norm_small_3ch', 'norm_med_3ch']) {
  test(`reproduces the Python normalize99 fixture ${name} bit for bit`, () => {
    const { input, expected } = fixture(name);
    const actual = normalizePercentile(input).data;
    let maxError = 0;
    let differing = 0;
    for (let i = 0; i < expected.length; i++) {
      const error = Math.abs(actual[i]! - expected[i]!);
      maxError = Math.max(maxError, error);
      if (error !== 0) differing++;
    }
    assert.equal(differing, 0, `${differing} values differ, max abs error ${maxError}`);
  });
}

test('percentile interpolates linearly between ranks like numpy', () => {
  const values = new Float32Array([10, 0, 30, 20, 40]); // sorted 0 10 20 30 40, position q/100 * 4
  assert.equal(percentileLinear(values, 0), 0);
  assert.equal(percentileLinear(values, 100), 40);
  assert.equal(percentileLinear(values, 50), 20);
  assert.equal(percentileLinear(values, 10), 4); // position 0.4
  assert.equal(percentileLinear(values, 90), 36); // position 3.6: 40 - 10 * 0.4
  assert.equal(percentileLinear(new Float32Array([-3.5]), 99), -3.5);
});

test('percentile orders negative, zero and positive values correctly', () => {
  const values = new Float32Array([-1e-30, 5, -7.25, 0, 1e30, -0, 3]);
  // sorted (float32): -7.25 -1e-30 -0 0 3 5 1e30; q = 25 is position 1.5, half-way between -1e-30 and -0
  assert.equal(percentileLinear(values, 0), -7.25);
  assert.equal(percentileLinear(values, 100), Math.fround(1e30));
  assert.equal(percentileLinear(values, 50), 0);
  assert.equal(percentileLinear(values, 25), -Math.fround(1e-30) / 2);
});

test('a constant channel, like the empty nuclear channel, becomes zeros', () => {
  const image: PlanarImage = { width: 3, height: 2, channels: 2, data: new Float32Array([1, 2, 3, 4, 5, 6, 7, 7, 7, 7, 7, 7]) };
  const out = normalizePercentile(image).data;
  assert.deepEqual(Array.from(out.subarray(6)), [0, 0, 0, 0, 0, 0]);
  assert.ok(out[0]! < 0 && out[5]! > 1, 'the first channel is stretched so that 1% and 99% map to 0 and 1');
});

test('a channel whose 1-99% range is 1e-3 or less becomes zeros', () => {
  const data = new Float32Array(200).fill(100);
  data[0] = 0; // an outlier below the 1st percentile does not count
  const out = normalizePercentile({ width: 200, height: 1, channels: 1, data }).data;
  assert.ok(out.every((v) => v === 0));
});

test('refuses percentiles outside 0 <= lower < upper <= 100', () => {
  const image: PlanarImage = { width: 1, height: 1, channels: 1, data: new Float32Array([1]) };
  assert.throws(() => normalizePercentile(image, 99, 1), { name: 'InvalidSettingError' });
  assert.throws(() => normalizePercentile(image, -1, 99), { name: 'InvalidSettingError' });
});
