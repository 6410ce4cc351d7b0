// A benchmark process killed with SIGKILL in the middle: the database stays sound, keeps every sample committed
// before the kill, and shows the run as interrupted the next time it is opened.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import BetterSqlite3 from 'better-sqlite3';
import { HistoryStore, INTERRUPTED_REASON } from '../../src/engine/history/historyStore';
import { appPaths } from '../../src/engine/io/appPaths';
import { DEMO_CHECKPOINT, DEMO_SIZE_MODEL } from '../helpers/demoModel';
import { REPO_ROOT } from '../helpers/shared';
import { tempDir } from '../helpers/cli';

interface SampleRow {
  run_uuid: string;
  provider: string;
  /** As the database keeps it: text ('224', 'full'). */
  size: string;
  iteration: number;
  total_ms: number;
  mask_count: number;
}

/** The committed samples, read through a separate read-only connection as another program would. */
function committedSamples(file: string): SampleRow[] {
  if (!existsSync(file)) return [];
  const db = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
  try {
    const table = db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'benchmark_samples'").get();
    return table === undefined ? [] : db.prepare<[], SampleRow>('SELECT run_uuid, provider, size, iteration, total_ms, mask_count FROM benchmark_samples ORDER BY rowid').all();
  } finally {
    db.close();
  }
}

test('SIGKILL in the middle of a benchmark keeps the committed samples and leaves the run interrupted', async () => {
  const home = tempDir('killed');
  const { databaseFile } = appPaths(home);
  const args = ['bench', '--model', DEMO_CHECKPOINT, '--size-model', DEMO_SIZE_MODEL, '--sizes', '224,448', '--iterations', '3', '--ep', 'cpu'];
  const child = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'celldesk.js'), ...args], { env: { ...process.env, CELLDESK_HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));

  let seen: SampleRow[] = [];
  const deadline = Date.now() + 240_000;
  while (seen.length < 2) {
    assert.ok(Date.now() < deadline, `no two samples committed in time; stderr:\n${stderr}`);
    assert.equal(child.exitCode, null, `the benchmark ended before it was killed; stderr:\n${stderr}`);
    await sleep(200);
    seen = committedSamples(databaseFile);
  }
  child.kill('SIGKILL');
  assert.equal(await exited, 'SIGKILL');

  const db = new BetterSqlite3(databaseFile);
  assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
  assert.equal(db.prepare("SELECT status FROM benchmark_runs").pluck().get(), 'running', 'nothing has looked at the run yet');
  db.close();

  const store = HistoryStore.open(databaseFile);
  try {
    const [listing, ...others] = store.listBenchmarkRuns();
    assert.equal(others.length, 0);
    assert.equal(listing!.status, 'interrupted');
    const run = store.benchmarkRun(listing!.uuid);
    assert.equal(run.error, INTERRUPTED_REASON);
    assert.ok(run.samples.length >= seen.length && run.samples.length < 6, `${run.samples.length} samples kept`);
    seen.forEach((row, i) => {
      const kept = run.samples[i]!;
      assert.deepEqual([kept.provider, String(kept.size), kept.iteration, kept.totalMs, kept.maskCount], [row.provider, row.size, row.iteration, row.total_ms, row.mask_count]);
    });
    assert.equal(run.finishedAt, run.samples.at(-1)!.measuredAt);
    assert.deepEqual(run.providers.map((p) => [p.provider, p.available]), [['cpu', true]]);
  } finally {
    store.close();
  }
});
