// The app's batch runner in Node, on the real engine and the demo checkpoint: a batch with a broken image reports it
// and does the others, writes every format asked for and records each image in the history; cancelled, it resumes
// with the images left; run again, it skips what is done; a changed setting redoes the images; files in the output
// folder that are not the batch's own are replaced only when the run is told to.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { onnxRuntimeBackend } from '../../src/engine/backend/onnxruntime';
import { runAppBatch } from '../../src/engine/batch/appBatch';
import { MANIFEST_NAME } from '../../src/engine/batch/batchManifest';
import { countMasks } from '../../src/engine/core/metrics';
import { HistoryStore } from '../../src/engine/history/historyStore';
import { SegmentationRecorder } from '../../src/engine/history/segmentAndRecord';
import { decodeImage } from '../../src/engine/image/decodeImage';
import { ModelManager } from '../../src/engine/models/modelManager';
import { readSegFile } from '../../src/engine/sessionFile/readSegFile';
import { BATCH_FORMATS, batchReport, type BatchEvent, type BatchRequest } from '../../src/shared/contract';
import { tempDir } from '../helpers/cli';
import { DEMO_CHECKPOINT } from '../helpers/demoModel';
import { readShared, sharedPath } from '../helpers/shared';

const IMAGE = sharedPath('images', 'neurips22-cellseg', 'cell_00528.tif');
/** Masks the demo model finds in IMAGE at diameter 30 (as `celldesk segment` does). */
const MASKS = 13;

const images = tempDir('batch-images');
const output = join(tempDir('batch-output'), 'masks');
const home = tempDir('batch-home');
let manager: ModelManager;
let recorder: SegmentationRecorder;

before(() => {
  copyFileSync(IMAGE, join(images, 'a.tif'));
  copyFileSync(IMAGE, join(images, 'b.tif'));
  const png = readShared('images', 'webgpu-cellseg', 'cellpose_img_075.png');
  writeFileSync(join(images, 'broken.png'), png.subarray(0, png.length / 3));
  manager = new ModelManager({ env: { ...process.env, CELLDESK_HOME: home } });
  recorder = new SegmentationRecorder(manager.paths.databaseFile, onnxRuntimeBackend.version);
});

after(() => manager.close());

const request = (change: Partial<BatchRequest> = {}): BatchRequest => ({
  images: [images],
  outputFolder: output,
  formats: [...BATCH_FORMATS],
  model: DEMO_CHECKPOINT,
  provider: 'cpu',
  settings: { channels: [0, 0], diameter: 30, flowThreshold: 0.4, cellprobThreshold: 0, minSize: 15, augment: false, batchSize: 8 },
  record: true,
  redo: false,
  overwrite: false,
  ...change,
});

/** Runs a batch; `onEvent` sees each event (and may cancel it through `controller`). */
async function runBatch(req: BatchRequest, onEvent: (event: BatchEvent, controller: AbortController) => void = () => {}) {
  const controller = new AbortController();
  const events: BatchEvent[] = [];
  const report = await runAppBatch(req, { manager, backend: onnxRuntimeBackend, recorder }, {
    signal: controller.signal,
    onEvent: (event) => {
      events.push(event);
      onEvent(event, controller);
    },
  });
  batchReport.parse(report);
  return { report, events, statuses: report.images.map((image) => `${image.name}: ${image.status}`) };
}

const recordedRuns = () => HistoryStore.use(manager.paths.databaseFile, (store) => store.listSegmentationRuns(100));

test('cancelled after its first image, a batch leaves that image done and the others undone', { timeout: 300_000 }, async () => {
  const { report, events, statuses } = await runBatch(request(), (event, controller) => {
    if (event.type === 'image' && event.result.status === 'done') controller.abort();
  });
  assert.equal(report.status, 'cancelled');
  // Images are taken by name: a.tif, b.tif, broken.png.
  assert.deepEqual(statuses, ['a.tif: done', 'b.tif: pending', 'broken.png: pending']);
  const started = events[0]!;
  assert.equal(started.type, 'started');
  assert.deepEqual(started.type === 'started' && started.images.map((i) => i.status), ['pending', 'pending', 'pending']);
  assert.ok(events.some((e) => e.type === 'progress' && e.index === 0 && e.progress.stage === 'network'), 'per-image progress');
  const [a] = report.images;
  assert.equal(a!.masks, MASKS);
  assert.equal(a!.diameter, 30);
  assert.deepEqual(a!.outputs.map((o) => o.path), ['_cp_masks.tif', '_cp_masks.png', '_outlines.png', '_rois.zip', '_cp_measurements.csv', '_seg.npy'].map((suffix) => join(output, `a${suffix}`)));
  for (const { path } of a!.outputs) assert.ok(statSync(path).size > 0, path);
  assert.equal(countMasks((await decodeImage(readFileSync(join(output, 'a_cp_masks.tif')))).data as Uint16Array), MASKS);
  assert.equal(readSegFile(readFileSync(join(output, 'a_seg.npy'))).masks.width, 200);
  assert.equal(readFileSync(join(output, 'a_cp_measurements.csv'), 'utf8').trim().split('\n').length, MASKS + 1);
  assert.equal(existsSync(join(output, 'b_cp_masks.tif')), false);
  assert.deepEqual(recordedRuns().map((run) => [run.uuid, run.image.name, run.maskCount]), [[a!.historyRun, 'a.tif', MASKS]]);
});

