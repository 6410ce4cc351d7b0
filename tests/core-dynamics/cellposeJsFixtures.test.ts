import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseNpy } from '../../src/engine/formats/npy';
import { computeMasks, type ComputeMasksOptions } from '../../src/engine/core/computeMasks';
import { flowErrors } from '../../src/engine/core/flowError';
import { followFlows } from '../../src/engine/core/followFlows';
import { masksFromFlows } from '../../src/engine/core/masksFromFlows';
import { countMasks } from '../../src/engine/core/metrics';
import { loadSharedNpy, readShared } from '../helpers/shared';

// The Cellpose.js dynamics fixtures were made with a later Cellpose (v4 era), not 3.0.11. Two of them agree with
// 3.0.11 exactly; on the third, 3.0.11's flow-error check drops all five masks the later version keeps.

const folder = ['images', 'cellpose-js-fixtures'];

function fixture(name: string): { options: ComputeMasksOptions; expected: Uint16Array } {
  const dP = loadSharedNpy(...folder, `${name}_dP.npy`);
  const cellprob = loadSharedNpy(...folder, `${name}_cellprob.npy`);
  const mask = parseNpy(readShared(...folder, `${name}_mask.npy`));
  assert.ok(mask.kind === 'numeric' && mask.data instanceof Uint16Array);
  const [, height, width] = dP.shape as [number, number, number];
  const options = {
    dP: dP.data,
    cellprob: cellprob.data,
    height,
    width,
    niter: 200,
    cellprobThreshold: 0,
    flowThreshold: 0.4,
    interp: true,
    minSize: 15,
  };
  return { options, expected: mask.data };
}

test('empty_96: no cell pixel, no mask, as in the fixture', () => {
  const { options, expected } = fixture('empty_96');
  const masks = computeMasks(options);
  assert.equal(countMasks(expected), 0);
  assert.equal(countMasks(masks), 0);
  assert.equal(masks.length, 96 * 96);
});

test('single_cell_128: the same single mask as the fixture, pixel for pixel', () => {
  const { options, expected } = fixture('single_cell_128');
  const masks = computeMasks(options);
  assert.deepEqual(Array.from(masks), Array.from(expected));
});

test('three_cells_192: 3.0.11 finds five masks, as the fixture has, but its flow-error check rejects them all', (t) => {
  const { options, expected } = fixture('three_cells_192');
  assert.equal(countMasks(expected), 5);
  const { dP, cellprob, height, width } = options;
  const n = height * width;
  const scaled = new Float32Array(2 * n);
  for (let i = 0; i < n; i++) {
    if (cellprob[i]! > 0) {
      scaled[i] = dP[i]! / 5;
      scaled[n + i] = dP[n + i]! / 5;
    }
  }
  const candidates = masksFromFlows(followFlows(scaled, height, width, 200, true));
  const errors = Array.from(flowErrors(candidates, dP, height, width));
  t.diagnostic(`flow errors of the ${errors.length} candidate masks: ${errors.map((e) => e.toFixed(3)).join(', ')}`);
  assert.equal(errors.length, 5);
  assert.ok(errors.every((error) => error > 0.4));
  assert.equal(countMasks(computeMasks(options)), 0);
});
