// The history never stands in the way of a segmentation: with a database that cannot be written (read-only file or
// folder, a damaged page, a full disk) `celldesk segment` still writes the masks and says once, with the cause and
// the remedy that fits it, that the run was not recorded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeImage } from '../../src/engine/image/decodeImage';
import { HistoryStore } from '../../src/engine/history/historyStore';
import { runCelldesk, tempDir } from '../helpers/cli';
import { DEMO_CHECKPOINT } from '../helpers/demoModel';
import { makeReadOnly } from '../helpers/readOnly';
import { REPO_ROOT, sharedPath } from '../helpers/shared';
import { damagePage, leafPages, writeHistory } from './damage';

const IMAGE = sharedPath('images', 'webgpu-cellseg', 'cellpose_img_075.png');

async function expectMasks(out: string): Promise<void> {
  const labels = await decodeImage(new Uint8Array(readFileSync(out)));
  assert.deepEqual([labels.width, labels.height], [240, 300]);
}

function segmentArgs(out: string): string[] {
  return ['segment', IMAGE, '--model', DEMO_CHECKPOINT, '--diameter', '30', '--ep', 'cpu', '--out', out];
}

/** The stderr lines that say the run was not recorded. */
function notices(stderr: string): string[] {
  return stderr.split('\n').filter((line) => line.includes('not recorded in the history'));
}

test('a read-only database file: every image of a batch gets its masks, and the user is told once, with chmod as the remedy', async () => {
  const home = tempDir('fault-file');
  const { file } = writeHistory(home, 3);
  const images = tempDir('fault-images');
  copyFileSync(IMAGE, join(images, 'a.png'));
  copyFileSync(IMAGE, join(images, 'b.png'));
  const out = tempDir('fault-out');
  const undo = makeReadOnly(file);
  try {
    const run = await runCelldesk(['segment', images, '--model', DEMO_CHECKPOINT, '--diameter', '30', '--ep', 'cpu', '--out-dir', out, '--json'], { CELLDESK_HOME: home });
    assert.equal(run.code, 0, run.stderr);
    const reports = run.stdout.trim().split('\n').map((line) => JSON.parse(line) as { recorded: boolean });
    assert.deepEqual(reports.map((r) => r.recorded), [false, false]);
    await expectMasks(join(out, 'a_cp_masks.tif'));
    await expectMasks(join(out, 'b_cp_masks.tif'));
    const [notice, ...more] = notices(run.stderr);
    assert.deepEqual(more, []);
    assert.match(notice!, /^note: This run was not recorded in the history, because CellDesk cannot write its database .*: the file is read-only\. Make it writable for your user \(chmod u\+w ".*celldesk\.db"/);
    assert.match(notice!, /The other images of this batch are not recorded either\.$/);
    assert.doesNotMatch(run.stderr, /move it aside|internal error/);
  } finally {
    undo();
  }
  assert.equal(HistoryStore.use(file, (store) => store.listSegmentationRuns(10)).length, 3);
});

test('a read-only data folder: the masks are written, and the notice names the folder and what to do', async () => {
  const home = tempDir('fault-folder');
  writeHistory(home, 1);
  mkdirSync(join(home, 'models'));
  const out = join(tempDir('fault-folder-out'), 'labels.tif');
  const undo = makeReadOnly(home);
  try {
    const run = await runCelldesk(segmentArgs(out), { CELLDESK_HOME: home });
    assert.equal(run.code, 0, run.stderr);
    await expectMasks(out);
    const [notice, ...more] = notices(run.stderr);
    assert.deepEqual(more, []);
    assert.match(notice!, /its folder .* cannot be written\. Make that folder writable for your user, or set CELLDESK_HOME to a folder you can write\.$/);
  } finally {
    undo();
  }
});

test('a damaged page where the run would go: the masks are written, and the notice points to history repair', async () => {
  const home = tempDir('fault-damaged');
  const { file } = writeHistory(home, 60);
  damagePage(file, leafPages(file, 'segmentation_runs').at(-1)!.pageno);
  const out = join(tempDir('fault-damaged-out'), 'labels.tif');
  const run = await runCelldesk(segmentArgs(out), { CELLDESK_HOME: home });
  assert.equal(run.code, 0, run.stderr);
  await expectMasks(out);
  const [notice, ...more] = notices(run.stderr);
  assert.deepEqual(more, []);
  assert.match(notice!, /the file is damaged \(database disk image is malformed\)\. Run `celldesk history repair`/);
});

test('a full disk under the database (a real tmpfs, filled up): the masks are written, and the notice says to free space', { timeout: 120_000 }, () => {
  const home = tempDir('fault-full');
  const { file } = writeHistory(home, 1);
  const mount = tempDir('fault-full-mount');
  const out = join(tempDir('fault-full-out'), 'labels.tif');
  // A user and mount namespace of our own (no privileges needed) holds a 256 KiB tmpfs; the database is moved onto
  // it behind a link, the rest filled up but for 40 KiB: room to open the database, none for the run.
  const script = [
    `mount -t tmpfs -o size=256k none "${mount}"`,
    `mv "${file}" "${mount}/celldesk.db" && ln -s "${mount}/celldesk.db" "${file}"`,
    `(dd if=/dev/zero of="${mount}/filler" bs=4k 2>/dev/null; truncate -s -40K "${mount}/filler")`,
    `exec "${process.execPath}" "${join(REPO_ROOT, 'bin', 'celldesk.js')}" ${segmentArgs(out).map((arg) => `"${arg}"`).join(' ')}`,
  ].join(' && ');
  const run = spawnSync('unshare', ['--user', '--map-root-user', '--mount', 'sh', '-c', script], { env: { ...process.env, CELLDESK_HOME: home }, encoding: 'utf8' });
  assert.equal(run.status, 0, `${run.error?.message ?? ''}${run.stderr}`);
  const [notice, ...more] = notices(run.stderr);
  assert.deepEqual(more, []);
  assert.match(notice!, /the disk that holds it is full\. Free some space on the disk that holds .*fault-full-mount/);
  return expectMasks(out);
});
