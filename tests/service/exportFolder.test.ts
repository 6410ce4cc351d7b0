// Where exports go when the folder is typed by hand (src/engine/service/exportFolder.ts): a relative folder lands
// beside the image (or in the data folder for an uploaded one), never in the engine's working directory.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { join, posix, win32 } from 'node:path';
import { EngineService } from '../../src/engine/service/engineService';
import { resolveExportFolder } from '../../src/engine/service/exportFolder';
import { checkedCalls } from '../helpers/contract';
import { rejectsWithCode } from '../helpers/errors';
import { tempDir } from '../helpers/cli';
import { sharedPath } from '../helpers/shared';

const home = tempDir('export-folder-home');
const service = new EngineService({ env: { ...process.env, CELLDESK_HOME: home } });
const call = checkedCalls(service);
after(() => service.close());

test('an absolute folder is used as given; a relative one is taken inside the base folder', () => {
  assert.equal(resolveExportFolder('/data/out', '/images/plate1', posix), '/data/out');
  assert.equal(resolveExportFolder(' masks ', '/images/plate1', posix), '/images/plate1/masks');
  assert.equal(resolveExportFolder('../masks', '/images/plate1', posix), '/images/masks');
  assert.equal(resolveExportFolder('Masken 1', 'C:\\Users\\Zoë\\Bilder', win32), 'C:\\Users\\Zoë\\Bilder\\Masken 1');
  assert.equal(resolveExportFolder('D:\\Ergebnisse', 'C:\\Users\\Zoë\\Bilder', win32), 'D:\\Ergebnisse');
});

test('a relative folder with no absolute base to resolve against is refused, not resolved against the working directory', async () => {
  await rejectsWithCode(() => resolveExportFolder('masks', 'relative/base', posix), 'EXPORT_FAILED');
});

test("a relative export folder typed for an image opened by its path lands beside the image", async () => {
  const folder = tempDir('export-folder-images');
  const imagePath = join(folder, 'cells 1.png');
  copyFileSync(sharedPath('images', 'webgpu-cellseg', 'cellpose_img_075.png'), imagePath);
  const image = await call('image:open', { path: imagePath });
  const labels = new Uint32Array(image.width * image.height).fill(1);
  const { files } = await call('masks:export', { imageId: image.imageId, labels, formats: ['labels-png'], folder: 'masks' });
  assert.deepEqual(files.map((file) => file.path), [join(folder, 'masks', 'cells 1_cp_masks.png')]);
  assert.ok(existsSync(files[0]!.path));
  assert.ok(!existsSync(join(process.cwd(), 'masks')), 'nothing was written to the working directory');
});

test("for an uploaded image, a relative export folder lands in the data folder's exports", async () => {
  const bytes = new Uint8Array(readFileSync(sharedPath('images', 'webgpu-cellseg', 'cellpose_img_075.png')));
  const image = await call('image:upload', { name: 'dropped.png', bytes });
  const labels = new Uint32Array(image.width * image.height);
  const { files } = await call('masks:export', { imageId: image.imageId, labels, formats: ['measurements-csv'], folder: 'run 2' });
  assert.deepEqual(files.map((file) => file.path), [join(home, 'exports', 'run 2', 'dropped_cp_measurements.csv')]);
});
