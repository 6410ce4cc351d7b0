// Importing a user's checkpoint or .onnx file under a name, using a model by path, removing, and the lookups that
// fail with a reason.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, lstatSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CellDeskError, FileFormatError } from '../../src/engine/errors';
import { ModelFileChangedError, ModelNameError, UnknownModelError } from '../../src/engine/models/errors';
import { convertCheckpoint } from '../../src/engine/onnx/convertCheckpoint';
import { sharedPath } from '../helpers/shared';
import { DEMO_CHECKPOINT, DEMO_SHA256, DEMO_SIZE_MODEL, DEMO_SIZE_SHA256, tempDir, testManager } from './fixtures';

/** A folder as a user's training leaves it: a checkpoint and its `<file>_size.npy`, here as links to ../shared. */
function trainedModelFolder(t: import('node:test').TestContext): string {
  const folder = tempDir(t, 'trained');
  symlinkSync(DEMO_CHECKPOINT, join(folder, 'CP_20240101_lab.pth'));
  symlinkSync(DEMO_SIZE_MODEL, join(folder, 'CP_20240101_lab.pth_size.npy'));
  return folder;
}

test('an imported checkpoint is copied into the cache with its size model and found by name', async (t) => {
  const folder = trainedModelFolder(t);
  const manager = testManager(t);
  const record = await manager.importModel(join(folder, 'CP_20240101_lab.pth'), { name: 'lab model' });

  assert.equal(record.source, 'imported');
  assert.equal(record.format, 'checkpoint');
  assert.equal(record.path, join(manager.paths.modelsDir, 'imported', 'lab model', 'CP_20240101_lab.pth'));
  assert.ok(lstatSync(record.path).isFile(), 'a real copy, not a link to the original');
  assert.equal(record.sha256, DEMO_SHA256);
  assert.equal(record.diamMean, 30);
  assert.equal(record.sizeModelPath, `${record.path}_size.npy`);
  assert.equal(record.sizeModelSha256, DEMO_SIZE_SHA256);

  const model = await manager.resolve('lab model');
  assert.deepEqual([model.name, model.path, model.sizeModelPath], ['lab model', record.path, record.sizeModelPath]);

  const removed = await manager.remove('lab model');
  assert.equal(removed.name, 'lab model');
  assert.ok(!existsSync(record.path));
  assert.ok(existsSync(join(folder, 'CP_20240101_lab.pth')), 'the original stays');
  await assert.rejects(manager.resolve('lab model'), UnknownModelError);
});

test('without --name the file name is the model name; the size model beside it comes along', async (t) => {
  const manager = testManager(t);
  const record = await manager.importModel(sharedPath('models', 'celldesk-demo', 'celldesk-demo.legacy.pth'));
  assert.equal(record.name, 'celldesk-demo.legacy');
  assert.equal(record.sizeModelPath, `${record.path}_size.npy`, 'celldesk-demo_size.npy, copied beside the imported file');
  assert.deepEqual(readFileSync(record.sizeModelPath), readFileSync(DEMO_SIZE_MODEL));
  assert.equal(record.diamMean, 30);
});

test('an .onnx model is imported with the diameter its metadata records', async (t) => {
  const onnxPath = join(tempDir(t, 'onnx'), 'lab-net.onnx');
  const converted = convertCheckpoint(new Uint8Array(readFileSync(DEMO_CHECKPOINT)));
  writeFileSync(onnxPath, converted.onnx);
  const manager = testManager(t);
  const record = await manager.importModel(onnxPath);
  assert.equal(record.name, 'lab-net');
  assert.equal(record.format, 'onnx');
  assert.equal(record.diamMean, 30);
  assert.equal(record.bytes, converted.onnx.length);
  assert.equal((await manager.resolve('lab-net')).format, 'onnx');
});

test('names that would clash or cannot be folder names are refused', async (t) => {
  const folder = trainedModelFolder(t);
  const manager = testManager(t);
  const file = join(folder, 'CP_20240101_lab.pth');
  await manager.importModel(file, { name: 'mine' });
  for (const name of ['mine', 'demo', 'a/b', '..', ' padded', '']) {
    await assert.rejects(manager.importModel(file, { name }), ModelNameError, `name ${JSON.stringify(name)}`);
  }
  await assert.rejects(manager.importModel(file, { name: 'demo' }), /name of an official Cellpose model/);
  await assert.rejects(manager.importModel(file, { name: 'mine' }), /already exists/);
});

test('a file that is not a model is refused with a typed error and nothing is registered', async (t) => {
  const manager = testManager(t);
  await assert.rejects(manager.importModel(sharedPath('models', 'celldesk-demo', 'README.md')), FileFormatError);
  const bogusOnnx = join(tempDir(t, 'onnx'), 'random.onnx');
  writeFileSync(bogusOnnx, Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f, 0x12]));
  await assert.rejects(manager.importModel(bogusOnnx), /random\.onnx is not a readable ONNX model/);
  await assert.rejects(manager.importModel(join(tempDir(t, 'none'), 'missing.pth')), CellDeskError);
  assert.deepEqual(manager.registry.list(), []);
});

test('a model given by path is used where it is, with `<file>_size.npy` beside it', async (t) => {
  const folder = trainedModelFolder(t);
  const manager = testManager(t);
  const model = await manager.resolve(join(folder, 'CP_20240101_lab.pth'));
  assert.equal(model.name, null);
  assert.equal(model.source, 'path');
  assert.equal(model.path, join(folder, 'CP_20240101_lab.pth'));
  assert.equal(model.sizeModelPath, join(folder, 'CP_20240101_lab.pth_size.npy'));
  assert.equal(model.sha256, DEMO_SHA256);
  assert.deepEqual(manager.registry.list(), []);
});

test('an unknown name says which models exist', async (t) => {
  const manager = testManager(t);
  await assert.rejects(manager.resolve('cyto7'), (error: unknown) => {
    assert.ok(error instanceof UnknownModelError);
    assert.match(error.message, /no model called "cyto7" and no file at that path\. Known models: demo\./);
    return true;
  });
  await assert.rejects(manager.remove('cyto7'), /no model called "cyto7"\. Known models: demo\./);
});

test('an imported copy changed outside CellDesk is reported, not used', async (t) => {
  const folder = trainedModelFolder(t);
  const manager = testManager(t);
  const record = await manager.importModel(join(folder, 'CP_20240101_lab.pth'), { name: 'lab' });
  appendFileSync(record.path, 'tampered');
  await assert.rejects(manager.resolve('lab'), ModelFileChangedError);
});