test('resumed, it does only the images left: the broken one is reported with the engine\'s message and the others go on', { timeout: 300_000 }, async () => {
  const { report, statuses } = await runBatch(request());
  assert.equal(report.status, 'completed');
  assert.deepEqual(statuses, ['a.tif: skipped', 'b.tif: done', 'broken.png: failed']);
  const [a, b, broken] = report.images;
  assert.equal(a!.masks, MASKS, 'a skipped image keeps what its run found');
  assert.equal(b!.masks, MASKS);
  assert.match(broken!.error?.message ?? '', /truncated|incomplete|ends early/i);
  assert.equal(existsSync(join(output, 'broken_cp_masks.tif')), false);
  assert.deepEqual(recordedRuns().map((run) => run.image.name).sort(), ['a.tif', 'b.tif']);
  const manifest = JSON.parse(readFileSync(join(output, MANIFEST_NAME), 'utf8')) as { images: Record<string, unknown> };
  assert.deepEqual(Object.keys(manifest.images).sort(), ['a', 'b']);
});

test('run again with the same settings (fewer formats), it skips every image done, segmenting and recording nothing', { timeout: 300_000 }, async () => {
  const { statuses, report, events } = await runBatch(request({ formats: ['labels-tiff'] }));
  assert.equal(events.filter((e) => e.type === 'progress').length, 0);
  assert.deepEqual(statuses, ['a.tif: skipped', 'b.tif: skipped', 'broken.png: failed']);
  assert.equal(report.images[0]!.outputs.length, BATCH_FORMATS.length, 'the files of the run that did it');
  assert.equal(recordedRuns().length, 2);
});

test('a changed setting redoes the images; "redo" redoes them with the same settings', { timeout: 300_000 }, async () => {
  const changed = await runBatch(request({ images: [join(images, 'a.tif')], formats: ['labels-tiff'], settings: { ...request().settings, flowThreshold: 0.5 } }));
  assert.deepEqual(changed.statuses, ['a.tif: done']);
  assert.equal(changed.report.images[0]!.summary?.settings.flowThreshold, 0.5);
  const redone = await runBatch(request({ images: [join(images, 'a.tif')], formats: ['labels-tiff'], settings: { ...request().settings, flowThreshold: 0.5 }, redo: true }));
  assert.deepEqual(redone.statuses, ['a.tif: done']);
  assert.equal(recordedRuns().length, 4);
});

test('a batch without history records nothing, and images named by relative paths are refused', { timeout: 300_000 }, async () => {
  const { statuses } = await runBatch(request({ images: [join(images, 'b.tif')], record: false, redo: true, formats: ['labels-tiff'] }));
  assert.deepEqual(statuses, ['b.tif: done']);
  assert.equal(recordedRuns().length, 4);
  await assert.rejects(runBatch(request({ images: ['images/a.tif'] })), { code: 'INVALID_SETTING', message: /full path; "images\/a\.tif"/ });
});

test('files in the output folder that no batch here wrote stop the run before any work, named; confirmed, they are replaced, and the batch\'s own are not asked about again', { timeout: 300_000 }, async () => {
  const folder = join(tempDir('batch-replace'), 'masks');
  mkdirSync(folder);
  const mine = join(folder, 'a_cp_masks.tif');
  writeFileSync(mine, 'masks drawn by hand');
  const asked = request({ images: [join(images, 'a.tif')], outputFolder: folder, formats: ['labels-tiff', 'seg-npy'], record: false });
  await assert.rejects(runBatch(asked), { code: 'BATCH_FILES_EXIST', message: `Nothing was run: ${folder} holds a file the batch would write (a_cp_masks.tif). Confirm to replace it, or choose another output folder.` });
  assert.equal(readFileSync(mine, 'utf8'), 'masks drawn by hand');
  assert.deepEqual(readdirSync(folder), ['a_cp_masks.tif'], 'nothing written, not even the batch record');

  assert.deepEqual((await runBatch({ ...asked, overwrite: true })).statuses, ['a.tif: done']);
  assert.equal(countMasks((await decodeImage(readFileSync(mine))).data as Uint16Array), MASKS);
  assert.deepEqual((await runBatch({ ...asked, redo: true })).statuses, ['a.tif: done'], 'its own files are redone without a question');

  // Edited since the batch wrote it: not the batch's own any more.
  appendFileSync(mine, 'edited');
  await assert.rejects(runBatch({ ...asked, redo: true }), { code: 'BATCH_FILES_EXIST', message: /holds a file the batch would write \(a_cp_masks\.tif\)/ });
});
