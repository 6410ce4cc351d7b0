// The history store: runs of a process that is gone become interrupted, ids can be shortened, and an import is
// all or nothing: a damaged or foreign file is refused with a clear reason and the history stays as it was.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { exportCsv, exportRuns, HistoryImportError, importRuns, parseExport, type HistoryExport } from '../../src/engine/history/historyExport';
import { AmbiguousRunError, HistoryStore, INTERRUPTED_REASON, RunNotFoundError } from '../../src/engine/history/historyStore';
import { tempDir } from '../helpers/cli';
import { benchmarkRun, segmentationRun } from './fixtures';

function freshStore(): { store: HistoryStore; file: string } {
  const file = join(tempDir('history'), 'celldesk.db');
  return { store: HistoryStore.open(file), file };
}

/** Every row of every history table, to show that a refused import changed nothing. */
function snapshot(store: HistoryStore): unknown {
  return ['devices', 'benchmark_runs', 'benchmark_providers', 'benchmark_samples', 'segmentation_runs'].map((table) =>
    store.db.prepare(`SELECT * FROM ${table} ORDER BY rowid`).all(),
  );
}

function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', '0']);
  return child.pid!;
}

test('on opening, runs left running by a process that is gone become interrupted; live and other hosts\' runs do not', () => {
  const { store, file } = freshStore();
  const [dead, live, elsewhere, untouched] = ['a', 'b', 'c', 'd'].map((c) => benchmarkRun(`${c.repeat(8)}-0000-4000-8000-000000000000`));
  store.saveDevice(dead!.deviceId, dead!.fingerprint.hardware, dead!.startedAt);
  store.insertRun(dead!, 'running', null, null, { host: hostname(), pid: deadPid(), importedAt: null });
  store.recordSample(dead!.uuid, dead!.samples[0]!);
  store.insertRun(live!, 'running', null, null, { host: hostname(), pid: process.pid, importedAt: null });
  store.insertRun(elsewhere!, 'running', null, null, { host: `not-${hostname()}`, pid: deadPid(), importedAt: null });
  store.insertRun(untouched!, 'completed', null, untouched!.finishedAt, { host: hostname(), pid: deadPid(), importedAt: null });
  store.close();

  const reopened = HistoryStore.open(file);
  try {
    const status = (uuid: string) => reopened.benchmarkRun(uuid);
    assert.equal(status(dead!.uuid).status, 'interrupted');
    assert.equal(status(dead!.uuid).error, INTERRUPTED_REASON);
    assert.equal(status(dead!.uuid).finishedAt, dead!.samples[0]!.measuredAt, 'finished at its last sample');
    assert.equal(status(live!.uuid).status, 'running');
    assert.equal(status(elsewhere!.uuid).status, 'running');
    assert.equal(status(untouched!.uuid).status, 'completed');
  } finally {
    reopened.close();
  }
});

test('runs are found by their id or an unambiguous start of it', () => {
  const { store } = freshStore();
  try {
    importRuns(store, {
      ...exportRuns(store, []),
      devices: [{ id: benchmarkRun().deviceId, hardware: benchmarkRun().fingerprint.hardware }],
      benchmarkRuns: [benchmarkRun('abcd1111-0000-4000-8000-000000000000'), benchmarkRun('abcd2222-0000-4000-8000-000000000000')],
      segmentationRuns: [segmentationRun('ef012345-0000-4000-8000-000000000000')],
    });
    assert.deepEqual(store.findRun('abcd1'), { kind: 'benchmark', uuid: 'abcd1111-0000-4000-8000-000000000000' });
    assert.deepEqual(store.findRun('EF01'), { kind: 'segmentation', uuid: 'ef012345-0000-4000-8000-000000000000' });
    assert.throws(() => store.findRun('abcd'), AmbiguousRunError);
    assert.throws(() => store.findRun('abc'), RunNotFoundError, 'too short to be taken as an id');
    assert.throws(() => store.findRun('abc_'), RunNotFoundError, 'no SQL wildcards');
    assert.throws(() => store.findRun('99999999'), /No run in the history has the id 99999999/);
  } finally {
    store.close();
  }
});

function validExport(): HistoryExport {
  const run = benchmarkRun();
  return {
    format: 'celldesk-history',
    version: 1,
    exportedAt: '2025-03-13T00:00:00.000Z',
    appVersion: '0.1.0',
    devices: [{ id: run.deviceId, hardware: run.fingerprint.hardware }],
    benchmarkRuns: [run, benchmarkRun('11111111-2222-4333-8444-555555555555')],
    segmentationRuns: [segmentationRun()],
  };
}

