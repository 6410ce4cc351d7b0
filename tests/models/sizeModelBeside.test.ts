// Which size model file is paired with a model file found on disk.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sizeModelBeside } from '../../src/engine/models/discovery';
import { tempDir } from '../helpers/cli';
import { DEMO_CHECKPOINT, DEMO_SIZE_MODEL } from '../helpers/demoModel';

function folderWith(...files: string[]): string {
  const folder = tempDir('size-beside');
  for (const file of files) writeFileSync(join(folder, file), '');
  return folder;
}

test("Cellpose's own <file>_size.npy is preferred to a name without extensions", async () => {
  const folder = folderWith('nuclei.pth', 'nuclei.pth_size.npy', 'nuclei_size.npy');
  assert.equal(await sizeModelBeside(join(folder, 'nuclei.pth')), join(folder, 'nuclei.pth_size.npy'));
});

test('a size model named after the model without its extensions is found', async () => {
  const folder = folderWith('demo.zip.pth', 'demo_size.npy');
  assert.equal(await sizeModelBeside(join(folder, 'demo.zip.pth')), join(folder, 'demo_size.npy'));
  const other = folderWith('cyto-v2.pth', 'cyto-v2_size.npy');
  assert.equal(await sizeModelBeside(join(other, 'cyto-v2.pth')), join(other, 'cyto-v2_size.npy'));
});

test('a model without a size model beside it has none', async () => {
  const folder = folderWith('model', 'other_size.npy');
  assert.equal(await sizeModelBeside(join(folder, 'model')), null);
});

test('the shared demo checkpoint finds its size model', async () => {
  assert.equal(await sizeModelBeside(DEMO_CHECKPOINT), DEMO_SIZE_MODEL);
});
