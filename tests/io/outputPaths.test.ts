// Where CellDesk writes: destinations checked before any work (segment --out/--out-dir, masks export), system
// folders refused without spinning, and the partial files of killed writes cleaned up.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeImage } from '../../src/engine/image/decodeImage';
import { writeFileAtomically } from '../../src/engine/io/atomicWrite';
import { makeFolder, OutputPathError, prepareOutputFile } from '../../src/engine/io/outputPaths';
import { writeExports } from '../../src/engine/service/exportMasks';
import { runCelldesk, tempDir } from '../helpers/cli';
import { DEMO_CHECKPOINT } from '../helpers/demoModel';
import { rejectsWithCode } from '../helpers/errors';
import { makeReadOnly } from '../helpers/readOnly';
import { readShared, sharedPath } from '../helpers/shared';

const IMAGE = sharedPath('images', 'webgpu-cellseg', 'cellpose_img_075.png');
const MISSING_IMAGE = join(tempDir('missing'), 'not-there.tif');

/**
 * A segment command whose image and model do not exist: if it ends with an output-path refusal, the destination
 * was checked before the image was read or the model looked for.
 */
async function refusedBeforeWork(outArgs: string[], reason: RegExp): Promise<void> {
  const run = await runCelldesk(['segment', MISSING_IMAGE, '--model', 'no-such-model', ...outArgs]);
  assert.equal(run.code, 1, run.stderr);
  assert.match(run.stderr, /^celldesk segment: CellDesk cannot write to /);
  assert.match(run.stderr, reason);
  assert.equal(run.stderr.trim().split('\n').length, 1, run.stderr);
}

test('segment --out into a folder that does not exist yet makes it and writes the masks there', async () => {
  const out = join(tempDir('out-new'), 'a', 'b', 'labels.tif');
  const run = await runCelldesk(['segment', IMAGE, '--model', DEMO_CHECKPOINT, '--ep', 'cpu', '--out', out, '--no-history']);
  assert.equal(run.code, 0, run.stderr);
  const labels = await decodeImage(new Uint8Array(readFileSync(out)));
  assert.deepEqual([labels.width, labels.height], [240, 300]);
});

test('segment --out in a read-only folder is refused before the image is read or the model opened', async () => {
  const folder = tempDir('out-readonly');
  const undo = makeReadOnly(folder);
  try {
    await refusedBeforeWork(['--out', join(folder, 'labels.tif')], /you are not allowed to write in/);
    await refusedBeforeWork(['--out', join(folder, 'sub', 'labels.tif')], /you are not allowed to write in/);
  } finally {
    undo();
  }
});

test('segment --out naming a folder, and --out-dir naming a file, are refused before any work', async () => {
  const folder = tempDir('out-is-folder');
  await refusedBeforeWork(['--out', folder], /it is a folder/);
  const file = join(tempDir('out-dir-is-file'), 'masks');
  writeFileSync(file, 'a file');
  await refusedBeforeWork(['--out-dir', file], /is a file, not a folder/);
  await refusedBeforeWork(['--out-dir', join(file, 'below')], /is a file, not a folder/);
});

test('segment --out-dir where a label file would be a folder is refused before any image is segmented', async () => {
  const images = tempDir('batch-images');
  writeFileSync(join(images, 'a.png'), readShared('images', 'webgpu-cellseg', 'cellpose_img_075.png'));
  const out = tempDir('batch-out');
  mkdirSync(join(out, 'a_cp_masks.tif'));
  const run = await runCelldesk(['segment', images, '--model', 'no-such-model', '--out-dir', out]);
  assert.equal(run.code, 1);
  assert.match(run.stderr, /a_cp_masks\.tif: it is a folder/);
});

test('segment --out-dir under /proc, /sys or /dev, or through a link into them, is refused at once instead of spinning', { timeout: 30_000 }, async () => {
  for (const folder of ['/proc/x', '/proc/self/x/y', '/sys/x', '/dev/celldesk-test']) {
    await refusedBeforeWork(['--out-dir', folder], /is a view of the running system/);
  }
  await refusedBeforeWork(['--out', '/proc/x/labels.tif'], /is a view of the running system/);
  const link = join(tempDir('link-to-proc'), 'proc');
  symlinkSync('/proc', link);
  await refusedBeforeWork(['--out-dir', join(link, 'x')], /\/proc is a view of the running system/);
  assert.equal(existsSync('/dev/celldesk-test'), false);
});