test('a damaged or foreign import file is refused, naming the problem, and changes nothing', () => {
  const { store } = freshStore();
  try {
    importRuns(store, { ...validExport(), benchmarkRuns: [benchmarkRun('99999999-2222-4333-8444-555555555555')], segmentationRuns: [] });
    const before = snapshot(store);
    const text = JSON.stringify(validExport());
    const mutated = (change: (doc: HistoryExport & Record<string, unknown>) => void) => {
      const doc = JSON.parse(text) as HistoryExport & Record<string, unknown>;
      change(doc);
      return JSON.stringify(doc);
    };
    const cases: [string, RegExp][] = [
      [text.slice(0, text.length / 2), /is not valid JSON/],
      ['kind,run_uuid\nbenchmark,abc\n', /is not valid JSON/],
      [JSON.stringify({ runs: [] }), /is not a CellDesk history export/],
      [mutated((d) => ((d.benchmarkRuns[1]!.samples[1] as unknown as Record<string, unknown>).totalMs = 'fast')), /benchmarkRuns\[1\]\.samples\[1\]\.totalMs: /],
      [mutated((d) => (d.benchmarkRuns[0]!.uuid = 'not-a-uuid')), /benchmarkRuns\[0\]\.uuid/],
      [mutated((d) => (d.segmentationRuns[0]!.deviceId = 'feedfeedfeedfeed')), /segmentationRuns\[0\]\.deviceId: device feedfeedfeedfeed is not among the file's devices/],
      [mutated((d) => d.benchmarkRuns[1]!.samples.push(d.benchmarkRuns[1]!.samples[0]!)), /samples\[4\]: sample cpu 224 #1 is listed twice/],
      [mutated((d) => d.benchmarkRuns.push(d.benchmarkRuns[0]!)), /benchmarkRuns\[2\]\.uuid: run .* is listed twice/],
      [mutated((d) => (d.version = 2 as 1)), /version/],
    ];
    for (const [content, reason] of cases) {
      assert.throws(
        () => importRuns(store, parseExport('runs.json', content)),
        (error: unknown) => error instanceof HistoryImportError && reason.test(error.message) && /Nothing was imported; the history is unchanged/.test(error.message),
        `${reason}`,
      );
      assert.deepEqual(snapshot(store), before);
    }
  } finally {
    store.close();
  }
});

test('an import that fails while writing is rolled back whole', () => {
  const { store } = freshStore();
  try {
    const before = snapshot(store);
    // The second run's last sample cannot be written, as on a full disk.
    store.db.exec(`CREATE TEMP TRIGGER refuse BEFORE INSERT ON benchmark_samples WHEN NEW.run_uuid LIKE '1111%' AND NEW.iteration = 4
                   BEGIN SELECT RAISE(ABORT, 'disk full'); END`);
    assert.throws(() => importRuns(store, validExport()), /disk full/);
    assert.deepEqual(snapshot(store), before);
  } finally {
    store.close();
  }
});

test('importing adds each run once, and a run exported while running arrives interrupted', () => {
  const { store } = freshStore();
  try {
    const doc = validExport();
    doc.benchmarkRuns[1]!.status = 'running';
    assert.deepEqual(importRuns(store, doc), { benchmarkRuns: 2, segmentationRuns: 1, skipped: 0 });
    assert.deepEqual(importRuns(store, doc), { benchmarkRuns: 0, segmentationRuns: 0, skipped: 3 });
    assert.equal(store.listBenchmarkRuns().length, 2);
    const stillRunning = store.benchmarkRun(doc.benchmarkRuns[1]!.uuid);
    assert.equal(stillRunning.status, 'interrupted');
    assert.match(stillRunning.error!, /exported while it was still running/);
    const { summary, ...imported } = store.benchmarkRun(doc.benchmarkRuns[0]!.uuid);
    assert.deepEqual(imported, doc.benchmarkRuns[0]);
    assert.deepEqual(summary.map((r) => [r.provider, r.n, r.meanMs, r.speedup]), [['cpu', 2, 1100, null], ['webgpu', 2, 200, 5.5]]);
    assert.ok(store.listBenchmarkRuns().every((r) => r.imported));
  } finally {
    store.close();
  }
});

test('CSV rows quote what needs quoting and leave empty what a run does not have', () => {
  const doc = validExport();
  doc.segmentationRuns[0]!.image.name = 'plate 3, well "B2".tif';
  const lines = exportCsv(doc).trimEnd().split('\n');
  assert.equal(lines.length, 1 + 4 + 4 + 1);
  const header = lines[0]!.split(',');
  assert.deepEqual(header.slice(-3), ['normalize_ms', 'network_ms', 'masks_ms']);
  const segmentation = lines.at(-1)!;
  assert.ok(segmentation.startsWith('segmentation,5e3c9b1a-'), segmentation);
  assert.ok(segmentation.includes(',"plate 3, well ""B2"".tif",'), segmentation);
  assert.ok(segmentation.includes(',cpu,image,512,384,,1000,57,31.2,2025-03-12T09:00:00.000Z,10,900,90'), segmentation);
});
