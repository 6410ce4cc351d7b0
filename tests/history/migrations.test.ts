// The history schema: a new database gets every migration; a database at any earlier version is brought up to date
// keeping its data, and the history works on it afterwards.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { openDatabase } from '../../src/engine/storage/database';
import { MIGRATIONS, migrate, schemaVersion } from '../../src/engine/storage/migrations';
import { HistoryStore } from '../../src/engine/history/historyStore';
import { tempDir } from '../helpers/cli';
import { benchmarkRun, segmentationRun } from './fixtures';

const HISTORY_TABLES = ['benchmark_providers', 'benchmark_runs', 'benchmark_samples', 'devices', 'segmentation_runs'];

function tables(db: BetterSqlite3.Database): string[] {
  return db.prepare<[], string>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all();
}

/** What each version's tables can hold, written before migrating further, to be found again after. */
const SEED: Record<number, (db: BetterSqlite3.Database) => void> = {
  1: (db) =>
    db
      .prepare(`INSERT INTO models (name, source, format, path, bytes, modified_ms, sha256) VALUES ('mine', 'imported', 'checkpoint', '/m.pth', 1, 2, ?)`)
      .run('cd'.repeat(32)),
  2: (db) => {
    const store = new HistoryStore(db);
    const run = benchmarkRun();
    store.beginRun(run);
    store.recordSample(run.uuid, run.samples[0]!);
    store.finishRun(run.uuid, 'completed', null, run.finishedAt!);
  },
};

test('a new database is created at the latest version with the history tables', () => {
  const db = openDatabase(join(tempDir('mig-new'), 'celldesk.db'));
  try {
    assert.equal(schemaVersion(db), MIGRATIONS.length);
    assert.ok(MIGRATIONS.length >= 3);
    for (const table of ['models', ...HISTORY_TABLES]) assert.ok(tables(db).includes(table), table);
    assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
  } finally {
    db.close();
  }
});

for (let from = 1; from < MIGRATIONS.length; from++) {
  test(`a database at version ${from} is migrated to ${MIGRATIONS.length}, keeping what it held`, () => {
    const file = join(tempDir(`mig-${from}`), 'celldesk.db');
    const old = new BetterSqlite3(file);
    migrate(old, MIGRATIONS.slice(0, from));
    for (let version = 1; version <= from; version++) SEED[version]?.(old);
    old.close();

    const store = HistoryStore.open(file);
    try {
      assert.equal(schemaVersion(store.db), MIGRATIONS.length);
      assert.equal(store.db.prepare('SELECT count(*) FROM models').pluck().get(), 1);
      if (from >= 2) assert.deepEqual(store.listBenchmarkRuns().map((r) => [r.uuid, r.status, r.samples]), [[benchmarkRun().uuid, 'completed', 1]]);
      const segmentation = segmentationRun();
      store.recordSegmentation(segmentation);
      assert.deepEqual(store.segmentationRun(segmentation.uuid), segmentation);
    } finally {
      store.close();
    }
  });
}
