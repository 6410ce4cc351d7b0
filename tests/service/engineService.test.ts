import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { decodeImage } from '../../src/engine/image/decodeImage';
import { EngineService } from '../../src/engine/service/engineService';
import type { OpenedImage, Segmentation, SegmentProgressEvent } from '../../src/shared/contract';
import { checkedCalls } from '../helpers/contract';
import { rejectsWithCode } from '../helpers/errors';
import { tempDir } from '../helpers/cli';
import { DEMO_CHECKPOINT } from '../helpers/demoModel';
import { readShared, sharedPath } from '../helpers/shared';

const IMAGE = sharedPath('images', 'webgpu-cellseg', 'cellpose_img_075.png');
const SETTINGS = { channels: [0, 0] as [number, number], diameter: 30 };

let service: EngineService;
let call: ReturnType<typeof checkedCalls>;
let image: OpenedImage;
let first: Segmentation;
const progress: SegmentProgressEvent[] = [];
let longestStall = 0;
let networkMs = 0;

before(async () => {
  service = new EngineService({ env: { ...process.env, CELLDESK_HOME: tempDir('service-home') } });
  call = checkedCalls(service);
  service.on('segment:progress', (event) => progress.push(event));
  image = await call('image:open', { path: IMAGE });
  // The answering thread must stay free while the worker segments: a timer every 20 ms measures the longest stall.
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    longestStall = Math.max(longestStall, now - last);
    last = now;
  }, 20);
  try {
    first = await call('segment:run', { imageId: image.imageId, model: DEMO_CHECKPOINT, provider: 'cpu', settings: SETTINGS });
    networkMs = first.timings['network']!;
  } finally {
    clearInterval(timer);
  }
});

after(() => service.close());

test('opens an image by path and describes it', () => {
  assert.deepEqual(
    { ...image, imageId: typeof image.imageId },
    {
      imageId: 'string',
      name: 'cellpose_img_075.png',
      path: IMAGE,
      format: 'png',
      width: 240,
      height: 300,
      planes: 1,
      frames: 1,
      channels: 3,
      sampleType: 'uint8',
      pixelSize: null,
      axesFrom: 'undeclared',
      plane: 0,
      frame: 0,
      page: 0,
      pageCount: 1,
      exportFolder: sharedPath('images', 'webgpu-cellseg'),
    },
  );
});

test('display pixels are the planes as stored, with 1st-99th percentile ranges inside the extents', async () => {
  const pixels = await call('image:pixels', { imageId: image.imageId });
  const decoded = await decodeImage(readShared('images', 'webgpu-cellseg', 'cellpose_img_075.png'));
  assert.ok(pixels.data instanceof Uint8Array);
  assert.deepEqual(pixels.data, decoded.data);
  assert.equal(pixels.ranges.length, 3);
  pixels.ranges.forEach(([low, high], c) => {
    const [min, max] = pixels.extents[c]!;
    assert.ok(min <= low && low <= high && high <= max, `channel ${c}: ${low}..${high} within ${min}..${max}`);
  });
  // This image's red channel is empty; its green and blue channels have contrast.
  assert.deepEqual(pixels.extents[0], [0, 0]);
  assert.ok(pixels.ranges[1]![0] < pixels.ranges[1]![1] && pixels.ranges[2]![0] < pixels.ranges[2]![1]);
});

test('segments in the worker while the answering thread stays responsive, reporting progress', () => {
  assert.equal(first.maskCount, 44);
  assert.equal(first.masks.length, 44);
  assert.equal(first.labels.length, 240 * 300);
  assert.equal(first.networkRuns, 1);
  assert.equal(first.networkRan, true);
  assert.equal(first.executionProvider, 'cpu');
  assert.ok(progress.some((p) => p.stage === 'network' && p.imageId === image.imageId));
  assert.ok(progress.some((p) => p.stage === 'masks' && p.done === 1));
  // Run on this thread, the network pass would stall it for its whole duration; in the worker the longest stall is a
  // small fraction of it, however fast or busy the machine is.
  assert.ok(longestStall < Math.min(1000, networkMs / 3), `the answering thread stalled for ${longestStall.toFixed(0)} ms (network ${networkMs.toFixed(0)} ms)`);
  // Outline pixels lie on masks; the table's areas add up to the mask pixels.
  for (let i = 0; i < first.outlines.length; i++) if (first.outlines[i] === 1) assert.notEqual(first.labels[i], 0);
  const maskPixels = first.labels.reduce((n, label) => n + (label > 0 ? 1 : 0), 0);
  assert.equal(first.masks.reduce((n, row) => n + row.area, 0), maskPixels);
});

test('re-thresholding recomputes masks from the kept network output without running the network', async () => {
  const stricter = await call('segment:rethreshold', { imageId: image.imageId, flowThreshold: 0.4, cellprobThreshold: 3, minSize: 15 });
  assert.equal(stricter.networkRuns, 1);
  assert.equal(stricter.networkRan, false);
  assert.ok(stricter.maskCount < first.maskCount, `${stricter.maskCount} masks at cellprob 3`);
  const back = await call('segment:rethreshold', { imageId: image.imageId, flowThreshold: 0.4, cellprobThreshold: 0, minSize: 15 });
  assert.deepEqual(back.labels, first.labels);
});

