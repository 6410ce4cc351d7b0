// The benchmark's default image: the same bits every time, and cells the demo model finds at their drawn size.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { cropImage, planCrops } from '../../src/engine/bench/protocol';
import { SYNTHETIC_CHANNELS, SYNTHETIC_HEIGHT, SYNTHETIC_WIDTH, syntheticCellImage } from '../../src/engine/bench/syntheticImage';
import { segmentImage } from '../../src/engine/pipeline/segment';
import { openDemoModel } from '../helpers/demoModel';

const hash = (data: Float32Array) => createHash('sha256').update(new Uint8Array(data.buffer, data.byteOffset, data.byteLength)).digest('hex');

test('two generations of the synthetic image are identical to the bit; another seed gives another image', () => {
  const first = syntheticCellImage();
  const second = syntheticCellImage();
  assert.equal(first.image.width, SYNTHETIC_WIDTH);
  assert.equal(first.image.height, SYNTHETIC_HEIGHT);
  assert.equal(first.image.channels, 2);
  assert.equal(hash(first.image.data), hash(second.image.data));
  assert.notEqual(hash(syntheticCellImage({ width: 256, height: 256, seed: 7 }).image.data), hash(syntheticCellImage({ width: 256, height: 256, seed: 8 }).image.data));
});

test('the synthetic image has cells 20-40 px across at culture density, on a background, in whole camera counts', () => {
  const { image, cells } = syntheticCellImage();
  const diameters = cells.map((c) => c.diameter).sort((a, b) => a - b);
  assert.ok(diameters[0]! >= 19 && diameters.at(-1)! <= 41, `diameters ${diameters[0]} .. ${diameters.at(-1)}`);
  const median = diameters[diameters.length >> 1]!;
  assert.ok(median > 24 && median < 32, `median diameter ${median}`);
  // Cell area over image area: a sub-confluent culture (between a third and two thirds covered).
  const covered = cells.reduce((sum, c) => sum + (Math.PI * c.diameter * c.diameter) / 4, 0) / (image.width * image.height);
  assert.ok(covered > 0.3 && covered < 0.66, `coverage ${covered}`);
  let darkest = Infinity;
  for (let i = 0; i < 100000; i++) {
    const v = image.data[i * 37]!;
    assert.equal(v, Math.round(v));
    darkest = Math.min(darkest, v);
  }
  assert.ok(darkest > 30, `background ${darkest}`);
});

test('the demo model finds about as many cells as were drawn in a crop, at about their size', async () => {
  const { image, cells } = syntheticCellImage();
  const [crop] = planCrops(image.width, image.height, [448]);
  // Cells whose centre lies in the crop; those cut by its border add a few partial masks.
  const drawn = cells.filter((c) => c.x >= crop!.left && c.x < crop!.left + 448 && c.y >= crop!.top && c.y < crop!.top + 448);
  const model = await openDemoModel();
  try {
    const result = await segmentImage(cropImage(image, crop!), model, { channels: SYNTHETIC_CHANNELS, diameter: 0 });
    assert.ok(result.maskCount >= 0.85 * drawn.length && result.maskCount <= 1.3 * drawn.length, `${result.maskCount} masks for ${drawn.length} cells`);
    const medianDrawn = drawn.map((c) => c.diameter).sort((a, b) => a - b)[drawn.length >> 1]!;
    assert.ok(Math.abs(result.diameter - medianDrawn) < 0.2 * medianDrawn, `estimated ${result.diameter}, drawn ${medianDrawn}`);
  } finally {
    await model.release();
  }
});

test('cellCount places that many cells, spread over the whole field', () => {
  const { image, cells } = syntheticCellImage({ width: 640, height: 540, cellCount: 60 });
  assert.equal(cells.length, 60);
  const quadrants = new Set(cells.map((c) => `${c.x < image.width / 2}${c.y < image.height / 2}`));
  assert.equal(quadrants.size, 4);
});
