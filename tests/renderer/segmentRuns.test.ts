// The Segment view's runs in Node, against the real engine through the in-process client: a segmentation with its
// progress, re-thresholds from the kept network output (delayed, coalesced, undoable), cancel, calibration, and the
// "Record in history" switch.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createAppModel } from '../../src/renderer/src/model/appModel';
import type { SegmentModel } from '../../src/renderer/src/model/segment/segmentModel';
import type { Activity } from '../../src/renderer/src/model/segment/state';
import { DEMO_CHECKPOINT } from '../helpers/demoModel';
import { callsOf, startInProcessEngine, type InProcessEngine } from '../helpers/inProcessEngine';
import { sharedPath } from '../helpers/shared';
import { until } from '../helpers/storeWaits';

const IMAGE = sharedPath('images', 'webgpu-cellseg', 'cellpose_img_075.png');

let engine: InProcessEngine;
let segment: SegmentModel;
/** Every activity the view went through, in order. */
const activities: Activity[] = [];

const idle = (s: { activity: Activity }) => s.activity.kind === 'idle';

before(async () => {
  engine = startInProcessEngine();
  // No delay before a re-threshold: a change made while one is in flight then meets it still running.
  segment = createAppModel(engine.client, { rethresholdDelayMs: 0, draftDelayMs: 800 }).segment;
  segment.store.subscribe(() => {
    const { activity } = segment.store.get();
    if (activity !== activities.at(-1)) activities.push(activity);
  });
  await segment.images.openPath(IMAGE);
  segment.parameters.set({ model: DEMO_CHECKPOINT, provider: 'cpu', diameter: 30 });
});

after(() => engine.close());

test('a run shows its masks and says how it went, reporting each stage while the network runs', async () => {
  await segment.runs.run();
  const state = segment.store.get();
  assert.equal(state.error, null);
  assert.equal(state.maskCount, 44);
  assert.equal(state.segmentation?.networkRuns, 1);
  assert.match(state.notice ?? '', /^Segmented with celldesk-demo\.zip\.pth on cpu in \d+\.\d s\.$/);
  assert.deepEqual([state.canUndo, state.canRedo, state.activity.kind], [true, false, 'idle']);
  const stages = activities.flatMap((a) => (a.kind === 'segmenting' && a.progress !== null ? [a.progress.stage] : []));
  assert.ok(stages.includes('network') && stages.includes('masks'), `stages seen: ${stages.join(', ')}`);
  assert.deepEqual(callsOf(engine, 'segment:run'), [
    {
      imageId: state.image!.imageId,
      model: DEMO_CHECKPOINT,
      provider: 'cpu',
      settings: { channels: [0, 0], diameter: 30, flowThreshold: 0.4, cellprobThreshold: 0, minSize: 15, augment: false, batchSize: 8 },
      record: true,
    },
  ]);
  assert.equal(typeof state.segmentation?.historyRun, 'string', 'the run is recorded in the history');
});

test('a threshold change recomputes the masks from the kept network output, without running the network', async () => {
  segment.parameters.set({ cellprobThreshold: 1 });
  const state = await until(segment.store, (s) => idle(s) && s.segmentation?.settings.cellprobThreshold === 1, 'the re-thresholded masks');
  assert.equal(state.segmentation?.networkRan, false);
  assert.equal(state.segmentation?.networkRuns, 1);
  assert.ok(state.maskCount > 0 && state.maskCount <= 44, `${state.maskCount} masks`);
  assert.match(state.notice ?? '', /^Masks recomputed from the kept network output in \d+ ms, without running the network\.$/);
  assert.equal(callsOf(engine, 'segment:run').length, 1);
});

test('a threshold change while a re-threshold is running coalesces into one more call', async () => {
  const before = callsOf(engine, 'segment:rethreshold').length;
  segment.parameters.set({ flowThreshold: 0.6 });
  await until(segment.store, (s) => s.activity.kind === 'rethresholding', 'the first re-threshold to start');
  // Three changes while the first call is in flight.
  segment.parameters.set({ flowThreshold: 0.7 });
  segment.parameters.set({ cellprobThreshold: 0.5 });
  segment.parameters.set({ minSize: 20 });
  const state = await until(segment.store, (s) => idle(s) && s.segmentation?.settings.minSize === 20, 'the masks of the last thresholds');
  const made = callsOf(engine, 'segment:rethreshold').slice(before);
  const imageId = state.image!.imageId;
  assert.deepEqual(made, [
    { imageId, flowThreshold: 0.6, cellprobThreshold: 1, minSize: 15 },
    { imageId, flowThreshold: 0.7, cellprobThreshold: 0.5, minSize: 20 },
  ]);
  assert.deepEqual(state.segmentation?.settings, { ...state.segmentation!.settings, flowThreshold: 0.7, cellprobThreshold: 0.5, minSize: 20 });
});

