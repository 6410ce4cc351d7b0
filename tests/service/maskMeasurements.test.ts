import { test } from 'node:test';
import assert from 'node:assert/strict';
import { measureMasks } from '../../src/engine/core/maskMeasurements';
import { InvalidSettingError } from '../../src/engine/errors';

test('area, centroid and mean intensity per channel, one row per present label in label order', () => {
  // 4 x 3 image; label 2 is absent.
  const labels = Uint32Array.of(1, 1, 0, 3, 1, 0, 0, 3, 0, 0, 0, 3);
  const red = [10, 20, 0, 5, 30, 0, 0, 6, 0, 0, 0, 7];
  const green = [1, 1, 0, 100, 1, 0, 0, 200, 0, 0, 0, 300];
  const image = { width: 4, height: 3, channels: 2, data: Float32Array.from([...red, ...green]) };
  assert.deepEqual(measureMasks(labels, 3, 4, image), [
    { label: 1, area: 3, centroidX: 1 / 3, centroidY: 1 / 3, meanIntensity: [20, 1] },
    { label: 3, area: 3, centroidX: 3, centroidY: 1, meanIntensity: [6, 200] },
  ]);
  assert.deepEqual(measureMasks(labels, 3, 4).map((row) => row.meanIntensity), [[], []]);
});

test('refuses an image whose size differs from the labels', () => {
  const image = { width: 2, height: 2, channels: 1, data: new Float32Array(4) };
  assert.throws(() => measureMasks(new Uint32Array(6), 3, 2, image), InvalidSettingError);
});
