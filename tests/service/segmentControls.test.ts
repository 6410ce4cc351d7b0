// The engine calls behind the Segment view's controls, through the real worker with the demo checkpoint: the
// network output as images, calibrating the diameter, importing models (good, malicious, not a model), recent images.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CellDeskError } from '../../src/engine/errors';
import { EngineService } from '../../src/engine/service/engineService';
import type { OpenedImage, Segmentation } from '../../src/shared/contract';
import { checkedCalls } from '../helpers/contract';
import { PickleWriter, zipCheckpoint } from '../checkpoint/fixtures';
import { rejectsWithCode } from '../helpers/errors';
import { tempDir } from '../helpers/cli';
import { DEMO_CHECKPOINT, DEMO_SIZE_MODEL } from '../helpers/demoModel';
import { readShared, sharedPath } from '../helpers/shared';

const IMAGE = sharedPath('images', 'webgpu-cellseg', 'cellpose_img_075.png');
const SETTINGS = { channels: [0, 0] as [number, number], diameter: 30 };

let home: string;
let service: EngineService;
let call: ReturnType<typeof checkedCalls>;
let image: OpenedImage;
let segmentation: Segmentation;
/** The demo checkpoint as a user's training leaves it: with its `<file>_size.npy` beside it (links to ../shared). */
let trainedModel: string;
/** The demo checkpoint alone in a folder: no size model. */
let bareModel: string;

before(async () => {
  home = tempDir('controls-home');
  service = new EngineService({ env: { ...process.env, CELLDESK_HOME: home } });
  call = checkedCalls(service);
  const folder = tempDir('controls-model');
  trainedModel = join(folder, 'lab-demo.pth');
  symlinkSync(DEMO_CHECKPOINT, trainedModel);
  symlinkSync(DEMO_SIZE_MODEL, `${trainedModel}_size.npy`);
  bareModel = join(tempDir('controls-bare-model'), 'bare-demo.pth');
  symlinkSync(DEMO_CHECKPOINT, bareModel);
  image = await call('image:open', { path: IMAGE });
  segmentation = await call('segment:run', { imageId: image.imageId, model: DEMO_CHECKPOINT, provider: 'cpu', settings: SETTINGS });
});

after(() => service.close());

test('the network output is refused, with a reason, before the image is segmented', async () => {
  const fresh = await call('image:open', { path: IMAGE });
  const error = await rejectsWithCode(service.call('segment:networkOutput', { imageId: fresh.imageId }), 'NO_NETWORK_OUTPUT');
  assert.match(error.message, /run the segmentation first/);
});

test('the network output comes back as image-size flow colours and cell probability grey', async () => {
  const output = await call('segment:networkOutput', { imageId: image.imageId });
  assert.deepEqual([output.imageId, output.width, output.height], [image.imageId, 240, 300]);
  assert.equal(output.flows.length, 3 * 240 * 300);
  assert.equal(output.cellprob.length, 240 * 300);
  // Cells are where the network is confident: the grey is brighter inside the masks than outside (the demo
  // checkpoint is a small network, so the contrast is modest: 125 against 88 on average).
  let inside = 0;
  let outside = 0;
  let insideCount = 0;
  for (let i = 0; i < segmentation.labels.length; i++) {
    if (segmentation.labels[i] !== 0) {
      inside += output.cellprob[i]!;
      insideCount++;
    } else {
      outside += output.cellprob[i]!;
    }
  }
  const meanInside = inside / insideCount;
  const meanOutside = outside / (segmentation.labels.length - insideCount);
  assert.ok(meanInside > meanOutside + 25, `mean grey inside masks ${meanInside.toFixed(1)}, outside ${meanOutside.toFixed(1)}`);
  assert.ok(output.flows.some((v) => v > 200), 'the flow field has bright colours');
});

test("calibrating gives the diameter an 'estimate' segmentation uses, without segmenting", async () => {
  const fresh = await call('image:open', { path: IMAGE });
  const calibration = await call('segment:calibrate', { imageId: fresh.imageId, model: trainedModel, provider: 'cpu', channels: [0, 0] });
  const estimated = await call('segment:run', { imageId: image.imageId, model: trainedModel, provider: 'cpu', settings: { ...SETTINGS, diameter: 'estimate' } });
  assert.equal(calibration.diameter, estimated.diameter);
  assert.equal(calibration.diameterFromStyle, estimated.diameterFromStyle);
  assert.ok(calibration.diameter > 5 && calibration.diameter < 100, `diameter ${calibration.diameter}`);
  assert.deepEqual(calibration.model, { name: null, path: trainedModel });
  await rejectsWithCode(service.call('segment:networkOutput', { imageId: fresh.imageId }), 'NO_NETWORK_OUTPUT');
});

test('calibrating with a model that has no size model says so and names the model', async () => {
  const error = await rejectsWithCode(service.call('segment:calibrate', { imageId: image.imageId, model: bareModel, provider: 'cpu', channels: [0, 0] }), 'NO_SIZE_MODEL');
  assert.match(error.message, /bare-demo\.pth has no size model/);
  assert.match(error.message, /Type the cell diameter/);
});

