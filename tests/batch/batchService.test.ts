// The app's batch as the window calls it: 'batch:start' answered by the batch service in a worker thread of its own,
// over three small images of ../shared (one of them a truncated copy), on the real engine with the demo checkpoint
// and a real SQLite history: each step comes back as a 'batch:event', the broken image is reported and the others are
// done, and 'batch:cancel' stops a batch within the image it is on.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HistoryStore } from '../../src/engine/history/historyStore';
import { appPathsFor } from '../../src/engine/io/appPaths';
import { BatchService } from '../../src/engine/service/batchService';
import { events as eventSchemas, type BatchEvent, type BatchRequest } from '../../src/shared/contract';
import { tempDir } from '../helpers/cli';
import { assertContractResult } from '../helpers/contract';
import { DEMO_CHECKPOINT } from '../helpers/demoModel';
import { rejectsWithCode } from '../helpers/errors';
import { readShared, sharedPath } from '../helpers/shared';

const env = { ...process.env, CELLDESK_HOME: tempDir('batch-service-home') };
const service = new BatchService({ env });
const images = tempDir('batch-service-images');
const received: BatchEvent[] = [];

before(() => {
  copyFileSync(sharedPath('images', 'neurips22-cellseg', 'cell_00528.tif'), join(images, 'cells.tif'));
  copyFileSync(sharedPath('images', 'webgpu-cellseg', 'cellpose_img_075.png'), join(images, 'culture.png'));
  const png = readShared('images', 'omnipose-docs', 'img02.png');
  writeFileSync(join(images, 'damaged.png'), png.subarray(0, Math.floor(png.length / 2)));
  service.on('batch:event', (event) => received.push(eventSchemas['batch:event'].parse(event)));
});

after(() => service.close());

const request = (outputFolder: string): BatchRequest => ({
  images: [images],
  outputFolder,
  formats: ['labels-tiff', 'measurements-csv'],
  model: DEMO_CHECKPOINT,
  provider: 'cpu',
  settings: { channels: [0, 0], diameter: 30, flowThreshold: 0.4, cellprobThreshold: 0, minSize: 15, augment: false, batchSize: 8 },
  record: true,
  redo: false,
  overwrite: false,
});

const recordedRuns = () => HistoryStore.use(appPathsFor(env).databaseFile, (store) => store.listSegmentationRuns(100));

test('a batch in its worker does every image it can read, says why the broken one failed, and records the others', { timeout: 300_000 }, async () => {
  received.length = 0;
  const output = join(tempDir('batch-service-out'), 'masks');
  const running = service.start(request(output));
  assert.equal(service.isRunning, true);
  await rejectsWithCode(service.start(request(output)), 'BATCH_BUSY');
  const report = assertContractResult('batch:start', await running);
  assert.equal(service.isRunning, false);

  assert.equal(report.status, 'completed');
  assert.equal(report.outputFolder, output);
  // The folder's images by name: cells.tif, culture.png, damaged.png.
  assert.deepEqual(report.images.map((i) => [i.name, i.status]), [['cells.tif', 'done'], ['culture.png', 'done'], ['damaged.png', 'failed']]);
  const [cells, culture, damaged] = report.images;
  for (const done of [cells!, culture!]) {
    assert.ok(done.masks! > 0 && done.diameter === 30 && done.ms! > 0, JSON.stringify(done));
    assert.deepEqual(done.outputs.map((o) => o.format), ['labels-tiff', 'measurements-csv']);
    for (const { path } of done.outputs) assert.ok(existsSync(path), path);
  }
  assert.equal(damaged!.outputs.length, 0);
  // The row names the file; the message says what is wrong with it and what to do.
  assert.match(damaged!.error!.message, /^This PNG file ends early \(after [\d,]+ bytes, before its end marker\)\..*copy it again from the original\.$/);
  assert.notEqual(damaged!.error!.code, 'INTERNAL', 'a damaged image is a typed error, not an unexpected problem');
  assert.deepEqual(readdirSync(output).sort(), ['celldesk-batch.json', 'cells_cp_masks.tif', 'cells_cp_measurements.csv', 'culture_cp_masks.tif', 'culture_cp_measurements.csv']);

  // The queue first, then per image: running, its stages, its result.
  assert.equal(received[0]?.type, 'started');
  assert.deepEqual(received[0]?.type === 'started' && received[0].images.map((i) => i.status), ['pending', 'pending', 'pending']);
  const imageEvents = received.flatMap((e) => (e.type === 'image' ? [`${e.index}: ${e.result.status}`] : []));
  assert.deepEqual(imageEvents, ['0: running', '0: done', '1: running', '1: done', '2: running', '2: failed']);
  for (const index of [0, 1]) assert.ok(received.some((e) => e.type === 'progress' && e.index === index && e.progress.stage === 'network'), `progress of image ${index}`);

  const runs = recordedRuns();
  assert.deepEqual(runs.map((run) => run.image.name).sort(), ['cells.tif', 'culture.png']);
  assert.deepEqual(runs.map((run) => run.uuid).sort(), [cells!.historyRun, culture!.historyRun].sort());
});

test('cancelled while its first image is segmented, a batch answers at once with that image undone and nothing written', { timeout: 300_000 }, async () => {
  received.length = 0;
  const output = join(tempDir('batch-service-cancel'), 'masks');
  let cancelAnswer: unknown = null;
  const stop = service.on('batch:event', (event) => {
    if (cancelAnswer === null && event.type === 'progress' && event.progress.stage === 'network') cancelAnswer = service.handlers['batch:cancel'](undefined);
  });
  const report = assertContractResult('batch:start', await service.start(request(output)));
  stop();
  assert.deepEqual(await cancelAnswer, { cancelled: true });
  assert.equal(report.status, 'cancelled');
  assert.deepEqual(report.images.map((i) => i.status), ['cancelled', 'pending', 'pending']);
  assert.deepEqual(readdirSync(output), [], 'no file of the image in progress, no manifest');
  assert.equal(received.filter((e) => e.type === 'image' && e.index > 0).length, 0, 'the images after it are not started');
  assert.deepEqual(await service.handlers['batch:cancel'](undefined), { cancelled: false });
});
