// Exported label images numbered 1..N in the order of their numbers unless the original numbers are asked for, the
// file saying which (src/engine/core/labelNumbering.ts); files already there replaced only when confirmed; the
// bytes answered when asked (the browser mode's downloads). Runs writeExports (the engine worker's export) on disk.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { numberConsecutively } from '../../src/engine/core/labelNumbering';
import { decodeImage } from '../../src/engine/image/decodeImage';
import { writeExports } from '../../src/engine/service/exportMasks';
import { tempDir } from '../helpers/cli';
import { rejectsWithCode } from '../helpers/errors';
import { readShared } from '../helpers/shared';

test('masks are numbered 1..N in the order of their numbers; labels already 1..N are returned as they are', () => {
  const gappy = Uint32Array.from([0, 7, 7, 3, 0, 12, 3, 12]);
  const numbered = numberConsecutively(gappy);
  assert.deepEqual([...numbered.labels], [0, 2, 2, 1, 0, 3, 1, 3]);
  assert.deepEqual([numbered.count, numbered.renumbered], [3, true]);
  assert.deepEqual([...gappy], [0, 7, 7, 3, 0, 12, 3, 12], 'the input is left as it was');
  const consecutive = Uint32Array.from([0, 1, 2, 2, 3]);
  const same = numberConsecutively(consecutive);
  assert.equal(same.labels, consecutive);
  assert.deepEqual([same.count, same.renumbered], [3, false]);
  assert.deepEqual(numberConsecutively(new Uint32Array(4)).count, 0);
});

const image = await decodeImage(readShared('images', 'webgpu-cellseg', 'cellpose_img_075.png'));
/** Three masks numbered 2, 5 and 9 (as after deleting others in the view). */
function editedLabels(): Uint32Array {
  const labels = new Uint32Array(image.width * image.height);
  labels.fill(2, 0, 100);
  labels.fill(5, 1000, 1200);
  labels.fill(9, 5000, 5050);
  return labels;
}
const text = (path: string) => Buffer.from(readFileSync(path)).toString('latin1');

test('label TIFF and PNG number the masks 1..N without gaps and say so in the file', async () => {
  const folder = tempDir('numbering-consecutive');
  const result = await writeExports({ imageName: 'cells.png', raster: image, labels: editedLabels(), formats: ['labels-tiff', 'labels-png', 'measurements-csv'], folder });
  assert.equal(result.renumbered, true);
  const [tiff, png, csv] = result.files.map((file) => file.path);
  for (const path of [tiff!, png!]) {
    const labels = (await decodeImage(new Uint8Array(readFileSync(path)))).data;
    assert.deepEqual([labels[0], labels[1000], labels[5000], labels[99], labels[100]], [1, 2, 3, 1, 0], path);
    assert.ok(text(path).includes('The 3 masks are numbered 1 to 3 without gaps'), path);
  }
  assert.deepEqual(readFileSync(csv!, 'utf8').trim().split('\n').slice(1).map((row) => row.split(',')[0]), ['1', '2', '3']);
});

test('the original numbers are kept when asked, and the file says numbers are unused', async () => {
  const result = await writeExports({ imageName: 'cells.png', raster: image, labels: editedLabels(), formats: ['labels-tiff'], folder: tempDir('numbering-original'), numbering: 'original' });
  assert.equal(result.renumbered, false);
  const labels = (await decodeImage(new Uint8Array(readFileSync(result.files[0]!.path)))).data;
  assert.deepEqual([labels[0], labels[1000], labels[5000]], [2, 5, 9]);
  assert.ok(text(result.files[0]!.path).includes('keep the numbers they had in CellDesk (largest 9)'));
});

test('files already there are named and left alone unless replacing them was confirmed', async () => {
  const folder = tempDir('numbering-overwrite');
  const existing = join(folder, 'cells_cp_masks.png');
  writeFileSync(existing, 'precious');
  const error = await rejectsWithCode(
    writeExports({ imageName: 'cells.png', raster: image, labels: editedLabels(), formats: ['labels-tiff', 'labels-png'], folder }),
    'EXPORT_FILES_EXIST',
  );
  assert.deepEqual(error.details, { paths: [existing] });
  assert.match(error.message, /Nothing was written: .*cells_cp_masks\.png is there already/);
  assert.equal(readFileSync(existing, 'utf8'), 'precious');
  assert.throws(() => readFileSync(join(folder, 'cells_cp_masks.tif')), { code: 'ENOENT' }, 'not even the files that were not there');

  const replaced = await writeExports({ imageName: 'cells.png', raster: image, labels: editedLabels(), formats: ['labels-tiff', 'labels-png'], folder, overwrite: true, includeBytes: true });
  assert.notEqual(readFileSync(existing, 'latin1'), 'precious');
  for (const file of replaced.files) assert.deepEqual(file.bytes, new Uint8Array(readFileSync(file.path)), file.path);
});
