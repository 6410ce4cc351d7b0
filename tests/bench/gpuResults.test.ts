// The GPU runs kept under bench/results: their summaries are what bench/gpu/runReport.ts makes of the files beside
// them (nothing typed by hand), and their history exports import into a real history under the GPU's device.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HistoryStore } from '../../src/engine/history/historyStore';
import { importRuns, parseExport } from '../../src/engine/history/historyExport';

const RESULTS = join(import.meta.dirname, '..', '..', 'bench', 'results');
const runs = readdirSync(RESULTS, { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => join(RESULTS, entry.name));

/** A run is one device session: its calls' folders (call-1, call-2, ...) in order, or the run folder itself. */
function callsOf(run: string): string[] {
  const calls = readdirSync(run, { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => join(run, entry.name)).sort();
  return calls.length > 0 ? calls : [run];
}

test('bench/results holds at least one GPU run, each with its summary', () => {
  assert.ok(runs.length > 0);
  for (const run of runs) assert.ok(existsSync(join(run, 'summary.md')), `${run} has no summary.md`);
});

test("each GPU run's summary.md is what runReport.ts makes of its calls' files", () => {
  for (const run of runs) {
    const report = execFileSync(process.execPath, ['--import', 'tsx', join('bench', 'gpu', 'runReport.ts'), ...callsOf(run)], { encoding: 'utf8' });
    assert.equal(report, readFileSync(join(run, 'summary.md'), 'utf8'), `${run}/summary.md differs from the report of its files`);
  }
});

test("each GPU run's history export imports into a real history, its WebGPU samples under the GPU's device", () => {
  for (const run of runs) {
    const file = join(mkdtempSync(join(tmpdir(), 'celldesk-gpu-results-')), 'celldesk.db');
    HistoryStore.use(file, (store) => {
      for (const call of callsOf(run)) {
        const path = join(call, 'celldesk-history.json');
        if (existsSync(path)) importRuns(store, parseExport(path, readFileSync(path, 'utf8')));
      }
      const imported = store.listBenchmarkRuns();
      assert.ok(imported.length > 0, `${run}: no benchmark run imported`);
      const onGpu = imported.filter((r) => r.providers.includes('webgpu'));
      assert.ok(onGpu.length > 0, `${run}: no WebGPU sample`);
      for (const r of onGpu) assert.ok(store.device(r.deviceId)!.hardware.gpus.length > 0, `${run}: run ${r.uuid} has WebGPU samples but its device has no GPU`);
      assert.ok(onGpu.every((r) => r.imported));
    });
  }
});
