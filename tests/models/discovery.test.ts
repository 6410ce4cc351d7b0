// Issue 4 acceptance: the user's Cellpose model folder (CELLPOSE_LOCAL_MODELS_PATH) is found, and its models are
// used where they are, never copied, never deleted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ModelNotRemovableError } from '../../src/engine/models/errors';
import {
  DEMO_CHECKPOINT,
  DEMO_DIR,
  DEMO_SHA256,
  DEMO_SIZE_MODEL,
  DEMO_SIZE_SHA256,
  tempDir,
  testManager,
} from './fixtures';
import { sharedPath } from '../helpers/shared';

// Nothing listens on port 9 (and fetch refuses it): any download attempt would fail these tests.
const NO_SERVER = 'http://127.0.0.1:9/models/';

/** Files of CellDesk's own cache other than the database: there must be none when models are used in place. */
function cachedFiles(modelsDir: string): string[] {
  return existsSync(modelsDir) ? readdirSync(modelsDir, { recursive: true }).map(String) : [];
}

test('a catalogue model in the Cellpose folder is used in place, without download or copy', async (t) => {
  const manager = testManager(t, { baseUrl: NO_SERVER, env: { CELLPOSE_LOCAL_MODELS_PATH: DEMO_DIR } });
  assert.equal(manager.cellposeDir, DEMO_DIR);

  const model = await manager.resolve('demo');
  assert.equal(model.source, 'cellpose-folder');
  assert.equal(model.path, DEMO_CHECKPOINT);
  assert.equal(model.sizeModelPath, DEMO_SIZE_MODEL);
  assert.equal(model.sha256, DEMO_SHA256);
  assert.equal(model.diamMean, 30);
  assert.deepEqual(cachedFiles(manager.paths.modelsDir), []);

  const { models } = await manager.list();
  assert.equal(models.find((m) => m.name === 'demo')?.record?.path, DEMO_CHECKPOINT);
  await assert.rejects(manager.remove('demo'), ModelNotRemovableError);
  assert.ok(existsSync(DEMO_CHECKPOINT));
});

test("a user's own models listed in gui_models.txt are found with their size models", async (t) => {
  const folder = tempDir(t, 'cellpose-models');
  symlinkSync(DEMO_CHECKPOINT, join(folder, 'CP_20240101_demo'));
  symlinkSync(DEMO_SIZE_MODEL, join(folder, 'CP_20240101_demo_size.npy'));
  symlinkSync(sharedPath('models', 'celldesk-demo', 'README.md'), join(folder, 'notes'));
  writeFileSync(join(folder, 'gui_models.txt'), 'CP_20240101_demo\nnotes\nCP_gone\n');
  const manager = testManager(t, { baseUrl: NO_SERVER, env: { CELLPOSE_LOCAL_MODELS_PATH: folder } });

  const { models, skipped } = await manager.list();
  const mine = models.find((m) => m.name === 'CP_20240101_demo');
  assert.equal(mine?.record?.source, 'cellpose-folder');
  assert.equal(mine?.record?.path, join(folder, 'CP_20240101_demo'));
  assert.equal(mine?.record?.diamMean, 30);
  assert.equal(mine?.record?.sizeModelSha256, DEMO_SIZE_SHA256);
  assert.deepEqual(skipped.map((s) => s.name).sort(), ['CP_gone', 'notes']);
  assert.match(skipped.find((s) => s.name === 'notes')!.reason, /not a PyTorch model file/);
  assert.match(skipped.find((s) => s.name === 'CP_gone')!.reason, /file is not there/);

  const model = await manager.resolve('CP_20240101_demo');
  assert.equal(model.path, join(folder, 'CP_20240101_demo'));
  assert.equal(model.sizeModelPath, join(folder, 'CP_20240101_demo_size.npy'));
  assert.deepEqual(cachedFiles(manager.paths.modelsDir), []);

  // Taken out of Cellpose's list, it leaves CellDesk's too.
  writeFileSync(join(folder, 'gui_models.txt'), '');
  await manager.list();
  assert.equal(manager.registry.get('CP_20240101_demo'), undefined);
});

test('a model added to the Cellpose folder after start-up is found when first asked for', async (t) => {
  const folder = tempDir(t, 'cellpose-models');
  const manager = testManager(t, { baseUrl: NO_SERVER, env: { CELLPOSE_LOCAL_MODELS_PATH: folder } });
  await manager.list();
  symlinkSync(DEMO_CHECKPOINT, join(folder, 'late_model'));
  writeFileSync(join(folder, 'gui_models.txt'), 'late_model\n');
  assert.equal((await manager.resolve('late_model')).sha256, DEMO_SHA256);
});

test('a catalogue file in the Cellpose folder that differs from the published one is not used', async (t) => {
  const folder = tempDir(t, 'cellpose-models');
  symlinkSync(sharedPath('models', 'celldesk-demo', 'celldesk-demo.legacy.pth'), join(folder, 'celldesk-demo.zip.pth'));
  symlinkSync(DEMO_SIZE_MODEL, join(folder, 'celldesk-demo_size.npy'));
  const manager = testManager(t, { baseUrl: NO_SERVER, env: { CELLPOSE_LOCAL_MODELS_PATH: folder } });

  const { models, skipped } = await manager.list();
  assert.equal(models.find((m) => m.name === 'demo')?.record, null);
  assert.equal(skipped[0]?.name, 'demo');
  assert.match(skipped[0]!.reason, /differs from the published file/);
  await assert.rejects(manager.resolve('demo'), /could not download celldesk-demo\.zip\.pth/);
});

test('a missing Cellpose folder is simply empty', async (t) => {
  const manager = testManager(t, { env: { CELLPOSE_LOCAL_MODELS_PATH: join(tempDir(t, 'x'), 'does-not-exist') } });
  const { models, skipped } = await manager.list();
  assert.deepEqual(skipped, []);
  assert.ok(models.every((m) => m.record === null));
});
