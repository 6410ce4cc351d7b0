import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { computeMasks } from '../../src/engine/core/computeMasks';
import { averagePrecision, countMasks, pixelAgreement } from '../../src/engine/core/metrics';
import { decodeImage } from '../../src/engine/image/decodeImage';
import { loadSharedNpy, readShared, sharedPath } from '../helpers/shared';

// Issue 3, "dynamics alone": the official 3.0.11 network outputs at diameter 30 run through our dynamics give the
// official masks.

interface SummaryEntry {
  name: string;
}

const summary = JSON.parse(readFileSync(sharedPath('reference', 'summary.json'), 'utf8')) as SummaryEntry[];
const withFlows = summary.filter(({ name }) => existsSync(sharedPath('reference', `${name}.d30.dP.npy`)));

async function officialMasks(name: string): Promise<Uint32Array> {
  const raster = await decodeImage(readShared('reference', `${name}.d30.masks.tif`));
  assert.equal(raster.sampleType, 'uint32');
  return raster.data as Uint32Array;
}

test('the reference set has diameter-30 network outputs to test with', () => {
  assert.ok(withFlows.length >= 10, `only ${withFlows.length} images have .d30.dP.npy`);
});

for (const { name } of withFlows) {
  test(`${name}: dynamics on the official diameter-30 flows give the official masks`, async (t) => {
    const dP = loadSharedNpy('reference', `${name}.d30.dP.npy`);
    const cellprob = loadSharedNpy('reference', `${name}.d30.cellprob.npy`);
    const [, height, width] = dP.shape as [number, number, number];
    const masks = computeMasks({
      dP: dP.data,
      cellprob: cellprob.data,
      height,
      width,
      niter: 200,
      cellprobThreshold: 0,
      flowThreshold: 0.4,
      interp: true,
      minSize: 15,
    });
    const official = await officialMasks(name);
    const agreement = pixelAgreement(masks, official);
    const identical = masks.every((label, i) => label === official[i]);
    t.diagnostic(`${height}x${width}: ${countMasks(masks)} masks (official ${countMasks(official)}), ` +
      `pixels agreeing ${(100 * agreement).toFixed(4)}%, labels identical: ${identical}`);
    assert.equal(countMasks(masks), countMasks(official));
    assert.ok(agreement >= 0.999, `only ${(100 * agreement).toFixed(3)}% of pixels agree`);
  });
}

// refdata-cellpose-cyto3: official PyTorch Cellpose cyto3 outputs for cellpose_img_075 (another model, another
// person's run). The network ran on the image padded from 300 to 304 rows at the bottom (the input rows 0..299
// match the raw image); the masks are the official ones for the 300 x 240 image.
for (const name of ['cellpose_img_075', 'cellpose_img_075_ch23']) {
  test(`${name} (cyto3): our masks from the official network output match the official masks, AP@0.5 >= 0.98`, (t) => {
    const folder = ['images', 'webgpu-cellseg', 'refdata-cellpose-cyto3'];
    const meta = JSON.parse(readFileSync(sharedPath(...folder, `${name}.meta.json`), 'utf8')) as {
      H: number;
      W: number;
      Hp: number;
      Wp: number;
      niter: number;
      cellprob_threshold: number;
      flow_threshold: number;
      min_size: number;
      n_masks: number;
    };
    const { H: height, W: width } = meta;
    assert.equal(meta.Wp, width);
    const bytes = readShared(...folder, `${name}.output.bin`);
    const output = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
    assert.equal(output.length, 3 * meta.Hp * meta.Wp);
    const plane = (c: number): Float32Array => output.slice(c * meta.Hp * width, c * meta.Hp * width + height * width);
    const dP = new Float32Array(2 * height * width);
    dP.set(plane(0), 0);
    dP.set(plane(1), height * width);
    const masks = computeMasks({
      dP,
      cellprob: plane(2),
      height,
      width,
      niter: meta.niter,
      cellprobThreshold: meta.cellprob_threshold,
      flowThreshold: meta.flow_threshold,
      interp: true,
      minSize: meta.min_size,
    });
    const officialBytes = readShared(...folder, `${name}.masks.bin`);
    const official = new Int32Array(officialBytes.buffer, officialBytes.byteOffset, officialBytes.byteLength / 4);
    const ap = averagePrecision(official, masks, 0.5);
    t.diagnostic(`${countMasks(masks)} masks (official ${meta.n_masks}), AP@0.5 ${ap.ap}, ` +
      `pixels agreeing ${(100 * pixelAgreement(masks, official)).toFixed(4)}%`);
    assert.equal(countMasks(official), meta.n_masks);
    assert.ok(ap.ap >= 0.98, `AP@0.5 is ${ap.ap}`);
  });
}
