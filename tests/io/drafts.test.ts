import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DraftStore, DraftUnreadableError } from '../../src/engine/io/drafts';

const KEY = { sha256: 'a'.repeat(64), page: 0 };

function store(): { store: DraftStore; folder: string } {
  const folder = join(mkdtempSync(join(tmpdir(), 'celldesk-drafts-')), 'drafts');
  return { store: new DraftStore(folder), folder };
}

/** A 300 x 200 label image with a few hundred masks and labels past 65535. */
function labelImage(): Uint32Array {
  const labels = new Uint32Array(300 * 200);
  for (let i = 0; i < labels.length; i++) labels[i] = (i * 7919) % 5 === 0 ? 0 : 70_000 + Math.floor(i / 97);
  return labels;
}

test('a saved draft reads back with the same labels, size, name and summary', async () => {
  const { store: drafts } = store();
  const labels = labelImage();
  const summary = { diameter: 30, settings: { channels: [0, 0] } };
  const { savedAt } = await drafts.save({ key: KEY, width: 300, height: 200, imageName: 'cells.tif', summary, labels });
  const draft = await drafts.load(KEY);
  assert.ok(draft !== null);
  assert.deepEqual(draft.labels, labels);
  assert.deepEqual([draft.width, draft.height, draft.imageName, draft.savedAt], [300, 200, 'cells.tif', savedAt]);
  assert.deepEqual(draft.summary, summary);
});

test('a later save replaces the draft; delete removes it and says whether there was one', async () => {
  const { store: drafts, folder } = store();
  await drafts.save({ key: KEY, width: 2, height: 1, imageName: 'a.png', summary: null, labels: Uint32Array.of(1, 2) });
  await drafts.save({ key: KEY, width: 2, height: 1, imageName: 'a.png', summary: null, labels: Uint32Array.of(3, 0) });
  assert.deepEqual((await drafts.load(KEY))?.labels, Uint32Array.of(3, 0));
  assert.deepEqual(readdirSync(folder), [`${KEY.sha256}-p0.draft`], 'one file per image, no temporary files left');
  assert.equal(await drafts.delete(KEY), true);
  assert.equal(await drafts.load(KEY), null);
  assert.equal(await drafts.delete(KEY), false);
});

test('a delete asked for right after a save wins: the draft does not come back', async () => {
  const { store: drafts } = store();
  const saving = drafts.save({ key: KEY, width: 300, height: 200, imageName: 'a.png', summary: null, labels: labelImage() });
  const deleting = drafts.delete(KEY);
  await Promise.all([saving, deleting]);
  assert.equal(await drafts.load(KEY), null);
});

test('another image (other content, or another page of the same file) does not find the draft', async () => {
  const { store: drafts } = store();
  await drafts.save({ key: KEY, width: 2, height: 1, imageName: 'a.tif', summary: null, labels: Uint32Array.of(1, 1) });
  assert.equal(await drafts.load({ sha256: 'b'.repeat(64), page: 0 }), null);
  assert.equal(await drafts.load({ sha256: KEY.sha256, page: 1 }), null);
});

test('a damaged draft file is reported as unreadable (never trusted, never a crash) and left in place', async () => {
  const { store: drafts } = store();
  await drafts.save({ key: KEY, width: 300, height: 200, imageName: 'a.tif', summary: null, labels: labelImage() });
  const path = drafts.pathOf(KEY);
  const good = readFileSync(path);
  const damaged: [string, Uint8Array][] = [
    ['not a CellDesk draft', Buffer.from('hello')],
    ['cut short', good.subarray(0, 40)],
    ['masks damaged', Buffer.concat([good.subarray(0, good.length - 200), Buffer.alloc(200, 0xff)])],
    ['empty', new Uint8Array(0)],
  ];
  for (const [what, bytes] of damaged) {
    writeFileSync(path, bytes);
    await assert.rejects(drafts.load(KEY), (error: unknown) => {
      assert.ok(error instanceof DraftUnreadableError, what);
      assert.equal(error.code, 'DRAFT_UNREADABLE');
      assert.match(error.message, /could not be read .* not restored/);
      return true;
    });
    assert.ok(existsSync(path), `the ${what} file is left for the user to inspect`);
  }
  // A draft copied over from another image's key is refused too.
  const other = { sha256: 'c'.repeat(64), page: 0 };
  writeFileSync(drafts.pathOf(other), good);
  await assert.rejects(drafts.load(other), /belongs to another image/);
});
