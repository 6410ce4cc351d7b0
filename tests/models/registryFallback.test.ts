// The model registry when the database file cannot be written or read: models still resolve from a copy in memory
// (or an empty registry), the file is left as it was, and the fault says why.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ModelManager } from '../../src/engine/models/modelManager';
import { tempDir } from '../helpers/cli';
import { DEMO_CHECKPOINT } from '../helpers/demoModel';
import { makeReadOnly } from '../helpers/readOnly';
import { damagePage, writeHistory } from '../history/damage';

test('with a read-only database the registry reads a copy in memory, takes new models there and leaves the file alone', async () => {
  const home = tempDir('registry-readonly');
  const { file } = writeHistory(home, 1);
  const before = readFileSync(file);
  const undo = makeReadOnly(file);
  try {
    const manager = new ModelManager({ dataDir: home, cellposeModelsDir: tempDir('registry-cellpose') });
    try {
      assert.equal(manager.databaseFault?.kind, 'file-read-only');
      assert.equal(manager.registry.get('mine')?.sha256, 'cd'.repeat(32));
      const imported = await manager.importModel(DEMO_CHECKPOINT, { name: 'demo' });
      assert.equal(manager.registry.get('demo')?.sha256, imported.sha256);
    } finally {
      manager.close();
    }
  } finally {
    undo();
  }
  assert.deepEqual(readFileSync(file), before);
});

test('with a database damaged past reading the registry starts empty and says the file is damaged', async () => {
  const home = tempDir('registry-damaged');
  const { file } = writeHistory(home, 1);
  damagePage(file, 1);
  const manager = new ModelManager({ dataDir: home, cellposeModelsDir: tempDir('registry-cellpose') });
  try {
    assert.equal(manager.databaseFault?.kind, 'damaged');
    assert.deepEqual(manager.registry.list(), []);
    const resolved = await manager.resolve(DEMO_CHECKPOINT);
    assert.equal(resolved.source, 'path');
  } finally {
    manager.close();
  }
});
