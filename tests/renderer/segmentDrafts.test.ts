// The Segment view's unsaved edits in Node, against the real engine through the in-process client: kept as a draft
// a moment after each edit, written at once before another image opens, restored when the image opens again (in
// the same window or a new one), gone once a label image is exported or the draft is discarded.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { createAppModel } from '../../src/renderer/src/model/appModel';
import type { SegmentModel } from '../../src/renderer/src/model/segment/segmentModel';
import { NEEDS_NETWORK_OUTPUT, type SegmentState } from '../../src/renderer/src/model/segment/state';
import { tempDir } from '../helpers/cli';
import { DEMO_CHECKPOINT } from '../helpers/demoModel';
import { callsOf, startInProcessEngine, type InProcessEngine } from '../helpers/inProcessEngine';
import { sharedPath } from '../helpers/shared';
import { until } from '../helpers/storeWaits';

const IMAGE = sharedPath('images', 'webgpu-cellseg', 'cellpose_img_075.png');
const OTHER_IMAGE = sharedPath('images', 'webgpu-cellseg', 'cellpose_img_003.png');
/** Long enough that a save never comes from the timer while a test looks at what comes before it. */
const SLOW_DRAFTS = { rethresholdDelayMs: 0, draftDelayMs: 600_000 };

let engine: InProcessEngine;
let segment: SegmentModel;

/** A new window on the same engine: a new model and store. */
const newWindow = (timing = { rethresholdDelayMs: 0, draftDelayMs: 50 }) => createAppModel(engine.client, timing).segment;

/** Deletes the first mask of the shown segmentation, as a click on it and Delete would. */
function deleteFirstMask(model: SegmentModel): number {
  const label = model.store.get().segmentation!.masks[0]!.label;
  model.edits.selectFromTable(label, false);
  model.edits.deleteSelected();
  return label;
}

before(async () => {
  engine = startInProcessEngine();
  segment = newWindow();
  await segment.images.openPath(IMAGE);
  segment.parameters.set({ model: DEMO_CHECKPOINT, provider: 'cpu' });
  await segment.runs.run();
});

after(() => engine.close());

test('masks from a run alone are not unsaved and keep no draft', async () => {
  assert.equal(segment.store.get().unsaved, false);
  assert.equal(callsOf(engine, 'masks:saveDraft').length, 0);
  assert.equal(await engine.client.call('masks:loadDraft', { imageId: segment.store.get().image!.imageId }), null);
});

test('a draft is written after an edit and restored on reopening', async () => {
  deleteFirstMask(segment);
  assert.deepEqual([segment.store.get().unsaved, segment.store.get().draftSavedAt], [true, null]);
  const saved = await until(segment.store, (s) => s.draftSavedAt !== null, 'the draft to be kept');
  const edited = saved.segmentation!.labels.slice();

  await segment.images.openPath(OTHER_IMAGE);
  assert.deepEqual([segment.store.get().segmentation, segment.store.get().unsaved], [null, false]);
  await segment.images.openPath(IMAGE);
  const state = segment.store.get();
  assert.deepEqual(state.segmentation?.labels, edited);
  assert.deepEqual([state.maskCount, state.unsaved, state.restoredDraftAt, state.draftSavedAt], [43, true, saved.draftSavedAt, saved.draftSavedAt]);
  assert.match(state.notice ?? '', /^Restored your unsaved edits of cellpose_img_075\.png \(43 masks, saved .+\)\. Export the masks to keep them, or discard them\.$/);

  const reopened = newWindow();
  await reopened.images.openPath(IMAGE);
  assert.deepEqual(reopened.store.get().segmentation?.labels, edited);
});

test('an edit still waiting to be kept is written at once before another image opens', async () => {
  const slow = newWindow(SLOW_DRAFTS);
  await slow.images.openPath(IMAGE);
  const saves = callsOf(engine, 'masks:saveDraft').length;
  deleteFirstMask(slow);
  const edited = slow.store.get().segmentation!.labels.slice();
  assert.equal(callsOf(engine, 'masks:saveDraft').length, saves);
  await slow.images.openPath(OTHER_IMAGE);
  assert.equal(callsOf(engine, 'masks:saveDraft').length, saves + 1);
  await slow.images.openPath(IMAGE);
  assert.deepEqual(slow.store.get().segmentation?.labels, edited);
  assert.equal(slow.store.get().maskCount, 42);
});

