// The benchmark charts' numbers, checked against values worked out by hand.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { BenchmarkRunListing, BenchmarkSample, CropSize, ExecutionProvider } from '../../src/shared/contract';
import {
  deviceLabel,
  improvementFigure,
  speedupFigure,
  stageFigure,
  summarizeSamples,
  timeFigure,
  type ChartRun,
} from '../../src/shared/bench/figures';
import { sortSizes } from '../../src/shared/bench/cropSizes';
import { groupRunsByDevice } from '../../src/shared/bench/history';
import { sampleSd } from '../../src/shared/bench/statistics';

function sample(provider: ExecutionProvider, size: CropSize, totalMs: number, stages: Record<string, number> = {}): BenchmarkSample {
  const side = size === 'full' ? 1000 : size;
  return { provider, size, width: side, height: side, iteration: 1, totalMs, stages, maskCount: 10, diameter: 30, measuredAt: '2026-11-24T01:00:00Z' };
}

// cpu 224: 100, 110, 120 -> mean 110, SD sqrt((100 + 0 + 100) / 2) = 10.
// cuda 224: 20, 24 -> mean 22, SD sqrt((4 + 4) / 1) = 2.8284; speed-up 110 / 22 = 5; improvement 88 / 110 = 80 %.
// cpu 448: 400 alone -> SD null. cuda 448: 100, 100 -> SD 0; speed-up 4; improvement 75 %.
// webgpu 448: 500, 300 -> mean 400; speed-up 1; improvement 0 %. webgpu 'full' has no CPU to compare with.
const samples = [
  sample('cuda', 448, 100, { network: 80, masks: 20 }),
  sample('cpu', 224, 100, { network: 60, masks: 40 }),
  sample('cpu', 224, 110, { network: 70, masks: 40 }),
  sample('cpu', 224, 120, { network: 80, masks: 40 }),
  sample('cuda', 224, 20),
  sample('cuda', 224, 24),
  sample('cpu', 448, 400),
  sample('cuda', 448, 100, { network: 70, masks: 30 }),
  sample('webgpu', 448, 500),
  sample('webgpu', 448, 300),
  sample('webgpu', 'full', 900),
];
const run: ChartRun = { uuid: 'a', device: 'Xeon', startedAt: '2026-11-24T01:02:03.000Z', samples, providers: [] };

test('the sample SD divides by n - 1 and is null for one value', () => {
  assert.equal(sampleSd([100, 110, 120]), 10);
  assert.equal(sampleSd([400]), null);
  assert.equal(sampleSd([2, 4, 4, 4, 5, 5, 7, 9]), Math.sqrt(32 / 7));
});

test('crop sizes sort numerically with the full image last', () => {
  assert.deepEqual(sortSizes(['full', 1792, 224, 448, 224]), [224, 448, 1792, 'full']);
});

test('the results table gives mean, SD, speed-up and improvement per size and provider, CPU first', () => {
  const rows = summarizeSamples(samples);
  const pick = (row: (typeof rows)[number]) => [row.size, row.provider, row.n, row.meanMs, row.sdMs, row.speedup, row.improvementPct];
  const rounded = rows.map((row) => pick(row).map((v) => (typeof v === 'number' ? Math.round(v * 1e4) / 1e4 : v)));
  assert.deepEqual(rounded, [
    [224, 'cpu', 3, 110, 10, null, null],
    [224, 'cuda', 2, 22, 2.8284, 5, 80],
    [448, 'cpu', 1, 400, null, null, null],
    [448, 'webgpu', 2, 400, 141.4214, 1, 0],
    [448, 'cuda', 2, 100, 0, 4, 75],
    ['full', 'webgpu', 1, 900, null, null, null],
  ]);
  assert.deepEqual(rows[0]!.stageMeans, { network: 70, masks: 40 });
  assert.deepEqual(rows[4]!.stageMeans, { network: 75, masks: 25 });
});

test('the time chart has one line per provider with SD error bars (0 where one sample)', () => {
  const figure = timeFigure([run]);
  assert.deepEqual(figure.categories, ['224', '448', 'full']);
  assert.deepEqual(
    figure.traces.map((t) => [t.name, t.x, t.y, t.errorY]),
    [
      ['cpu', ['224', '448'], [110, 400], [10, 0]],
      ['webgpu', ['448', 'full'], [400, 900], [Math.sqrt(20000), 0]],
      ['cuda', ['224', '448'], [22, 100], [Math.sqrt(8), 0]],
    ],
  );
});

