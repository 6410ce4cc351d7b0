// The Segment view when its engine dies (issue 11), in Node against the real engine run as a child process, as the
// desktop app runs it in a utility process of its own, killed with SIGKILL: the view offers to restart it, the
// masks, their history and the unsaved edits stay as they were, the image is opened again in the fresh engine (by
// path, or from the uploaded bytes) when the user restarts it or a call meets the crash, the edits are kept again as
// its draft, and the next run works. See [Note: engine restart].
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINE_HOST_SOURCE } from '../../src/engine/service/engineService';
import { childProcessHost, type EngineHost } from '../../src/engine/service/startHost';
import { createAppModel } from '../../src/renderer/src/model/appModel';
import type { SegmentModel } from '../../src/renderer/src/model/segment/segmentModel';
import { DEMO_CHECKPOINT } from '../helpers/demoModel';
import { callsOf, startInProcessEngine, type InProcessEngine } from '../helpers/inProcessEngine';
import { readShared, sharedPath } from '../helpers/shared';
import { until } from '../helpers/storeWaits';

const IMAGE = sharedPath('images', 'webgpu-cellseg', 'cellpose_img_075.png');

const hosts: EngineHost[] = [];
let engine: InProcessEngine;

before(() => {
  const start = childProcessHost(ENGINE_HOST_SOURCE);
  engine = startInProcessEngine({
    engineHost: (env) => {
      const host = start(env);
      hosts.push(host);
      return host;
    },
  });
});

after(() => engine.close());

const newWindow = () => createAppModel(engine.client, { rethresholdDelayMs: 0, draftDelayMs: 50 }).segment;

/** Deletes the first mask of the shown segmentation, as a click on it and Delete would; answers its label. */
function deleteFirstMask(model: SegmentModel): number {
  const label = model.store.get().segmentation!.masks[0]!.label;
  model.edits.selectFromTable(label, false);
  model.edits.deleteSelected();
  return label;
}

/** Kills the engine's process now, as a native crash would end it. */
function killEngine(): EngineHost {
  const host = hosts.at(-1)!;
  process.kill(host.pid!, 'SIGKILL');
  return host;
}

