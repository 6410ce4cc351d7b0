// The estimate of a segmentation's memory and time (see [Note: run estimates]): the network tiles it counts are
// those the pipeline cuts, it grows with the image and shrinks with the diameter, and a very large image is large.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rescaledSize } from '../../src/engine/core/resize';
import { makeTiles, padForNetwork } from '../../src/engine/core/tile';
import { describeEstimate, estimateRun, isLargeRun, type RunEstimateRequest } from '../../src/engine/pipeline/estimateRun';

const base: RunEstimateRequest = { width: 300, height: 240, diameter: 30, diamMean: 30, provider: 'cpu', augment: false, batchSize: 8 };

/** The tiles runNetworkPass cuts from a width x height image at `rescale`, counted by cutting them. */
function tilesCut(width: number, height: number, rescale: number, augment: boolean): number {
  const h = rescaledSize(height, rescale);
  const w = rescaledSize(width, rescale);
  const { image } = padForNetwork({ width: w, height: h, channels: 1, data: new Float32Array(w * h) });
  return makeTiles(image, { augment }).count;
}

test('the estimate counts exactly the tiles the pipeline cuts, at any diameter, with and without augmentation', () => {
  for (const [width, height] of [[300, 240], [700, 555], [224, 224], [1000, 90]] as const) {
    for (const diameter of [30, 15, 60, 12]) {
      for (const augment of [false, true]) {
        const estimate = estimateRun({ ...base, width, height, diameter, augment });
        assert.equal(estimate.networkTiles, tilesCut(width, height, 30 / diameter, augment), `${width} x ${height}, diameter ${diameter}, augment ${augment}`);
      }
    }
  }
});

test('estimating the diameter adds a style pass and a first segmentation at the model scale', () => {
  const fixed = estimateRun(base);
  const estimated = estimateRun({ ...base, diameter: 'estimate' });
  assert.equal(estimated.networkTiles, 3 * fixed.networkTiles);
  assert.ok(estimated.seconds > fixed.seconds);
});

test('more dynamics iterations asked for (niter) take longer than Cellpose\'s default', () => {
  const many = estimateRun({ ...base, width: 2048, height: 2048, niter: 20_000 });
  const usual = estimateRun({ ...base, width: 2048, height: 2048 });
  assert.ok(many.seconds > usual.seconds + 60, `${many.seconds} s with niter 20000 against ${usual.seconds} s`);
  assert.equal(many.networkTiles, usual.networkTiles);
});

test('the estimate grows with the image and with a smaller diameter, and a faster provider takes less time', () => {
  const small = estimateRun(base);
  const large = estimateRun({ ...base, width: 3000, height: 2400 });
  const fine = estimateRun({ ...base, diameter: 10 });
  assert.ok(large.seconds > small.seconds && large.memoryBytes > small.memoryBytes);
  assert.ok(fine.seconds > small.seconds && fine.memoryBytes > small.memoryBytes);
  assert.ok(estimateRun({ ...base, width: 3000, height: 2400, provider: 'cuda' }).seconds < large.seconds);
});

test('the 16000 x 16000 image is large on any computer; a 2048 x 2048 one at the model scale is not', () => {
  const huge = estimateRun({ ...base, width: 16000, height: 16000 });
  for (const memory of [16e9, 128e9]) assert.equal(isLargeRun(huge, memory), true);
  assert.ok(huge.seconds > 3600 && huge.memoryBytes > 20e9, describeEstimate(huge, 16e9));
  assert.equal(isLargeRun(estimateRun({ ...base, width: 2048, height: 2048 }), 16e9), false);
  assert.equal(isLargeRun(estimateRun({ ...base, width: 2048, height: 2048 }), 16e9, 10), true);
});

test('the estimate reads as time, memory, provider and the memory this computer has', () => {
  const text = describeEstimate({ seconds: 3 * 3600 + 5 * 60, memoryBytes: 61.4e9, networkTiles: 1, provider: 'cpu' }, 16e9);
  assert.equal(text, 'about 3 h 5 min and 61 GB of memory on cpu (this computer has 16 GB)');
  assert.equal(describeEstimate({ seconds: 42, memoryBytes: 0.34e9, networkTiles: 1, provider: 'cuda' }, 8e9), 'about 42 s and 0.3 GB of memory on cuda (this computer has 8.0 GB)');
});
