// The benchmark runner on a small synthetic image: samples reach the recorder as they are measured, an unavailable
// provider is a recorded reason, cancelling keeps what was measured, and a crash marks the run interrupted.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { onnxRuntimeBackend } from '../../src/engine/backend/onnxruntime';
import { discoverProviders } from '../../src/engine/bench/providers';
import { runBenchmark, type BenchmarkRequest } from '../../src/engine/bench/runBenchmark';
import { SYNTHETIC_CHANNELS, syntheticCellImage } from '../../src/engine/bench/syntheticImage';
import type { BenchmarkEvent, BenchmarkSample } from '../../src/engine/bench/types';
import { HistoryStore } from '../../src/engine/history/historyStore';
import { ModelManager } from '../../src/engine/models/modelManager';
import { DEMO_CHECKPOINT } from '../helpers/demoModel';
import { tempDir } from '../helpers/cli';

// A provider that cannot exist on this platform (see PLATFORM_OF in src/engine/backend/onnxruntime.ts).
const FOREIGN_PROVIDER = process.platform === 'darwin' ? 'dml' : 'coreml';

let manager: ModelManager;
let store: HistoryStore;

before(() => {
  const home = tempDir('bench-run');
  manager = new ModelManager({ dataDir: home });
  store = HistoryStore.open(join(home, 'history.db'));
});

after(() => {
  store.close();
  manager.close();
});

function request(overrides: Partial<BenchmarkRequest> = {}): BenchmarkRequest {
  const { image } = syntheticCellImage({ width: 256, height: 240, seed: 3 });
  return {
    model: DEMO_CHECKPOINT,
    image: { name: 'small-synthetic', sha256: 'ab'.repeat(32), image },
    channels: SYNTHETIC_CHANNELS,
    sizes: [224],
    iterations: 2,
    providers: ['cpu'],
    estimateDiameter: false,
    ...overrides,
  };
}

test('a run records each provider and sample as measured, and the stored run reads back as the report', async () => {
  const events: BenchmarkEvent[] = [];
  const report = await runBenchmark({ manager, backend: onnxRuntimeBackend, recorder: store }, request({ providers: ['cpu', FOREIGN_PROVIDER] }), {
    onEvent: (event) => {
      events.push(event);
      // Each sample is in the database by the time its event is seen.
      if (event.type === 'sample') assert.equal(store.benchmarkRun(startedRunUuid(events)).samples.length, event.done);
    },
  });
  assert.equal(report.status, 'completed');
  assert.deepEqual(report.protocol, { sizes: [224], iterations: 2, providers: ['cpu', FOREIGN_PROVIDER], estimateDiameter: false, channels: [1, 2] });
  const [cpu, foreign] = report.providers;
  assert.ok(cpu!.available && cpu!.sessionMs! > 0 && cpu!.firstRunMs! > 0);
  assert.equal(foreign!.available, false);
  assert.match(foreign!.reason!, /not available on/);
  assert.deepEqual(report.samples.map((s) => [s.provider, s.size, s.width, s.height, s.iteration, s.diameter]), [['cpu', 224, 224, 224, 1, 30], ['cpu', 224, 224, 224, 2, 30]]);
  for (const s of report.samples) {
    assert.ok(s.maskCount > 10, `${s.maskCount} masks`);
    assert.deepEqual(Object.keys(s.stages).sort(), ['masks', 'network', 'normalize']);
  }
  assert.deepEqual(report.summary.map((r) => [r.provider, r.size, r.n]), [['cpu', 224, 2]]);
  assert.deepEqual(events.filter((e) => e.type !== 'stage').map((e) => e.type), ['started', 'provider', 'sample', 'sample', 'provider']);
  assert.ok(events.some((e) => e.type === 'stage' && e.iteration === 0), 'the warm-up reports progress as iteration 0');
  assert.deepEqual(store.benchmarkRun(report.uuid), report);
});

function startedRunUuid(events: BenchmarkEvent[]): string {
  const started = events.find((e) => e.type === 'started');
  if (started?.type !== 'started') throw new Error('no started event');
  return started.run.uuid;
}

test('cancelling keeps the samples measured and marks the run cancelled', async () => {
  const controller = new AbortController();
  const report = await runBenchmark({ manager, backend: onnxRuntimeBackend, recorder: store }, request({ iterations: 3 }), {
    signal: controller.signal,
    onEvent: (event) => {
      if (event.type === 'sample') controller.abort();
    },
  });
  assert.equal(report.status, 'cancelled');
  assert.equal(report.samples.length, 1);
  const stored = store.benchmarkRun(report.uuid);
  assert.equal(stored.status, 'cancelled');
  assert.equal(stored.samples.length, 1);
  assert.notEqual(stored.finishedAt, null);
});

test('a run that fails in the middle keeps its samples, is marked interrupted with the reason, and the error is thrown', async () => {
  let samples = 0;
  const failing = {
    beginRun: store.beginRun.bind(store),
    recordProvider: store.recordProvider.bind(store),
    finishRun: store.finishRun.bind(store),
    recordSample(uuid: string, sample: BenchmarkSample) {
      if (++samples === 2) throw new Error('disk full');
      store.recordSample(uuid, sample);
    },
  };
  await assert.rejects(runBenchmark({ manager, backend: onnxRuntimeBackend, recorder: failing }, request()), /disk full/);
  const [latest] = store.listBenchmarkRuns();
  const stored = store.benchmarkRun(latest!.uuid);
  assert.equal(stored.status, 'interrupted');
  assert.equal(stored.error, 'disk full');
  assert.equal(stored.samples.length, 1);
});

test('provider discovery creates a real session on each provider and keeps the reason where it cannot', async () => {
  const probes = await discoverProviders(manager, onnxRuntimeBackend, { model: DEMO_CHECKPOINT });
  assert.deepEqual(probes.map((p) => p.provider), ['cpu', 'webgpu', 'cuda', 'coreml', 'dml']);
  for (const p of probes) {
    if (p.available) assert.ok(p.sessionMs! > 0 && p.reason === null, p.provider);
    else assert.ok(p.reason !== null && p.reason.length > 5 && p.sessionMs === null, p.provider);
  }
  assert.equal(probes[0]!.available, true);
  assert.equal(probes.find((p) => p.provider === FOREIGN_PROVIDER)!.available, false);
});
