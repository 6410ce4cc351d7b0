// Block mode (whole slides): masks computed block by block equal the whole image's, labels leave as a tiled
// (Big)TIFF that reads back as the labels computed, and a tiled TIFF is read region by region without decoding it
// whole.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { blockLayout, blockMargin } from '../../src/engine/core/blockLayout';
import { cropWindow, type PlanarImage } from '../../src/engine/core/image';
import { decodeImage } from '../../src/engine/image/decodeImage';
import { rasterToPlanarFloat32 } from '../../src/engine/image/raster';
import { openTiffRegions } from '../../src/engine/image/imageStack';
import { bytesInMemory } from '../../src/engine/image/tiffStructure';
import { TiledTiffWriter } from '../../src/engine/io/tiledTiffWriter';
import { segmentImage } from '../../src/engine/pipeline/segment';
import { imageRegionsOf, segmentInBlocks } from '../../src/engine/pipeline/segmentBlocks';
import { DEMO_CHECKPOINT } from '../helpers/demoModel';
import { loadSharedRaster, openDemoModel } from '../helpers/demoModel';
import { runCelldesk, tempDir } from '../helpers/cli';
import { readShared } from '../helpers/shared';

const IMAGE = ['images', 'scellseg-contrast_data', 'cytomembrane', '290_img.png'] as const;

/** Pixels where the two label images disagree once labels are matched one to one (0 = identical masks). */
function differingPixels(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const aToB = new Map<number, number>();
  const bToA = new Map<number, number>();
  let differing = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if ((x === 0) !== (y === 0)) {
      differing++;
    } else if (x !== 0) {
      if ((aToB.get(x) ?? y) !== y || (bToA.get(y) ?? x) !== x) differing++;
      aToB.set(x, y);
      bToA.set(y, x);
    }
  }
  return differing;
}

type RowSink = { write(top: number, rows: number, labels: Uint32Array): Promise<void> };

/** The label image a block-mode run hands to its sink, checking rows come in order; each band also goes to `also`. */
async function collectRows(width: number, height: number, run: (sink: RowSink) => Promise<unknown>, also?: RowSink) {
  const labels = new Uint32Array(width * height);
  let next = 0;
  await run({
    async write(top, rows, band) {
      assert.equal(top, next, 'rows arrive in order, once');
      labels.set(band, top * width);
      next = top + rows;
      await also?.write(top, rows, band);
    },
  });
  assert.equal(next, height);
  return labels;
}

test('masks computed in 128-pixel blocks equal the whole image\'s, at the model\'s scale and resized, and read back so from the tiled TIFF written as they came', async () => {
  const model = await openDemoModel();
  const folder = tempDir('blocks');
  try {
    const image = rasterToPlanarFloat32(await loadSharedRaster(...IMAGE));
    assert.ok(blockLayout(image.height, image.width, 128, blockMargin(30)).length >= 16);
    for (const diameter of [30, 22]) {
      const settings = { channels: [2, 1] as [number, number], diameter };
      const whole = await segmentImage(image, model, settings);
      let result: Awaited<ReturnType<typeof segmentInBlocks>> | undefined;
      const path = join(folder, `labels-${diameter}.tif`);
      const writer = await TiledTiffWriter.create(path, { width: image.width, height: image.height, tileSize: 64, bigTiff: diameter === 30 });
      const labels = await collectRows(
        image.width,
        image.height,
        async (sink) => {
          result = await segmentInBlocks(imageRegionsOf(image), model, settings, sink, { blockSize: 128 });
        },
        writer,
      );
      await writer.close();
      assert.equal(result!.maskCount, whole.maskCount, `diameter ${diameter}`);
      assert.ok(whole.maskCount > 100);
      assert.equal(result!.uncertainMasks, 0);
      assert.equal(differingPixels(labels, whole.labels), 0, `diameter ${diameter}`);
      const written = await decodeImage(new Uint8Array(readFileSync(path)));
      assert.equal(written.sampleType, 'uint32');
      assert.deepEqual(written.data, labels, `diameter ${diameter}: the tiled TIFF holds the labels computed`);
    }
  } finally {
    await model.release();
  }
});

test('a block whose margin is narrower than its cells is computed again with a wider one, and its masks are the whole image\'s', async () => {
  const model = await openDemoModel();
  try {
    const image = rasterToPlanarFloat32(await loadSharedRaster(...IMAGE));
    const whole = await segmentImage(image, model, { channels: [2, 1], diameter: 30 });
    // The same network scale (diam_mean / diameter = 1) told cells are 6 px across: margins of 28 px, under a cell.
    const smallCells = { ...model, architecture: { ...model.architecture, diamMean: 6 } };
    let result: Awaited<ReturnType<typeof segmentInBlocks>> | undefined;
    const labels = await collectRows(image.width, image.height, async (sink) => {
      result = await segmentInBlocks(imageRegionsOf(image), smallCells, { channels: [2, 1], diameter: 6 }, sink, { blockSize: 96 });
    });
    assert.ok(result!.widenedBlocks > 0, 'some block was widened');
    assert.equal(result!.uncertainMasks, 0);
    assert.equal(differingPixels(labels, whole.labels), 0);
  } finally {
    await model.release();
  }
});