test('a new flow threshold or minimum size alone skips the dynamics; coming back gives the first masks, table and outlines', async () => {
  const looser = await call('segment:rethreshold', { imageId: image.imageId, flowThreshold: 0.05, cellprobThreshold: 0, minSize: 15 });
  assert.ok(!('dynamics' in looser.timings) && !('flowError' in looser.timings), `stages ${Object.keys(looser.timings).join(', ')}`);
  assert.ok(['cleanup', 'measure', 'total'].every((stage) => stage in looser.timings), `stages ${Object.keys(looser.timings).join(', ')}`);
  assert.ok(looser.maskCount < first.maskCount, `${looser.maskCount} masks at flow threshold 0.05`);
  const medianArea = first.masks.map((row) => row.area).sort((a, b) => a - b)[first.masks.length >> 1]!;
  const larger = await call('segment:rethreshold', { imageId: image.imageId, flowThreshold: 0.4, cellprobThreshold: 0, minSize: medianArea });
  assert.ok(!('dynamics' in larger.timings));
  assert.ok(larger.masks.every((row) => row.area >= medianArea) && larger.maskCount < first.maskCount, `${larger.maskCount} masks of ${medianArea} px or more`);
  const back = await call('segment:rethreshold', { imageId: image.imageId, flowThreshold: 0.4, cellprobThreshold: 0, minSize: 15 });
  assert.deepEqual(back.labels, first.labels);
  assert.deepEqual(back.masks, first.masks);
  assert.deepEqual(back.outlines, first.outlines);
});

test('exports label TIFF and PNG, outlines, ImageJ ROIs and measurements under Cellpose file names', async () => {
  const folder = join(tempDir('export'), 'new folder');
  const { files } = await call('masks:export', {
    imageId: image.imageId,
    labels: first.labels,
    formats: ['labels-tiff', 'labels-png', 'outlines-png', 'imagej-rois', 'measurements-csv'],
    folder,
  });
  assert.deepEqual(
    files.map((f) => f.path),
    ['_cp_masks.tif', '_cp_masks.png', '_outlines.png', '_rois.zip', '_cp_measurements.csv'].map((suffix) => join(folder, `cellpose_img_075${suffix}`)),
  );
  const tiff = await decodeImage(new Uint8Array(readFileSync(files[0]!.path)));
  assert.equal(tiff.sampleType, 'uint16');
  assert.deepEqual(Uint32Array.from(tiff.data), first.labels);
  const png = await decodeImage(new Uint8Array(readFileSync(files[1]!.path)));
  assert.deepEqual(Uint32Array.from(png.data), first.labels);
  const outlines = await decodeImage(new Uint8Array(readFileSync(files[2]!.path)));
  assert.equal(outlines.channels, 3);
  let red = 0;
  for (let i = 0; i < first.outlines.length; i++) {
    const isRed = outlines.data[i] === 255 && outlines.data[first.outlines.length + i] === 0 && outlines.data[2 * first.outlines.length + i] === 0;
    if (first.outlines[i] === 1) {
      assert.ok(isRed);
      red++;
    }
  }
  assert.ok(red > 500);
  assert.equal(Object.keys(unzipSync(new Uint8Array(readFileSync(files[3]!.path)))).length, 44);
  const csv = readFileSync(files[4]!.path, 'utf8').trim().split('\n');
  assert.equal(csv[0], 'mask,area_px,centroid_x,centroid_y,mean_intensity_ch1,mean_intensity_ch2,mean_intensity_ch3');
  assert.equal(csv.length, 45);
  assert.equal(Number(csv[1]!.split(',')[1]), first.masks[0]!.area);
});

test('a cancelled segmentation fails with CANCELLED and leaves the kept output usable', async () => {
  const seen = new Promise<void>((resolve) => {
    const stop = service.on('segment:progress', (event) => {
      if (event.stage === 'network') {
        stop();
        resolve();
      }
    });
  });
  const run = service.call('segment:run', { imageId: image.imageId, model: DEMO_CHECKPOINT, provider: 'cpu', settings: SETTINGS });
  await seen;
  assert.deepEqual(await call('segment:cancel', { imageId: image.imageId }), { cancelled: true });
  const error = await rejectsWithCode(run, 'CANCELLED');
  assert.equal(error.message, 'The segmentation was cancelled.');
  assert.deepEqual(await call('segment:cancel', { imageId: image.imageId }), { cancelled: false });
  const again = await call('segment:rethreshold', { imageId: image.imageId, flowThreshold: 0.4, cellprobThreshold: 0, minSize: 15 });
  assert.equal(again.networkRuns, 1);
});

test('typed errors cross the thread: missing file, unknown image, no segmentation yet', async () => {
  const missing = await rejectsWithCode(service.call('image:open', { path: '/no/such/image.tif' }), 'IMAGE_FILE');
  assert.equal(missing.message, 'Cannot read the image /no/such/image.tif: there is no such file.');
  await rejectsWithCode(service.call('image:pixels', { imageId: 'not-an-id' }), 'IMAGE_NOT_OPEN');
  const bytes = readShared('images', 'webgpu-cellseg', 'cellpose_img_075.png');
  const uploaded = await call('image:upload', { name: 'C:\\data\\upload.png', bytes });
  assert.equal(uploaded.name, 'upload.png');
  assert.equal(uploaded.path, null);
  await rejectsWithCode(service.call('segment:rethreshold', { imageId: uploaded.imageId, flowThreshold: 0.4, cellprobThreshold: 0, minSize: 15 }), 'NO_SEGMENTATION');
  await rejectsWithCode(service.call('image:upload', { name: 'notes.txt', bytes: new TextEncoder().encode('hello') }), 'IMAGE_UNSUPPORTED');
  assert.deepEqual(await call('image:close', { imageId: uploaded.imageId }), { closed: true });
  await rejectsWithCode(service.call('image:pixels', { imageId: uploaded.imageId }), 'IMAGE_NOT_OPEN');
});
