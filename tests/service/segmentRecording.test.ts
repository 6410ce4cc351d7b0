// Every segmentation the app runs is recorded in the history, as the CLI's are, unless the user turned recording off
// (a preference the engine remembers); a history that cannot be written leaves the segmentation standing.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { appPaths } from '../../src/engine/io/appPaths';
import { EngineService } from '../../src/engine/service/engineService';
import { createHistoryService } from '../../src/engine/service/historyService';
import type { OpenedImage } from '../../src/shared/contract';
import { tempDir } from '../helpers/cli';
import { checkedCalls } from '../helpers/contract';
import { DEMO_CHECKPOINT } from '../helpers/demoModel';
import { readShared, sharedPath } from '../helpers/shared';

const IMAGE = sharedPath('images', 'webgpu-cellseg', 'cellpose_img_075.png');
const home = tempDir('recording-home');
const env = { ...process.env, CELLDESK_HOME: home };
const history = createHistoryService(env);
let service: EngineService;
let call: ReturnType<typeof checkedCalls>;
let image: OpenedImage;

const segment = (record?: boolean) =>
  call('segment:run', { imageId: image.imageId, model: DEMO_CHECKPOINT, provider: 'cpu', settings: { diameter: 30 }, ...(record === undefined ? {} : { record }) });
const recorded = async () => (await history['history:list'](undefined)).segmentationRuns;

before(async () => {
  service = new EngineService({ env });
  call = checkedCalls(service);
  image = await call('image:open', { path: IMAGE });
});

after(() => service.close());

test('a segmentation in the app is recorded in the history with its image, model, masks and timings', async () => {
  const result = await segment();
  assert.ok(result.historyRun !== null);
  const [run, ...others] = await recorded();
  assert.equal(others.length, 0);
  assert.equal(run!.uuid, result.historyRun);
  assert.deepEqual(run!.image, {
    name: 'cellpose_img_075.png',
    sha256: createHash('sha256').update(readShared('images', 'webgpu-cellseg', 'cellpose_img_075.png')).digest('hex'),
    width: 240,
    height: 300,
    channels: 3,
  });
  assert.deepEqual([run!.maskCount, run!.diameter, run!.provider], [result.maskCount, result.diameter, 'cpu']);
  assert.equal(run!.model.name, 'celldesk-demo.zip.pth');
  assert.deepEqual(run!.settings, { ...result.settings });
  assert.ok(run!.timings['network']! > 0 && run!.timings['total']! >= run!.timings['network']!);
});

test('with recording off nothing is recorded, and the segmentation is the same', async () => {
  const before = await recorded();
  const result = await segment(false);
  assert.equal(result.historyRun, null);
  assert.deepEqual(await recorded(), before);
  assert.equal(result.maskCount, before[0]!.maskCount);
});

test('a history that cannot be written leaves the segmentation standing, unrecorded', async () => {
  const { databaseFile } = appPaths(home);
  // A folder where the database file should be: SQLite cannot open it.
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${databaseFile}${suffix}`, { force: true });
  mkdirSync(databaseFile);
  try {
    const result = await segment();
    assert.equal(result.historyRun, null);
    assert.ok(result.maskCount > 0);
  } finally {
    rmSync(databaseFile, { recursive: true });
  }
});

test('"Record in history" is a preference the engine remembers, on by default; a damaged file reads as the default', async () => {
  assert.deepEqual(await call('preferences:get', undefined), { recordSegmentations: true });
  assert.deepEqual(await call('preferences:set', { recordSegmentations: false }), { recordSegmentations: false });
  const restarted = new EngineService({ env });
  try {
    assert.deepEqual(await checkedCalls(restarted)('preferences:get', undefined), { recordSegmentations: false });
  } finally {
    await restarted.close();
  }
  writeFileSync(join(appPaths(home).dataDir, 'preferences.json'), '{"recordSegmentations": "maybe"');
  assert.deepEqual(await call('preferences:get', undefined), { recordSegmentations: true });
});