test('undo after re-thresholds brings back the earlier masks with their thresholds, and redo the later ones, without a call', async () => {
  const calls = engine.calls.length;
  const latest = segment.store.get();
  segment.masks.undo();
  segment.masks.undo();
  let state = segment.store.get();
  assert.deepEqual(
    [state.parameters.flowThreshold, state.parameters.cellprobThreshold, state.parameters.minSize],
    [state.segmentation!.settings.flowThreshold, state.segmentation!.settings.cellprobThreshold, state.segmentation!.settings.minSize],
  );
  assert.deepEqual([state.parameters.flowThreshold, state.parameters.cellprobThreshold, state.parameters.minSize], [0.4, 1, 15]);
  assert.equal(state.notice, 'Undone: the previous masks are back.');
  segment.masks.redo();
  segment.masks.redo();
  state = segment.store.get();
  assert.equal(state.segmentation, latest.segmentation);
  assert.equal(state.parameters.minSize, 20);
  // Thresholds put back by undo and redo match the masks shown: nothing to recompute.
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal(engine.calls.length, calls);
});

test('cancel during a run ends it as cancelled and keeps the masks shown', async () => {
  const shown = segment.store.get().segmentation;
  const running = segment.runs.run();
  await until(segment.store, (s) => s.activity.kind === 'segmenting' && s.activity.progress?.stage === 'network', 'the network to start');
  await segment.runs.cancel();
  await running;
  const state = segment.store.get();
  assert.deepEqual([state.activity.kind, state.notice, state.error], ['idle', 'Segmentation cancelled.', null]);
  assert.equal(state.segmentation, shown);
});

test('calibrating puts the size model estimate in the diameter field and stops estimating at each run', async () => {
  segment.parameters.set({ estimateDiameter: true });
  await segment.runs.calibrate();
  const { parameters, notice, error } = segment.store.get();
  assert.equal(error, null);
  assert.equal(parameters.estimateDiameter, false);
  assert.ok(parameters.diameter > 5 && parameters.diameter < 100, `diameter ${parameters.diameter}`);
  assert.equal(Math.round(parameters.diameter * 100) / 100, parameters.diameter);
  assert.equal(notice, `Calibrated: the size model estimates a cell diameter of ${parameters.diameter.toFixed(2)} px.`);
});

test("a run that estimates the diameter asks the engine to (diameter 'estimate') and shows the estimate in the field", async () => {
  segment.parameters.set({ estimateDiameter: true, diameter: 30 });
  await segment.runs.run();
  const { parameters, segmentation } = segment.store.get();
  assert.equal((callsOf(engine, 'segment:run').at(-1) as { settings: { diameter: number | 'estimate' } }).settings.diameter, 'estimate');
  assert.equal(parameters.diameter, Math.round(segmentation!.diameter * 100) / 100);
  assert.notEqual(parameters.diameter, 30);
});

test('"Record in history" off is remembered as a preference and sent with each run, which is then not recorded', async () => {
  segment.parameters.set({ estimateDiameter: false, diameter: 30, record: false });
  await engine.settled();
  assert.deepEqual(callsOf(engine, 'preferences:set'), [{ recordSegmentations: false }]);
  await segment.runs.run();
  assert.equal((callsOf(engine, 'segment:run').at(-1) as { record: boolean }).record, false);
  assert.equal(segment.store.get().segmentation?.historyRun, null);
  // A Segment view opened later (a reload, another window) starts with the switch as it was left.
  const later = createAppModel(engine.client).segment;
  assert.equal(later.store.get().parameters.record, true);
  await later.parameters.loadPreferences();
  assert.equal(later.store.get().parameters.record, false);
});

test('a model that cannot be found shows the engine\'s reason and leaves the view idle', async () => {
  segment.parameters.set({ model: '/no/such/model.pth' });
  await segment.runs.run();
  const { error, activity } = segment.store.get();
  assert.equal(activity.kind, 'idle');
  assert.match(error ?? '', /model\.pth/);
});