async function writeTiled(path: string, image: { width: number; height: number; channels: number; data: Uint8Array | Uint16Array | Uint32Array }, bigTiff: boolean, rowsPerWrite: number) {
  const sampleType = image.data instanceof Uint8Array ? 'uint8' : image.data instanceof Uint16Array ? 'uint16' : 'uint32';
  const writer = await TiledTiffWriter.create(path, { width: image.width, height: image.height, channels: image.channels, sampleType, tileSize: 64, bigTiff });
  const plane = image.width * image.height;
  for (let top = 0; top < image.height; top += rowsPerWrite) {
    const rows = Math.min(rowsPerWrite, image.height - top);
    const band = new (image.data.constructor as new (n: number) => typeof image.data)(image.channels * rows * image.width);
    for (let c = 0; c < image.channels; c++) band.set(image.data.subarray(c * plane + top * image.width, c * plane + (top + rows) * image.width), c * rows * image.width);
    await writer.write(top, rows, band);
  }
  await writer.close();
}

test('a tiled TIFF and a tiled BigTIFF written row band by row band read back equal, whole and region by region', async () => {
  const raster = await loadSharedRaster(...IMAGE);
  const folder = tempDir('tiled');
  for (const bigTiff of [false, true]) {
    const path = join(folder, `image-${bigTiff}.tif`);
    await writeTiled(path, { width: raster.width, height: raster.height, channels: raster.channels, data: raster.data as Uint8Array }, bigTiff, 100);
    const bytes = new Uint8Array(readFileSync(path));
    assert.equal(new DataView(bytes.buffer).getUint16(2, bytes[0] === 0x49), bigTiff ? 43 : 42);
    const back = await decodeImage(bytes);
    assert.equal(back.sampleType, raster.sampleType);
    assert.deepEqual(back.data, raster.data);
    const reader = openTiffRegions(bytesInMemory(bytes));
    const whole: PlanarImage = rasterToPlanarFloat32(raster);
    for (const region of [{ top: 0, left: 0, height: 512, width: 512 }, { top: 37, left: 101, height: 130, width: 65 }, { top: 500, left: 0, height: 12, width: 512 }]) {
      assert.deepEqual(new Float32Array(reader.readRegion({ plane: 0, frame: 0 }, region)), cropWindow({ image: whole, top: 0, left: 0 }, region).data, JSON.stringify(region));
    }
  }
});

test('32-bit labels written as a tiled TIFF and as a BigTIFF, in row bands that cut through tiles, read back as they were in memory', async () => {
  const masks = await decodeImage(readShared('reference', 'dsb_512.d30.masks.tif'));
  // Past 16 bits, as the labels of a whole slide with more than 65,535 cells are.
  const labels = Uint32Array.from(masks.data as Uint32Array, (label) => (label === 0 ? 0 : label + 70_000));
  const folder = tempDir('tiled-labels');
  for (const bigTiff of [false, true]) {
    const path = join(folder, `labels-${bigTiff}.tif`);
    await writeTiled(path, { width: masks.width, height: masks.height, channels: 1, data: labels }, bigTiff, 37);
    const bytes = new Uint8Array(readFileSync(path));
    assert.equal(new DataView(bytes.buffer).getUint16(2, bytes[0] === 0x49), bigTiff ? 43 : 42);
    const back = await decodeImage(bytes);
    assert.equal(back.sampleType, 'uint32');
    assert.equal(back.width, masks.width);
    assert.equal(back.height, masks.height);
    assert.deepEqual(back.data, labels, bigTiff ? 'BigTIFF' : 'classic TIFF');
  }
});

test('celldesk segment --blocks reads a tiled TIFF by regions and writes the whole image\'s masks as a tiled TIFF', async () => {
  const raster = await loadSharedRaster(...IMAGE);
  const folder = tempDir('blocks-cli');
  const input = join(folder, 'slide.tif');
  await writeTiled(input, { width: raster.width, height: raster.height, channels: raster.channels, data: raster.data as Uint8Array }, false, 512);
  const common = ['--model', DEMO_CHECKPOINT, '--diameter', '30', '--channels', '2,1', '--ep', 'cpu', '--json', '--no-history'];
  const inBlocks = await runCelldesk(['segment', input, '--blocks', '128', '--out', join(folder, 'blocks.tif'), ...common]);
  assert.equal(inBlocks.code, 0, inBlocks.stderr);
  const report = JSON.parse(inBlocks.stdout) as { masks: number; blocks: { count: number; uncertainMasks: number }; image: { readByRegion: boolean } };
  assert.equal(report.image.readByRegion, true);
  assert.equal(report.blocks.count, 16);
  assert.equal(report.blocks.uncertainMasks, 0);
  const whole = await runCelldesk(['segment', input, '--blocks', 'off', '--out', join(folder, 'whole.tif'), ...common]);
  assert.equal(whole.code, 0, whole.stderr);
  const blockLabels = await decodeImage(new Uint8Array(readFileSync(join(folder, 'blocks.tif'))));
  const wholeLabels = await decodeImage(new Uint8Array(readFileSync(join(folder, 'whole.tif'))));
  assert.equal(blockLabels.sampleType, 'uint32');
  assert.equal(differingPixels(blockLabels.data, wholeLabels.data), 0);
  assert.equal((JSON.parse(whole.stdout) as { masks: number }).masks, report.masks);
});