test('calibration is refused for out-of-range settings with the settings message, not a crash', async () => {
  const error = await rejectsWithCode(service.call('segment:calibrate', { imageId: image.imageId, model: trainedModel, provider: 'cpu', channels: [0, 0], batchSize: 0 }), 'INVALID_SETTING');
  assert.match(error.message, /batch size/);
});

test('an imported checkpoint appears in the model list, with its size model', async () => {
  const imported = await call('models:import', { path: trainedModel });
  assert.deepEqual(imported, { name: 'lab-demo', description: 'your model, imported', available: true, supported: true, unsupportedReason: null, downloadBytes: null });
  assert.ok((await call('models:list', undefined)).some((m) => m.name === 'lab-demo'));
  assert.ok(existsSync(join(home, 'models', 'imported', 'lab-demo', 'lab-demo.pth_size.npy')));
  const calibration = await call('segment:calibrate', { imageId: image.imageId, model: 'lab-demo', provider: 'cpu', channels: [0, 0] });
  assert.equal(calibration.model.name, 'lab-demo');
});

test('importing the same file again gives the same model; another file of the same name gets a numbered name', async () => {
  assert.equal((await call('models:import', { path: trainedModel })).name, 'lab-demo');
  const retrained = join(tempDir('controls-retrained'), 'lab-demo.pth');
  writeFileSync(retrained, readShared('models', 'celldesk-demo', 'celldesk-demo.legacy.pth'));
  assert.equal((await call('models:import', { path: retrained })).name, 'lab-demo-2');
  assert.equal((await call('models:import', { path: retrained })).name, 'lab-demo-2');
});

test('an uploaded checkpoint is imported under its file name', async () => {
  const uploaded = await call('models:upload', { name: 'C:\\Users\\lab\\uploaded-demo.pth', bytes: readShared('models', 'celldesk-demo', 'celldesk-demo.zip.pth') });
  assert.equal(uploaded.name, 'uploaded-demo');
  assert.ok((await call('models:list', undefined)).some((m) => m.name === 'uploaded-demo'));
});

test('a malicious checkpoint is refused, runs nothing and registers nothing', async () => {
  const marker = join(tempDir('controls-marker'), 'ran');
  const pickle = new PickleWriter().proto(4).stackGlobal('os', 'system').str(`touch ${marker}`).op(0x85).reduce().stop();
  const path = join(tempDir('controls-bad'), 'evil.pth');
  writeFileSync(path, zipCheckpoint(pickle));
  const error = await rejectsWithCode(service.call('models:import', { path }), 'UNSAFE_CHECKPOINT');
  assert.match(error.message, /os\.system/);
  assert.equal(existsSync(marker), false);
  assert.ok(!(await call('models:list', undefined)).some((m) => m.name === 'evil'));
  assert.equal(existsSync(join(home, 'models', 'imported', 'evil')), false);
});

test('a file that is not a model is refused with a reason, by path and by upload', async () => {
  const path = join(tempDir('controls-bad'), 'notes.pth');
  writeFileSync(path, 'my lab notes, not a network');
  const byPath = await service.call('models:import', { path }).then(() => assert.fail('imported'), (e: unknown) => e);
  const byUpload = await service.call('models:upload', { name: 'notes.pth', bytes: new TextEncoder().encode('not a network') }).then(() => assert.fail('imported'), (e: unknown) => e);
  for (const error of [byPath, byUpload]) {
    assert.ok(error instanceof CellDeskError, String(error));
    assert.match(error.message, /not a PyTorch model file/);
  }
  assert.ok(!(await call('models:list', undefined)).some((m) => m.name === 'notes'));
});

test('opened images are listed as recent, most recent first; uploads are not', async () => {
  const other = sharedPath('images', 'webgpu-cellseg', 'cellpose_img_075.png');
  await call('image:upload', { name: 'dropped.png', bytes: readShared('images', 'webgpu-cellseg', 'cellpose_img_075.png') });
  const recent = await call('image:recent', undefined);
  assert.deepEqual(recent.map((f) => f.path), [other]);
  assert.equal(recent[0]!.name, 'cellpose_img_075.png');
});

test('calibrating reports its progress and is cancelled like a segmentation', async () => {
  const stages = new Set<string>();
  const cancels: Promise<unknown>[] = [];
  const stop = service.on('segment:progress', (event) => {
    stages.add(event.stage);
    cancels.push(service.call('segment:cancel', { imageId: event.imageId }));
  });
  try {
    const error = await rejectsWithCode(service.call('segment:calibrate', { imageId: image.imageId, model: trainedModel, provider: 'cpu', channels: [0, 0] }), 'CANCELLED');
    assert.equal(error.message, 'Calibrating the diameter was cancelled.');
  } finally {
    stop();
  }
  // Each cancel is answered: the first one found the calibration running.
  assert.deepEqual((await Promise.all(cancels))[0], { cancelled: true });
  assert.ok(stages.has('normalize'), [...stages].join(', '));
});
