// The adapter each provider ran on (a real GPU, or a software one) is kept in the history and in its exports.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { exportJson, exportRuns, importRuns, parseExport } from '../../src/engine/history/historyExport';
import { HistoryStore } from '../../src/engine/history/historyStore';
import { tempDir } from '../helpers/cli';
import { benchmarkRun } from './fixtures';

const SWIFTSHADER = { name: 'SwiftShader Device (Subzero)', software: true, driver: '/tmp/libvk_swiftshader.so' };

function withStore(work: (store: HistoryStore) => void): void {
  const store = HistoryStore.open(join(tempDir('history-adapter'), 'celldesk.db'));
  try {
    work(store);
  } finally {
    store.close();
  }
}

test('each provider keeps its adapter through the history and a JSON export imported elsewhere', () => {
  const run = benchmarkRun();
  run.providers = run.providers.map((p) => (p.provider === 'webgpu' ? { ...p, adapter: SWIFTSHADER } : p));
  let exported = '';
  withStore((store) => {
    importRuns(store, { ...exportRuns(store, []), devices: [{ id: run.deviceId, hardware: run.fingerprint.hardware }], benchmarkRuns: [run] });
    assert.deepEqual(store.benchmarkRun(run.uuid).providers.map((p) => p.adapter), [null, SWIFTSHADER]);
    exported = exportJson(exportRuns(store, [{ kind: 'benchmark', uuid: run.uuid }]));
  });
  withStore((store) => {
    importRuns(store, parseExport('runs.json', exported));
    assert.deepEqual(store.benchmarkRun(run.uuid).providers.map((p) => p.adapter), [null, SWIFTSHADER]);
  });
});

test('an export written before CellDesk recorded adapters imports with none', () => {
  const run = benchmarkRun();
  withStore((store) => {
    const doc = JSON.parse(exportJson({ ...exportRuns(store, []), devices: [{ id: run.deviceId, hardware: run.fingerprint.hardware }], benchmarkRuns: [run] }));
    for (const provider of doc.benchmarkRuns[0].providers) delete provider.adapter;
    importRuns(store, parseExport('old.json', JSON.stringify(doc)));
    assert.deepEqual(store.benchmarkRun(run.uuid).providers.map((p) => [p.provider, p.adapter]), [['cpu', null], ['webgpu', null]]);
  });
});