test('speed-up (log axis) and improvement cover only the sizes the CPU of the same run measured', () => {
  const speedup = speedupFigure([run]);
  assert.equal(speedup.logY, true);
  assert.deepEqual(speedup.traces.map((t) => [t.name, t.x, t.y]), [['webgpu', ['448'], [1]], ['cuda', ['224', '448'], [5, 4]]]);
  assert.deepEqual(improvementFigure([run]).traces.map((t) => [t.name, t.x, t.y]), [['webgpu', ['448'], [0]], ['cuda', ['224', '448'], [80, 75]]]);
  const cpuOnly: ChartRun = { ...run, samples: samples.filter((s) => s.provider === 'cpu') };
  assert.deepEqual(speedupFigure([cpuOnly]).traces, []);
});

test('the stage chart stacks the mean ms of each stage, in pipeline order, per size and provider', () => {
  const figure = stageFigure([{ ...run, samples: samples.filter((s) => Object.keys(s.stages).length > 0) }]);
  assert.equal(figure.stacked, true);
  assert.deepEqual(
    figure.traces.map((t) => [t.name, t.x, t.group, t.y]),
    [
      ['network', ['224', '448'], ['cpu', 'cuda'], [70, 75]],
      ['masks', ['224', '448'], ['cpu', 'cuda'], [40, 25]],
    ],
  );
});

test('overlaid runs get one series each, named by device, date and provider', () => {
  const other: ChartRun = { uuid: 'b', device: 'M2', startedAt: '2026-11-20T09:30:00.000Z', samples: [sample('cpu', 224, 50), sample('coreml', 224, 10)], providers: [] };
  const figure = timeFigure([run, other]);
  assert.deepEqual(
    figure.traces.map((t) => t.name),
    ['Xeon · 2026-11-24 01:02:03 · cpu', 'Xeon · 2026-11-24 01:02:03 · webgpu', 'Xeon · 2026-11-24 01:02:03 · cuda', 'M2 · 2026-11-20 09:30:00 · cpu', 'M2 · 2026-11-20 09:30:00 · coreml'],
  );
  assert.equal(new Set(figure.traces.map((t) => t.colour)).size, 5);
  assert.deepEqual(speedupFigure([run, other]).traces.at(-1)!.y, [5]);
});

test('a provider that ran on a software adapter is named a software GPU in every chart legend', () => {
  const adapter = { name: 'SwiftShader Device (Subzero)', software: true, driver: '/tmp/libvk_swiftshader.so' };
  const providers = [
    { provider: 'cpu' as const, available: true, reason: null, sessionMs: 10, firstRunMs: 100, adapter: null },
    { provider: 'webgpu' as const, available: true, reason: null, sessionMs: 600, firstRunMs: 3000, adapter },
    { provider: 'cuda' as const, available: true, reason: null, sessionMs: 900, firstRunMs: 200, adapter: { ...adapter, name: 'NVIDIA H100', software: false } },
  ];
  const labelled = { ...run, providers };
  for (const figure of [timeFigure([labelled]), speedupFigure([labelled])]) {
    assert.deepEqual(figure.traces.map((t) => t.name), figure.id === 'time' ? ['cpu', 'webgpu (software GPU)', 'cuda'] : ['webgpu (software GPU)', 'cuda']);
  }
  assert.deepEqual([...new Set(stageFigure([labelled]).traces[0]!.group!.filter((g) => g.startsWith('webgpu')))], ['webgpu (software GPU)']);
  assert.equal(timeFigure([labelled, { ...labelled, uuid: 'c' }]).traces[1]!.name, 'Xeon · 2026-11-24 01:02:03 · webgpu (software GPU)');
});

test('a device is named by its CPU and first GPU', () => {
  const hardware = { platform: 'linux', arch: 'x64', cpuModel: '  Intel  Xeon ', cpuCores: 2, memoryBytes: 1, gpus: [] };
  assert.equal(deviceLabel(hardware), 'Intel Xeon');
  assert.equal(deviceLabel({ ...hardware, gpus: ['NVIDIA H100', 'other'] }), 'Intel Xeon + NVIDIA H100');
});

test('history groups runs by device with this computer first, each newest first', () => {
  const listing = (uuid: string, deviceId: string, startedAt: string): BenchmarkRunListing => ({
    uuid, deviceId, startedAt, status: 'completed', finishedAt: null, device: `device ${deviceId}`, modelName: 'cyto3', imageName: 'synthetic',
    imageWidth: 1, imageHeight: 1, providers: ['cpu'], samples: 1, imported: deviceId !== 'here',
  });
  const groups = groupRunsByDevice({
    thisDeviceId: 'here',
    segmentationRuns: [],
    benchmarkRuns: [listing('1', 'far', '2026-01-01'), listing('2', 'here', '2025-01-01'), listing('3', 'near', '2026-02-01'), listing('4', 'here', '2025-06-01')],
  });
  assert.deepEqual(groups.map((g) => [g.deviceId, g.thisDevice, g.runs.map((r) => r.uuid)]), [['here', true, ['4', '2']], ['near', false, ['3']], ['far', false, ['1']]]);
});
