// The Benchmark and History views' models in Node, against the real engine through the in-process client: one
// model list shared with the Segment view, a quick CPU benchmark filling in from its events and landing in the
// history, and the history's overlay, export, delete and import.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { contract, EXECUTION_PROVIDERS, type ExecutionProvider } from '../../src/shared/contract';
import { createAppModel, type AppModel } from '../../src/renderer/src/model/appModel';
import { tempDir } from '../helpers/cli';
import { DEMO_CHECKPOINT, DEMO_SIZE_MODEL } from '../helpers/demoModel';
import { callsOf, startInProcessEngine, type InProcessEngine } from '../helpers/inProcessEngine';
import { sharedPath } from '../helpers/shared';
import { until } from '../helpers/storeWaits';

const IMAGE = sharedPath('images', 'webgpu-cellseg', 'cellpose_img_075.png');

let engine: InProcessEngine;
let app: AppModel;
let labModel: string;
/** The number of samples the Benchmark view showed, each time it changed. */
const sampleCounts: number[] = [];
/** The samples the Benchmark view said the run would take ("n of total"), each time that changed. */
const plannedCounts: number[] = [];

before(() => {
  labModel = join(tempDir('models-lab'), 'lab-demo.pth');
  symlinkSync(DEMO_CHECKPOINT, labModel);
  symlinkSync(DEMO_SIZE_MODEL, `${labModel}_size.npy`);
  engine = startInProcessEngine();
  app = createAppModel(engine.client);
  app.benchmark.store.subscribe(() => {
    const count = app.benchmark.store.get().samples.length;
    if (count !== sampleCounts.at(-1)) sampleCounts.push(count);
    const planned = app.benchmark.store.get().plannedSamples;
    if (planned !== plannedCounts.at(-1)) plannedCounts.push(planned);
  });
});

after(() => engine.close());

test("the Benchmark view starts with cyto3 (downloaded on first use), this computer's fingerprint and the providers that start here ticked, each asked for once", async () => {
  await app.benchmark.load();
  await app.benchmark.load();
  const { options, device, error, providersHere } = app.benchmark.store.get();
  assert.equal(error, null);
  assert.equal(options.model, 'cyto3');
  assert.ok(device !== null && device.fingerprint.hardware.cpuCores > 0);
  assert.deepEqual(
    [callsOf(engine, 'models:list').length, callsOf(engine, 'device:describe').length, callsOf(engine, 'providers:check').length],
    [1, 1, 1],
  );

  assert.ok(providersHere !== null);
  contract['providers:check'].result.parse(providersHere);
  assert.deepEqual(providersHere.map((c) => c.provider), [...EXECUTION_PROVIDERS]);
  assert.deepEqual(providersHere[0], { provider: 'cpu', available: true, reason: null, adapter: null });
  for (const check of providersHere) {
    const ticked = options.providers.includes(check.provider);
    assert.equal(ticked, check.available && check.adapter?.software !== true, `${check.provider}: ${JSON.stringify(check)}`);
    if (!check.available) assert.ok((check.reason ?? '').length > 10, `${check.provider} says why it cannot start`);
  }
  // On this platform the providers of another are never ticked.
  const foreign = { linux: ['coreml', 'dml'], darwin: ['cuda', 'dml'], win32: ['coreml'] }[process.platform as 'linux'] ?? [];
  for (const provider of foreign) assert.ok(!options.providers.includes(provider as ExecutionProvider));
});

test('a model imported in the Segment view is selected there and listed in the Benchmark view too', async () => {
  await app.segment.parameters.importModel({ path: labModel });
  const { parameters, notice, error } = app.segment.store.get();
  assert.equal(error, null);
  assert.equal(parameters.model, 'lab-demo');
  assert.equal(notice, 'Imported the model lab-demo; it is now in the model list.');
  assert.ok(app.benchmark.catalog.store.get().models.some((m) => m.name === 'lab-demo' && m.available && m.supported));
  // What the Benchmark view had chosen stays chosen.
  assert.equal(app.benchmark.store.get().options.model, 'cyto3');
});

test('crop sizes that cannot be read are refused with the reason, before anything runs', async () => {
  app.benchmark.setOptions({ sizes: '224, tiny' });
  await app.benchmark.start();
  assert.match(app.benchmark.store.get().error ?? '', /tiny/);
  assert.equal(callsOf(engine, 'bench:start').length, 0);
  app.benchmark.dismissError();
});

test('a quick CPU run fills its samples in from events as they arrive, then shows the completed report', async () => {
  app.benchmark.setOptions({ model: 'lab-demo', imagePath: IMAGE, sizes: '224', iterations: 2, providers: ['cpu'], estimateDiameter: false });
  assert.equal(app.benchmark.store.get().options.providers.length, 1);
  await app.benchmark.start();
  const state = app.benchmark.store.get();
  assert.equal(state.error, null);
  assert.deepEqual([state.status, state.running, state.samples.length, state.plannedSamples], ['completed', false, 2, 2]);
  assert.deepEqual(sampleCounts, [0, 1, 2]);
  assert.deepEqual(plannedCounts, [0, 2], 'the total is known from the start and is what ran');
  assert.deepEqual(
    state.providerResults.map((p) => [p.provider, p.available]),
    [['cpu', true]],
  );
});

test('the finished run is in the History view at once; picked, it is loaded in full for the charts', async () => {
  const listed = await until(app.history.store, (s) => (s.listing?.benchmarkRuns.length ?? 0) === 1, 'the run in the history');
  const uuid = listed.listing!.benchmarkRuns[0]!.uuid;
  assert.equal(uuid, app.benchmark.store.get().run?.uuid);
  await app.history.toggle(uuid);
  const { picked, reports } = app.history.store.get();
  assert.deepEqual(picked, [uuid]);
  assert.deepEqual(
    reports.map((r) => [r.uuid, r.samples.length]),
    [[uuid, 2]],
  );
});

test('the picked runs export as JSON, delete after, and import back as imported runs', async () => {
  const file = await app.history.exportPicked('json');
  assert.ok(file !== null);
  assert.match(app.history.store.get().notice ?? '', /^Exported 1 run as .+\.json\.$/);

  await app.history.deletePicked();
  let state = app.history.store.get();
  assert.deepEqual([state.notice, state.picked, state.reports, state.listing?.benchmarkRuns.length], ['Deleted 1 run.', [], [], 0]);

  await app.history.importFile(file.fileName, file.bytes);
  state = app.history.store.get();
  assert.equal(state.notice, 'Imported 1 benchmark run and 0 segmentation runs.');
  assert.deepEqual(
    state.listing?.benchmarkRuns.map((run) => run.imported),
    [true],
  );
});

test('a damaged history file is refused whole, saying which file', async () => {
  await app.history.importFile('broken.json', new TextEncoder().encode('{"format": "celldesk-history", "runs": ['));
  const { error, listing } = app.history.store.get();
  assert.match(error ?? '', /^broken\.json was not imported: /);
  assert.equal(listing?.benchmarkRuns.length, 1);
});
