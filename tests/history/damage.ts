// Test helpers: a real history database with many runs, and damage done to one of its pages on purpose.
import { closeSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { HistoryStore } from '../../src/engine/history/historyStore';
import type { SegmentationRunRecord } from '../../src/engine/history/records';
import { ModelRepository } from '../../src/engine/storage/modelRepository';
import { deviceId } from '../../src/engine/bench/fingerprint';
import { importRuns } from '../../src/engine/history/historyExport';
import { benchmarkRun, FINGERPRINT, segmentationRun } from './fixtures';

/** The database file of the data folder `home`, holding one benchmark run, one model and `count` segmentation runs. */
export function writeHistory(home: string, count: number): { file: string; runs: SegmentationRunRecord[] } {
  const file = join(home, 'celldesk.db');
  const runs = Array.from({ length: count }, (_, i) => ({
    ...segmentationRun(`00000000-0000-4000-8000-${String(i).padStart(12, '0')}`),
    recordedAt: new Date(Date.UTC(2025, 0, 1, 0, i)).toISOString(),
    maskCount: i,
  }));
  HistoryStore.use(file, (store) => {
    const device = { id: deviceId(FINGERPRINT.hardware), hardware: FINGERPRINT.hardware };
    importRuns(store, { format: 'celldesk-history', version: 1, exportedAt: '2025-01-01T00:00:00.000Z', appVersion: '0.1.0', devices: [device], benchmarkRuns: [benchmarkRun()], segmentationRuns: [] });
    for (const run of runs) store.recordSegmentation(run);
    new ModelRepository(store.db).save({
      name: 'mine',
      source: 'imported',
      format: 'checkpoint',
      path: '/models/mine.pth',
      bytes: 1,
      modifiedMs: 1,
      sha256: 'cd'.repeat(32),
      diamMean: 30,
      sizeModelPath: null,
      sizeModelSha256: null,
    });
    store.db.pragma('wal_checkpoint(TRUNCATE)');
  });
  return { file, runs };
}

/** The table's leaf pages in file order, with the rows each holds. */
export function leafPages(file: string, table: string): { pageno: number; ncell: number }[] {
  const db = new BetterSqlite3(file, { readonly: true });
  try {
    return db.prepare<[string], { pageno: number; ncell: number }>("SELECT pageno, ncell FROM dbstat WHERE name = ? AND pagetype = 'leaf' ORDER BY pageno").all(table);
  } finally {
    db.close();
  }
}

/** Overwrites page `pageno` (1-based) with 0xFF bytes, which no SQLite page can start with. */
export function damagePage(file: string, pageno: number, pageSize = 4096): void {
  const fd = openSync(file, 'r+');
  try {
    writeSync(fd, Buffer.alloc(pageSize, 0xff), 0, pageSize, (pageno - 1) * pageSize);
  } finally {
    closeSync(fd);
  }
}
