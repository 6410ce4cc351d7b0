// `celldesk history repair` on real SQLite files damaged on purpose: the damaged file is set aside, and the new
// database keeps every row that still reads, exactly as it was.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { HistoryStore } from '../../src/engine/history/historyStore';
import { ModelRepository } from '../../src/engine/storage/modelRepository';
import type { RepairReport } from '../../src/engine/storage/repairDatabase';
import { runCelldesk, tempDir } from '../helpers/cli';
import { damagePage, leafPages, writeHistory } from './damage';

const RUNS = 300;

test('history repair keeps every segmentation run that reads when one page of them is damaged, and sets the damaged file aside', async () => {
  const home = tempDir('repair-page');
  const { file, runs } = writeHistory(home, RUNS);
  const pages = leafPages(file, 'segmentation_runs');
  assert.ok(pages.length >= 10, `${pages.length} leaf pages`);
  const damaged = pages[Math.floor(pages.length / 2)]!;
  damagePage(file, damaged.pageno);
  const before = readFileSync(file);
  const listed = await runCelldesk(['history', 'list', '--limit', '1000'], { CELLDESK_HOME: home });
  assert.equal(listed.code, 1);
  assert.match(listed.stderr, /the file is damaged .*Run `celldesk history repair`/);

  const repaired = await runCelldesk(['history', 'repair', '--json'], { CELLDESK_HOME: home });
  assert.equal(repaired.code, 0, repaired.stderr);
  const report = JSON.parse(repaired.stdout) as Extract<RepairReport, { status: 'repaired' }>;
  assert.equal(report.status, 'repaired');
  assert.deepEqual(readFileSync(report.setAside), before, 'the damaged file is kept as it was');
  const segmentations = report.tables.find((t) => t.table === 'segmentation_runs')!;
  assert.equal(segmentations.kept, RUNS - damaged.ncell);
  assert.equal(segmentations.damagedParts, 1);

  HistoryStore.use(file, (store) => {
    const kept = store.listSegmentationRuns(RUNS);
    assert.equal(kept.length, RUNS - damaged.ncell);
    const original = new Map(runs.map((run) => [run.uuid, run]));
    for (const run of kept) assert.deepEqual(run, original.get(run.uuid));
    // The lost rows are one page's worth of consecutive runs: everything before and after it is there.
    const keptIds = new Set(kept.map((run) => run.uuid));
    const lost = runs.map((run, i) => (keptIds.has(run.uuid) ? -1 : i)).filter((i) => i >= 0);
    assert.equal(lost.at(-1)! - lost[0]! + 1, damaged.ncell);
    assert.equal(store.listBenchmarkRuns().length, 1);
    assert.equal(store.benchmarkRun(store.listBenchmarkRuns()[0]!.uuid).samples.length, 4);
    assert.equal(new ModelRepository(store.db).get('mine')?.sha256, 'cd'.repeat(32));
  });
  const human = await runCelldesk(['history', 'repair'], { CELLDESK_HOME: home });
  assert.match(human.stdout, /^The database .* is sound; nothing was changed\.$/m);
});

test('history repair rebuilds the device of each run whose device row was on a damaged page', async () => {
  const home = tempDir('repair-devices');
  const { file } = writeHistory(home, 20);
  const [devicePage] = leafPages(file, 'devices');
  damagePage(file, devicePage!.pageno);
  const run = await runCelldesk(['history', 'repair'], { CELLDESK_HOME: home });
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /was damaged\. It is kept as .*\.damaged-\d{8}T\d{6}/);
  assert.match(run.stdout, /segmentation runs +20 kept$/m);
  assert.match(run.stdout, /1 device record\(s\) rebuilt from the runs' fingerprints/);
  const listed = await runCelldesk(['history', 'list', '--json'], { CELLDESK_HOME: home });
  const { benchmarkRuns, segmentationRuns } = JSON.parse(listed.stdout) as { benchmarkRuns: { device: string }[]; segmentationRuns: unknown[] };
  assert.equal(segmentationRuns.length, 20);
  assert.match(benchmarkRuns[0]!.device, /Test CPU 9000/);
});

test('a database whose first page is damaged is set aside and a new, empty one takes its place', async () => {
  const home = tempDir('repair-header');
  const { file } = writeHistory(home, 5);
  damagePage(file, 1);
  const run = await runCelldesk(['history', 'repair', '--json'], { CELLDESK_HOME: home });
  assert.equal(run.code, 0, run.stderr);
  const report = JSON.parse(run.stdout) as Extract<RepairReport, { status: 'repaired' }>;
  assert.ok(report.tables.every((t) => t.kept === 0));
  assert.ok(existsSync(report.setAside));
  const listed = await runCelldesk(['history', 'list', '--json'], { CELLDESK_HOME: home });
  assert.equal(listed.code, 0, listed.stderr);
});

test('history repair with no database says so', async () => {
  const run = await runCelldesk(['history', 'repair'], { CELLDESK_HOME: tempDir('repair-none') });
  assert.equal(run.code, 1);
  assert.match(run.stderr, /There is no CellDesk database at .*, so there is nothing to repair\./);
});