test('exporting only measurements leaves the edits unsaved; exporting a label image saves them and the draft goes', async () => {
  await segment.images.openPath(IMAGE);
  const imageId = segment.store.get().image!.imageId;
  const folder = tempDir('drafts-export');
  await segment.exports.write({ formats: ['measurements-csv'], folder, numbering: 'consecutive' });
  assert.deepEqual([segment.store.get().unsaved, segment.store.get().error], [true, null]);
  assert.ok((await engine.client.call('masks:loadDraft', { imageId })) !== null);

  await segment.exports.write({ formats: ['labels-tiff'], folder, numbering: 'consecutive' });
  const state = segment.store.get();
  assert.deepEqual([state.unsaved, state.restoredDraftAt, state.draftSavedAt, state.notice], [false, null, null, `Exported 1 file to ${folder}. Label images number the 42 masks 1 to 42.`]);
  assert.deepEqual(state.lastExport?.files.map((file) => file.path.slice(folder.length + 1)), ['cellpose_img_075_cp_masks.tif']);
  assert.deepEqual(readdirSync(folder).sort(), ['cellpose_img_075_cp_masks.tif', 'cellpose_img_075_cp_measurements.csv']);
  assert.equal(await engine.client.call('masks:loadDraft', { imageId }), null);
});

test('discarding a restored draft shows the image without masks and deletes the draft', async () => {
  deleteFirstMask(segment);
  await until(segment.store, (s) => s.draftSavedAt !== null, 'the draft to be kept');
  await segment.images.openPath(IMAGE);
  assert.ok(segment.store.get().restoredDraftAt !== null);

  await segment.drafts.discard();
  const state = segment.store.get();
  assert.deepEqual(
    [state.segmentation, state.maskCount, state.unsaved, state.restoredDraftAt, state.canUndo, state.notice],
    [null, 0, false, null, false, 'Discarded the unsaved edits.'],
  );
  assert.equal(await engine.client.call('masks:loadDraft', { imageId: state.image!.imageId }), null);
});

test('a new run over unsaved edits is kept as the draft too', async () => {
  segment.parameters.set({ model: DEMO_CHECKPOINT, provider: 'cpu' });
  await segment.runs.run();
  deleteFirstMask(segment);
  const { draftSavedAt: editKept } = await until(segment.store, (s) => s.draftSavedAt !== null, 'the edit to be kept');
  const saves = callsOf(engine, 'masks:saveDraft').length;
  segment.parameters.set({ cellprobThreshold: 2 });
  const rethresholded = (s: SegmentState) => s.segmentation?.settings.cellprobThreshold === 2;
  const state = await until(segment.store, (s) => rethresholded(s) && s.draftSavedAt !== null && s.draftSavedAt !== editKept, 'the re-thresholded masks to be kept');
  assert.equal(callsOf(engine, 'masks:saveDraft').length, saves + 1);
  const draft = await engine.client.call('masks:loadDraft', { imageId: state.image!.imageId });
  assert.deepEqual(draft?.segmentation.labels, state.segmentation!.labels);
  assert.equal(draft?.segmentation.settings.cellprobThreshold, 2);
});

test('a restored draft without network output: new thresholds and the flow layer say to run again, never an error', async () => {
  const restored = newWindow({ rethresholdDelayMs: 0, draftDelayMs: 600_000 });
  await restored.images.openPath(IMAGE);
  const opened = restored.store.get();
  assert.ok(opened.restoredDraftAt !== null, 'the draft from the test before is restored');
  const labels = opened.segmentation!.labels.slice();

  restored.parameters.set({ cellprobThreshold: 1 });
  await until(restored.store, (s) => s.notice === NEEDS_NETWORK_OUTPUT, 'the re-threshold to say what is missing');
  assert.equal(restored.store.get().error, null);
  assert.deepEqual(restored.store.get().segmentation!.labels, labels, 'the masks on screen stay');

  restored.overlays.setNetworkLayer('flows');
  await engine.settled();
  const state = restored.store.get();
  assert.deepEqual([state.error, state.overlay.network, state.notice], [null, 'none', NEEDS_NETWORK_OUTPUT]);
});
