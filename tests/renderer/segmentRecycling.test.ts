// Re-thresholds in the Segment view reuse the arrays of the masks they replace (see [Note: recycled label arrays]),
// in Node against the real engine through the in-process client: the undo history keeps replaced masks as runs and
// brings back exactly what was shown, edits included, and later answers are unpacked into the arrays given back.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Segmentation } from '../../src/shared/contract';
import { createAppModel } from '../../src/renderer/src/model/appModel';
import type { SegmentModel } from '../../src/renderer/src/model/segment/segmentModel';
import { DEMO_CHECKPOINT } from '../helpers/demoModel';
import { startInProcessEngine, type InProcessEngine } from '../helpers/inProcessEngine';
import { sharedPath } from '../helpers/shared';
import { until } from '../helpers/storeWaits';

const IMAGE = sharedPath('images', 'webgpu-cellseg', 'cellpose_img_075.png');

let engine: InProcessEngine;
let segment: SegmentModel;

before(async () => {
  engine = startInProcessEngine();
  segment = createAppModel(engine.client, { rethresholdDelayMs: 0, draftDelayMs: 60_000 }).segment;
  await segment.images.openPath(IMAGE);
  segment.parameters.set({ model: DEMO_CHECKPOINT, provider: 'cpu', diameter: 30 });
  await segment.runs.run();
});

after(() => engine.close());

/** Sets the cell probability threshold and waits for its masks. */
async function rethreshold(cellprobThreshold: number): Promise<Segmentation> {
  segment.parameters.set({ cellprobThreshold });
  const state = await until(segment.store, (s) => s.activity.kind === 'idle' && s.segmentation?.settings.cellprobThreshold === cellprobThreshold, `the masks at ${cellprobThreshold}`);
  return state.segmentation!;
}

const contents = (segmentation: Segmentation) => ({ labels: segmentation.labels.slice(), outlines: segmentation.outlines.slice(), masks: segmentation.masks });

test('a re-threshold is unpacked into the label image of the masks replaced before, and undo and redo bring back each set exactly', async () => {
  const first = segment.store.get().segmentation!;
  const shown = [contents(first)];
  const firstLabels = first.labels;
  const second = await rethreshold(1);
  shown.push(contents(second));
  const third = await rethreshold(-1);
  shown.push(contents(third));
  assert.equal(third.labels, firstLabels, "the run's label image, given back when it was replaced, holds the third masks");
  assert.notDeepEqual(shown[2]!.labels, shown[0]!.labels);

  segment.masks.undo();
  assert.equal(segment.store.get().segmentation, second);
  assert.deepEqual(contents(segment.store.get().segmentation!), shown[1]);
  segment.masks.undo();
  assert.equal(segment.store.get().segmentation, first);
  assert.deepEqual(contents(segment.store.get().segmentation!), shown[0]);
  segment.masks.redo();
  segment.masks.redo();
  assert.equal(segment.store.get().segmentation, third);
  assert.deepEqual(contents(segment.store.get().segmentation!), shown[2]);
});

test('masks edited and then replaced come back from undo with the edit, not as the engine sent them', async () => {
  const edited = segment.store.get().segmentation!;
  const doomed = edited.masks[0]!.label;
  segment.edits.selectFromTable(doomed, false);
  segment.edits.deleteSelected();
  assert.ok(!edited.labels.includes(doomed));
  const afterEdit = contents(edited);
  await rethreshold(0.5);
  segment.masks.undo();
  const back = segment.store.get().segmentation!;
  assert.equal(back, edited);
  assert.deepEqual(contents(back), afterEdit);
  segment.masks.undo();
  assert.ok(segment.store.get().segmentation!.labels.includes(doomed), 'undoing the delete brings the mask back');
});
