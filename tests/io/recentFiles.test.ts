// The recent-images list in the data folder: most recent first, at most ten, files gone from disk left out, and a
// damaged list file never in the way.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RECENT_LIMIT, RecentFiles } from '../../src/engine/io/recentFiles';
import { tempDir } from '../helpers/cli';

function images(count: number): string[] {
  const folder = tempDir('recent-images');
  return Array.from({ length: count }, (_, i) => {
    const path = join(folder, `image-${i}.tif`);
    writeFileSync(path, 'pixels');
    return path;
  });
}

test('lists opened images most recent first, an image opened again moving to the top', async () => {
  const recent = new RecentFiles(tempDir('recent-home'));
  const [a, b, c] = images(3) as [string, string, string];
  await recent.record(a, new Date('2024-01-01T10:00:00Z'));
  await recent.record(b, new Date('2024-01-01T11:00:00Z'));
  await recent.record(c, new Date('2024-01-01T12:00:00Z'));
  await recent.record(a, new Date('2024-01-01T13:00:00Z'));
  const listed = await recent.list();
  assert.deepEqual(listed.map((f) => f.path), [a, c, b]);
  assert.deepEqual(listed[0], { path: a, name: 'image-0.tif', openedAt: '2024-01-01T13:00:00.000Z' });
});

test(`keeps only the ${RECENT_LIMIT} most recent, and survives a new instance (it is on disk)`, async () => {
  const home = tempDir('recent-home');
  const paths = images(RECENT_LIMIT + 3);
  const recent = new RecentFiles(home);
  for (const path of paths) await recent.record(path);
  const listed = await new RecentFiles(home).list();
  assert.deepEqual(listed.map((f) => f.path), paths.slice(3).reverse());
});

test('images opened at the same moment are all recorded', async () => {
  const recent = new RecentFiles(tempDir('recent-home'));
  const paths = images(5);
  await Promise.all(paths.map((path) => recent.record(path)));
  assert.deepEqual(new Set((await recent.list()).map((f) => f.path)), new Set(paths));
});

test('files no longer on disk are left out of the list', async () => {
  const recent = new RecentFiles(tempDir('recent-home'));
  const [kept, deleted] = images(2) as [string, string];
  await recent.record(kept);
  await recent.record(deleted);
  rmSync(deleted);
  assert.deepEqual((await recent.list()).map((f) => f.path), [kept]);
});

test('a damaged list file reads as empty and is replaced by the next image opened', async () => {
  const home = tempDir('recent-home');
  const file = join(home, 'recent-files.json');
  const [path] = images(1) as [string];
  for (const damage of ['{not json', '{"path": "/a"}', '[{"path": 3}, null, "x"]']) {
    writeFileSync(file, damage);
    const recent = new RecentFiles(home);
    assert.deepEqual(await recent.list(), []);
    await recent.record(path);
    assert.deepEqual((await recent.list()).map((f) => f.path), [path]);
    assert.equal((JSON.parse(readFileSync(file, 'utf8')) as unknown[]).length, 1);
  }
});
