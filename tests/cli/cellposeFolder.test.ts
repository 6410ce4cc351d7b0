// Issue 4 acceptance: a folder laid out like ~/.cellpose/models is found, and its models segment in place.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeImage } from '../../src/engine/image/decodeImage';
import { countMasks } from '../../src/engine/core/metrics';
import { sharedPath } from '../helpers/shared';
import { DEMO_CHECKPOINT, DEMO_SIZE_MODEL } from '../helpers/demoModel';
import { runCelldesk, tempDir } from '../helpers/cli';

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true }).map(String).filter((f) => statSync(join(dir, f)).isFile());
}

test("a user's model in the Cellpose folder segments by name, with its size model, without being copied", async () => {
  const cellposeFolder = tempDir('cellpose-models');
  symlinkSync(DEMO_CHECKPOINT, join(cellposeFolder, 'CP_20240101_demo'));
  symlinkSync(DEMO_SIZE_MODEL, join(cellposeFolder, 'CP_20240101_demo_size.npy'));
  writeFileSync(join(cellposeFolder, 'gui_models.txt'), 'CP_20240101_demo\n');
  const home = tempDir('home');
  const out = join(tempDir('out'), 'labels.tif');
  const env = { CELLDESK_HOME: home, CELLPOSE_LOCAL_MODELS_PATH: cellposeFolder };

  const run = await runCelldesk(['segment', sharedPath('images', 'webgpu-cellseg', 'cellpose_img_075.png'), '--model', 'CP_20240101_demo', '--diameter', '0', '--channels', '2,3', '--ep', 'cpu', '--out', out, '--json'], env);
  assert.equal(run.code, 0, run.stderr);
  const report = JSON.parse(run.stdout) as { masks: number; diameterFromStyle: number | null; model: { name: string; path: string } };
  assert.equal(report.model.name, 'CP_20240101_demo');
  assert.equal(report.model.path, join(cellposeFolder, 'CP_20240101_demo'));
  assert.notEqual(report.diameterFromStyle, null, 'the size model beside it was used');
  const labels = await decodeImage(new Uint8Array(readFileSync(out)));
  assert.equal(countMasks(labels.data as Uint16Array), report.masks);

  // CellDesk keeps only its conversion and database, never a copy of the checkpoint.
  const checkpointSize = readFileSync(DEMO_CHECKPOINT).length;
  const copies = filesUnder(home).filter((f) => !f.endsWith('.onnx') && !f.includes('celldesk.db'));
  for (const file of copies) assert.notEqual(statSync(join(home, file)).size, checkpointSize, `${file} looks like a copy of the checkpoint`);
  const listing = await runCelldesk(['models', 'list', '--json'], env);
  assert.match(listing.stdout, /CP_20240101_demo/);
});
