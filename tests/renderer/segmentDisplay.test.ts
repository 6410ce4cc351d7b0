// The Segment view's display ranges in Node, against the real engine: a range set by hand, and auto-contrast putting
// a channel back to its 1st and 99th percentiles (Cellpose's normalization) without touching the others.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createAppModel } from '../../src/renderer/src/model/appModel';
import type { SegmentModel } from '../../src/renderer/src/model/segment/segmentModel';
import { windowTitle } from '../../src/renderer/src/model/windowTitle';
import { startInProcessEngine, type InProcessEngine } from '../helpers/inProcessEngine';
import { sharedPath } from '../helpers/shared';

let engine: InProcessEngine;
let segment: SegmentModel;

before(async () => {
  engine = startInProcessEngine();
  segment = createAppModel(engine.client, { rethresholdDelayMs: 0, draftDelayMs: 600_000 }).segment;
  await segment.images.openPath(sharedPath('images', 'webgpu-cellseg', 'cellpose_img_075.png'));
});

after(() => engine.close());

test('auto-contrast puts one channel back to its percentiles; the other channels keep their ranges', () => {
  const { pixels } = segment.store.get();
  assert.ok(pixels !== null && pixels.channels >= 2, 'a colour image');
  const percentiles = pixels.ranges.map(([low, high]) => [low, high]);
  assert.ok(percentiles[1]![1]! > percentiles[1]![0]!, 'green has contrast');
  segment.overlays.setDisplayRange(1, [100, 110]);
  segment.overlays.setDisplayRange(2, [10, 20]);
  segment.overlays.autoContrast(1);
  assert.deepEqual(segment.store.get().displayRanges.slice(1, 3), [percentiles[1], [10, 20]]);
  segment.overlays.autoContrast(2);
  assert.deepEqual(segment.store.get().displayRanges, percentiles);
});

test("the window title names the open image and marks unsaved edits", () => {
  assert.equal(windowTitle(null, false), 'CellDesk');
  assert.equal(windowTitle(segment.store.get().image!.name, false), 'cellpose_img_075.png — CellDesk');
  assert.equal(windowTitle('cells.tif', true), '● cells.tif — CellDesk');
});