test('a crash while segmenting keeps the edited masks, opens the image again by its path, and the next run works', async () => {
  const segment = newWindow();
  await segment.images.openPath(IMAGE);
  segment.parameters.set({ model: DEMO_CHECKPOINT, provider: 'cpu' });
  await segment.runs.run();
  deleteFirstMask(segment);
  const edited = await until(segment.store, (s) => s.draftSavedAt !== null, 'the draft of the edit to be kept');
  const labels = edited.segmentation!.labels.slice();
  const lostId = edited.image!.imageId;

  const stop = engine.client.on('segment:progress', (event) => {
    if (event.stage === 'network') {
      stop();
      killEngine();
    }
  });
  await segment.runs.run();
  const state = await until(segment.store, (s) => s.image !== null && s.image.imageId !== lostId, 'the image to be open in the new engine');
  assert.match(state.error ?? '', /^CellDesk's engine stopped unexpectedly \(signal SIGKILL\) while segmenting; .* Run the segmentation again\./);
  assert.match(state.notice ?? '', /^CellDesk's engine restarted: cellpose_img_075\.png is open again, with your masks and edits as they were\./);
  assert.equal(state.image!.path, IMAGE);
  assert.deepEqual(state.segmentation!.labels, labels, 'the edited masks are still shown');
  assert.deepEqual([state.unsaved, state.canUndo, state.maskCount], [true, true, edited.maskCount]);
  assert.equal(state.engineStopped, null, 'the engine runs again: no restart is offered');

  const kept = await until(segment.store, (s) => s.draftSavedAt !== null, 'the edits to be kept as the draft again');
  assert.deepEqual((callsOf(engine, 'masks:saveDraft').at(-1) as { imageId: string }).imageId, kept.image!.imageId);
  assert.deepEqual((await engine.client.call('masks:loadDraft', { imageId: kept.image!.imageId }))!.segmentation.labels, labels);

  await segment.runs.run();
  assert.equal(segment.store.get().error, null);
  assert.equal(segment.store.get().segmentation!.maskCount, 44, 'the demo model finds 44 masks here');
});

test('after a crash while idle, an uploaded image is sent again when the next call misses it, and its draft is kept', async () => {
  const segment = newWindow();
  const bytes = readShared('images', 'webgpu-cellseg', 'cellpose_img_075.png');
  await segment.images.upload('dropped.png', bytes);
  segment.parameters.set({ model: DEMO_CHECKPOINT, provider: 'cpu' });
  await segment.runs.run();
  const lostId = segment.store.get().image!.imageId;
  // Waiting on the store, not on the process's exit: an idle engine does not keep this test's process alive.
  killEngine();
  await until(segment.store, (s) => s.engineStopped === 'signal SIGKILL', 'the offer to restart the engine');

  // The draft of this edit reaches the new engine, which does not hold the image: that starts the recovery.
  deleteFirstMask(segment);
  const state = await until(segment.store, (s) => s.image !== null && s.image.imageId !== lostId, 'the image to be sent again');
  assert.equal(state.image!.path, null);
  const uploads = callsOf(engine, 'image:upload') as { name: string; bytes: Uint8Array }[];
  assert.deepEqual(uploads.at(-1), { name: 'dropped.png', bytes });
  const kept = await until(segment.store, (s) => s.draftSavedAt !== null, 'the edits to be kept as the draft in the new engine');
  assert.equal(kept.error, null, '"no longer open" is gone once the image is open again');
  assert.equal(kept.engineStopped, null, 'the offer to restart is withdrawn');
  assert.equal(kept.unsaved, true);
  assert.equal((await engine.client.call('masks:loadDraft', { imageId: kept.image!.imageId }))!.segmentation.maskCount, kept.maskCount);
});

test('after a crash while idle, the view offers to restart the engine; restarting opens the image again with the masks, their history and the unsaved edits', async () => {
  const segment = newWindow();
  await segment.images.openPath(IMAGE);
  segment.parameters.set({ model: DEMO_CHECKPOINT, provider: 'cpu' });
  await segment.runs.run();
  const deleted = deleteFirstMask(segment);
  const edited = await until(segment.store, (s) => s.draftSavedAt !== null, 'the draft of the edit to be kept');
  const labels = edited.segmentation!.labels.slice();
  const lost = killEngine();
  const offered = await until(segment.store, (s) => s.engineStopped !== null, 'the offer to restart the engine');
  assert.equal(offered.engineStopped, 'signal SIGKILL');
  assert.equal(offered.image!.imageId, edited.image!.imageId, 'nothing changes in the view until the user restarts');
  assert.equal(offered.error, null);

  await segment.restartEngine();
  const state = segment.store.get();
  assert.notEqual(hosts.at(-1), lost, 'a fresh engine was started');
  assert.equal(state.engineStopped, null);
  assert.notEqual(state.image!.imageId, edited.image!.imageId);
  assert.equal(state.image!.path, IMAGE);
  assert.match(state.notice ?? '', /^CellDesk's engine restarted: cellpose_img_075\.png is open again/);
  assert.deepEqual([state.segmentation!.labels, state.unsaved, state.maskCount], [labels, true, edited.maskCount]);
  assert.ok(!state.present[deleted], 'the deleted mask stays deleted');
  segment.masks.undo();
  assert.ok(segment.store.get().present[deleted], 'and its deletion can still be undone');
  segment.masks.redo();
  const kept = await until(segment.store, (s) => s.draftSavedAt !== null && s.image!.imageId === state.image!.imageId, 'the edits kept as the draft again');
  assert.deepEqual((await engine.client.call('masks:loadDraft', { imageId: kept.image!.imageId }))!.segmentation.labels, labels);
});
