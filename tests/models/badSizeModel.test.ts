// Size models (`_size.npy`) are refused on import with the same care as checkpoints, their refusal explained in the
// reader's own words; at a given diameter a bad one does not stop a segmentation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeImage } from '../../src/engine/image/decodeImage';
import { runCelldesk, tempDir } from '../helpers/cli';
import { DEMO_CHECKPOINT, DEMO_SIZE_MODEL } from '../helpers/demoModel';
import { rejectsWithCode } from '../helpers/errors';
import { sharedPath } from '../helpers/shared';
import { objectNpy, PickleWriter } from '../checkpoint/fixtures';
import { ModelManager } from '../../src/engine/models/modelManager';

const IMAGE = sharedPath('images', 'webgpu-cellseg', 'cellpose_img_075.png');
const RAN = join(tempDir('size-payload'), 'ran');
/** A _size.npy whose pickle asks for os.system (the command would leave a file if it ever ran). */
const HOSTILE = objectNpy(new PickleWriter().proto(2).global('os', 'system').str(`touch ${RAN}`).op(0x85).reduce().stop());
const TRUNCATED = readFileSync(DEMO_SIZE_MODEL).subarray(0, 1000);

/** A folder holding the demo checkpoint and, beside it, `sizeModel` as its `<file>_size.npy`. */
function modelFolder(sizeModel: Uint8Array): string {
  const folder = tempDir('bad-size');
  symlinkSync(DEMO_CHECKPOINT, join(folder, 'lab.pth'));
  writeFileSync(join(folder, 'lab.pth_size.npy'), sizeModel);
  return folder;
}

test('models import refuses a checkpoint whose size model names os.system: its explanation shown, nothing registered or copied, nothing run', async () => {
  const home = tempDir('bad-size-home');
  const run = await runCelldesk(['models', 'import', join(modelFolder(HOSTILE), 'lab.pth')], { CELLDESK_HOME: home });
  assert.equal(run.code, 1);
  assert.match(run.stderr, /The size model .*lab\.pth_size\.npy cannot be used: This size model asks Python to run 'os\.system', which a size model never needs\. It was not loaded and nothing in it was run/);
  assert.match(run.stderr, /Nothing was imported\.$/m);
  const listed = await runCelldesk(['models', 'list', '--json'], { CELLDESK_HOME: home, CELLPOSE_LOCAL_MODELS_PATH: tempDir('none') });
  assert.equal((JSON.parse(listed.stdout) as { models: { name: string }[] }).models.some((m) => m.name === 'lab'), false);
  assert.equal(existsSync(join(home, 'models', 'imported', 'lab')), false);
  assert.equal(existsSync(RAN), false);
});

test('a damaged size model is refused on import with what is wrong with it, as a typed error', async () => {
  const manager = new ModelManager({ dataDir: tempDir('bad-size-manager'), cellposeModelsDir: tempDir('bad-size-cellpose') });
  try {
    const error = await rejectsWithCode(manager.importModel(join(modelFolder(TRUNCATED), 'lab.pth')), 'FILE_FORMAT');
    assert.match(error.message, /cannot be used: .*size model is truncated or incomplete/);
    assert.deepEqual(manager.registry.list(), []);
  } finally {
    manager.close();
  }
});

test('a model of the Cellpose folder whose size model is hostile is not registered, and the reason is listed', async () => {
  const cellpose = modelFolder(HOSTILE);
  writeFileSync(join(cellpose, 'gui_models.txt'), 'lab.pth\n');
  const manager = new ModelManager({ dataDir: tempDir('bad-size-folder'), cellposeModelsDir: cellpose });
  try {
    const { found, skipped } = await manager.discover();
    assert.deepEqual(found, []);
    assert.equal(skipped.length, 1);
    assert.match(skipped[0]!.reason, /asks Python to run 'os\.system'/);
    assert.deepEqual(manager.registry.list(), []);
  } finally {
    manager.close();
  }
});

test('at a given diameter a bad size model does not stop segment; estimating the diameter is refused with its explanation', async () => {
  const model = join(modelFolder(HOSTILE), 'lab.pth');
  const out = join(tempDir('bad-size-out'), 'labels.tif');
  const fixed = await runCelldesk(['segment', IMAGE, '--model', model, '--diameter', '30', '--ep', 'cpu', '--out', out, '--no-history']);
  assert.equal(fixed.code, 0, fixed.stderr);
  assert.equal((await decodeImage(new Uint8Array(readFileSync(out)))).width, 240);
  assert.match(fixed.stderr, /^note: The size model .* cannot be used: This size model asks Python to run 'os\.system'.* It is needed only to estimate the diameter/m);
  const estimated = await runCelldesk(['segment', IMAGE, '--model', model, '--diameter', '0', '--ep', 'cpu', '--out', join(tempDir('bad-size-out2'), 'labels.tif'), '--no-history']);
  assert.equal(estimated.code, 1);
  assert.match(estimated.stderr, /celldesk segment: The size model .* cannot be used: This size model asks Python to run 'os\.system'/);
  const damaged = await runCelldesk(['segment', IMAGE, '--model', DEMO_CHECKPOINT, '--size-model', join(modelFolder(TRUNCATED), 'lab.pth_size.npy'), '--diameter', '0', '--ep', 'cpu', '--out', join(tempDir('bad-size-out3'), 'labels.tif'), '--no-history']);
  assert.equal(damaged.code, 1);
  assert.match(damaged.stderr, /size model is truncated or incomplete/);
  assert.doesNotMatch(damaged.stderr, /\((UNSAFE_CHECKPOINT|FILE_FORMAT)\)/);
  assert.equal(existsSync(RAN), false);
});
