// The app's benchmark and history calls with a real worker, the demo checkpoint and a real SQLite history: a run
// streams its events and lands in the history, one run at a time, cancel keeps what was measured, and runs move
// between two computers' histories by export and import.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { BenchmarkEvent, BenchmarkReport } from '../../src/engine/bench/types';
import { BenchmarkService } from '../../src/engine/service/benchmarkService';
import { createHistoryService } from '../../src/engine/service/historyService';
import { assertContractResult } from '../helpers/contract';
import { rejectsWithCode } from '../helpers/errors';
import { tempDir } from '../helpers/cli';
import { DEMO_CHECKPOINT } from '../helpers/demoModel';
import { sharedPath } from '../helpers/shared';

const IMAGE = sharedPath('images', 'webgpu-cellseg', 'cellpose_img_075.png');
const QUICK = { model: DEMO_CHECKPOINT, imagePath: IMAGE, sizes: [224], iterations: 2, providers: ['cpu' as const] };

const env = { ...process.env, CELLDESK_HOME: tempDir('bench-home') };
const benchmark = new BenchmarkService({ env });
const history = createHistoryService(env);
const events: BenchmarkEvent[] = [];
let report: BenchmarkReport;

before(async () => {
  benchmark.on('bench:event', (event) => events.push(event));
  const running = benchmark.start(QUICK);
  await rejectsWithCode(benchmark.start(QUICK), 'BENCHMARK_BUSY');
  report = assertContractResult('bench:start', await running);
});

after(() => benchmark.close());

test('a benchmark run streams its samples before it answers with the completed report', () => {
  assert.equal(report.status, 'completed');
  assert.equal(report.samples.length, 2);
  const samples = events.filter((e) => e.type === 'sample');
  assert.deepEqual(
    samples.map((e) => e.done),
    [1, 2],
  );
  assert.equal(events[0]?.type, 'started');
  assert.ok(events.some((e) => e.type === 'stage' && e.progress.stage === 'network'));
  assert.equal(report.protocol.estimateDiameter, true, 'the demo size model is found beside the checkpoint');
  assert.ok(report.samples.every((s) => s.size === 224 && s.maskCount > 0 && s.diameter > 0));
  assert.equal(benchmark.isRunning, false);
});

test('the finished run is in the history, listed under this device and readable in full', async () => {
  const listing = assertContractResult('history:list', await history['history:list'](undefined));
  const device = assertContractResult('device:describe', await history['device:describe'](undefined));
  assert.equal(listing.thisDeviceId, device.deviceId);
  const listed = listing.benchmarkRuns.find((r) => r.uuid === report.uuid);
  assert.ok(listed !== undefined);
  assert.equal(listed.deviceId, device.deviceId);
  assert.equal(listed.samples, 2);
  const [stored] = assertContractResult('history:runs', await history['history:runs']({ uuids: [report.uuid] }));
  assert.deepEqual(
    stored!.samples.map((s) => s.totalMs),
    report.samples.map((s) => s.totalMs),
  );
  assert.equal(stored!.summary[0]!.n, 2);
});

test('cancelling a run ends it as cancelled with the samples measured so far', async () => {
  const running = benchmark.start({ ...QUICK, iterations: 50 });
  const cancelled = new Promise<void>((resolve) => {
    const stop = benchmark.on('bench:event', (event) => {
      if (event.type === 'sample') {
        stop();
        assert.equal(benchmark.cancel(), true);
        resolve();
      }
    });
  });
  await cancelled;
  const result = await running;
  assert.equal(result.status, 'cancelled');
  assert.ok(result.samples.length >= 1 && result.samples.length < 50, `${result.samples.length} samples`);
  assert.equal(benchmark.cancel(), false, 'nothing left to cancel');
  const listed = (await history['history:list'](undefined)).benchmarkRuns.find((r) => r.uuid === result.uuid);
  assert.equal(listed?.status, 'cancelled');
});

test('an exported run imports into another history as imported, once', async () => {
  const { fileName, bytes } = await history['history:export']({ uuids: [report.uuid], format: 'json' });
  assert.match(fileName, /^celldesk-history-.*\.json$/);
  const other = createHistoryService({ ...process.env, CELLDESK_HOME: tempDir('other-home') });
  assert.deepEqual(await other['history:import']({ name: fileName, bytes }), { benchmarkRuns: 1, segmentationRuns: 0, skipped: 0 });
  assert.deepEqual(await other['history:import']({ name: fileName, bytes }), { benchmarkRuns: 0, segmentationRuns: 0, skipped: 1 });
  const [imported] = await other['history:runs']({ uuids: [report.uuid] });
  assert.deepEqual(imported!.samples, report.samples);
  const csv = new TextDecoder().decode((await history['history:export']({ uuids: [report.uuid], format: 'csv' })).bytes);
  assert.equal(csv.trim().split('\n').length, 1 + report.samples.length, 'a header and one row per sample');
});

test('a damaged import file changes nothing and says why', async () => {
  const before = (await history['history:list'](undefined)).benchmarkRuns.length;
  const error = await rejectsWithCode(() => history['history:import']({ name: 'runs.json', bytes: new TextEncoder().encode('{"format":"celldesk-history","version":1') }), 'HISTORY_IMPORT');
  assert.match(error.message, /runs\.json cannot be imported/);
  assert.equal((await history['history:list'](undefined)).benchmarkRuns.length, before);
});

test('deleting runs removes them with their samples; unknown ids delete nothing', async () => {
  assert.deepEqual(await history['history:delete']({ uuids: ['no-such-run'] }), { deleted: 0 });
  assert.deepEqual(await history['history:delete']({ uuids: [report.uuid] }), { deleted: 1 });
  assert.equal((await history['history:list'](undefined)).benchmarkRuns.some((r) => r.uuid === report.uuid), false);
  await rejectsWithCode(() => history['history:runs']({ uuids: [report.uuid] }), 'RUN_NOT_FOUND');
});