test('the celldesk process given --out-dir /proc/x ends at once with one line (it spun at 100% CPU before)', { timeout: 60_000 }, async () => {
  const child = spawn(process.execPath, [join(import.meta.dirname, '..', '..', 'bin', 'celldesk.js'), 'segment', IMAGE, '--model', DEMO_CHECKPOINT, '--out-dir', '/proc/x'], {
    env: { ...process.env, CELLDESK_HOME: tempDir('proc-home') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  assert.equal(code, 1, stderr);
  assert.match(stderr, /CellDesk cannot write to \/proc\/x: \/proc is a view of the running system/);
});

test('a folder that refuses children with "no such file" ends in a typed error, never a loop', async () => {
  // procfs answers mkdir with ENOENT although the parent exists: what made Node's recursive mkdir loop.
  const error = await rejectsWithCode(makeFolder('/proc/x/y'), 'OUTPUT_PATH');
  assert.ok(error instanceof OutputPathError);
  assert.match(error.message, /\/proc\/x cannot be made there/);
  const dangling = join(tempDir('dangling'), 'link');
  symlinkSync(join(tempDir('gone'), 'nothing', 'here'), dangling);
  await rejectsWithCode(prepareOutputFile(join(dangling, 'out', 'labels.tif')), 'OUTPUT_PATH');
});

test('masks export checks the folder and every file name before writing anything', async () => {
  const raster = await decodeImage(readShared('images', 'webgpu-cellseg', 'cellpose_img_075.png'));
  const labels = new Uint32Array(raster.width * raster.height).fill(1);
  const job = { imageName: 'cells.png', raster, labels, formats: ['labels-tiff', 'labels-png', 'measurements-csv'] as const };
  for (const folder of ['/proc/x', '/sys/x']) {
    const error = await rejectsWithCode(writeExports({ ...job, formats: [...job.formats], folder }), 'OUTPUT_PATH');
    assert.match(error.message, /is a view of the running system/);
  }
  const file = join(tempDir('export-file'), 'exports');
  writeFileSync(file, '');
  await rejectsWithCode(writeExports({ ...job, formats: [...job.formats], folder: file }), 'OUTPUT_PATH');
  const readOnly = tempDir('export-readonly');
  const undo = makeReadOnly(readOnly);
  try {
    const error = await rejectsWithCode(writeExports({ ...job, formats: [...job.formats], folder: readOnly }), 'OUTPUT_PATH');
    assert.match(error.message, /not allowed to write/);
  } finally {
    undo();
  }
  const blocked = tempDir('export-blocked');
  mkdirSync(join(blocked, 'cells_cp_masks.png'));
  const error = await rejectsWithCode(writeExports({ ...job, formats: [...job.formats], folder: blocked }), 'OUTPUT_PATH');
  assert.match(error.message, /cells_cp_masks\.png: it is a folder/);
  assert.deepEqual(readdirSync(blocked), ['cells_cp_masks.png'], 'nothing written before the refusal');
});

test("writing a file removes the partial files of it that killed CellDesk processes left, and nobody else's", async () => {
  const folder = tempDir('partials');
  const target = join(folder, 'labels.tif');
  const dead = `${target}.999999999.1764000000000.partial`;
  const live = `${target}.${process.ppid}.1764000000001.partial`;
  const liveButOld = `${target}.${process.ppid}.1764000000002.partial`;
  const others = [join(folder, 'notes.partial'), `${target}.partial`, `${target}.abc.1764000000000.partial`, join(folder, 'other.tif.999999999.1764000000000.partial')];
  for (const file of [dead, live, liveButOld, ...others]) writeFileSync(file, '');
  const twoDaysAgo = new Date(Date.now() - 2 * 24 * 3600 * 1000);
  utimesSync(liveButOld, twoDaysAgo, twoDaysAgo);
  await writeFileAtomically(target, 'masks');
  const left = readdirSync(folder).map((name) => join(folder, name)).sort();
  assert.deepEqual(left, [target, live, ...others].sort());
});

test('a data folder (CELLDESK_HOME) under /proc is refused at once instead of hanging as the database makes it', { timeout: 30_000 }, async () => {
  const run = await runCelldesk(['history', 'list'], { CELLDESK_HOME: '/proc/celldesk' });
  assert.equal(run.code, 1);
  assert.match(run.stderr, /CellDesk cannot write to \/proc\/celldesk: \/proc is a view of the running system/);
});
