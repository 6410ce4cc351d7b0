// Editing masks in the Segment view's model in Node, on masks the real engine made through the in-process client:
// selection in the viewer and the table, delete, merge, draw and erase, each one step of undo and redo.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Segmentation } from '../../src/shared/contract';
import { createAppModel } from '../../src/renderer/src/model/appModel';
import type { SegmentModel } from '../../src/renderer/src/model/segment/segmentModel';
import { BRUSH_SIZES } from '../../src/renderer/src/model/segment/state';
import { DEMO_CHECKPOINT } from '../helpers/demoModel';
import { startInProcessEngine, type InProcessEngine } from '../helpers/inProcessEngine';
import { sharedPath } from '../helpers/shared';

const IMAGE = sharedPath('images', 'webgpu-cellseg', 'cellpose_img_075.png');

let engine: InProcessEngine;
let segment: SegmentModel;

/** An image point inside mask `label`. */
function pointIn(segmentation: Segmentation, label: number): [number, number] {
  const index = segmentation.labels.indexOf(label);
  assert.ok(index >= 0, `mask ${label} has pixels`);
  return [(index % segmentation.width) + 0.5, Math.floor(index / segmentation.width) + 0.5];
}

function shown(): Segmentation {
  const { segmentation } = segment.store.get();
  assert.ok(segmentation !== null);
  return segmentation;
}

/** The top-left corner of a `side` x `side` square of background pixels. */
function backgroundSquare(segmentation: Segmentation, side: number): [number, number] {
  const { labels, width, height } = segmentation;
  for (let y = 0; y + side <= height; y += side) {
    for (let x = 0; x + side <= width; x += side) {
      let free = true;
      for (let dy = 0; dy < side && free; dy++) for (let dx = 0; dx < side && free; dx++) free = labels[(y + dy) * width + x + dx] === 0;
      if (free) return [x, y];
    }
  }
  throw new Error(`no ${side} x ${side} square of background`);
}

/** Labels of the masks left, as the table lists them. */
const tableLabels = () => {
  const { segmentation, present } = segment.store.get();
  return segmentation!.masks.filter((row) => present[row.label] === 1).map((row) => row.label);
};

before(async () => {
  engine = startInProcessEngine();
  segment = createAppModel(engine.client).segment;
  await segment.images.openPath(IMAGE);
});

after(() => engine.close());

test('the draw and erase tools wait for masks to edit, and say so', () => {
  segment.edits.setTool('draw');
  assert.equal(segment.store.get().tool, 'select');
  assert.equal(segment.store.get().notice, 'Run a segmentation first: the draw and erase tools edit its masks.');
});

test('clicking a mask selects it; shift-click adds another, and a second shift-click removes it', async () => {
  segment.parameters.set({ model: DEMO_CHECKPOINT, provider: 'cpu' });
  await segment.runs.run();
  assert.equal(segment.store.get().maskCount, 44);
  segment.edits.selectAt(...pointIn(shown(), 3), false);
  assert.deepEqual([...segment.store.get().selected], [3]);
  segment.edits.selectAt(...pointIn(shown(), 5), true);
  assert.deepEqual([...segment.store.get().selected], [3, 5]);
  segment.edits.selectAt(...pointIn(shown(), 3), true);
  assert.deepEqual([...segment.store.get().selected], [5]);
  // Background, or outside the image, clears a plain click's selection.
  segment.edits.selectAt(-10, -10, false);
  assert.deepEqual([...segment.store.get().selected], []);
});

test('a mask picked in the table is selected and the viewer is asked to centre on it', () => {
  const row = shown().masks.find((m) => m.label === 7)!;
  segment.edits.selectFromTable(7, false);
  const first = segment.store.get().focus;
  assert.deepEqual([...segment.store.get().selected], [7]);
  assert.deepEqual(first, { x: row.centroidX + 0.5, y: row.centroidY + 0.5, serial: first!.serial });
  segment.edits.selectFromTable(7, false);
  assert.equal(segment.store.get().focus!.serial, first!.serial + 1);
});

test('deleting the selected masks takes them out of the count and the table; undo brings them back, redo deletes again', () => {
  const original = shown().labels.slice();
  segment.edits.selectAt(...pointIn(shown(), 2), false);
  segment.edits.selectAt(...pointIn(shown(), 9), true);
  segment.edits.deleteSelected();
  let state = segment.store.get();
  assert.deepEqual([state.maskCount, state.selected.size, state.notice, state.unsaved], [42, 0, 'Deleted masks 2, 9.', true]);
  assert.ok(!tableLabels().includes(2) && !tableLabels().includes(9));
  segment.masks.undo();
  state = segment.store.get();
  assert.deepEqual(shown().labels, original);
  assert.deepEqual([state.maskCount, [...state.selected], state.notice], [44, [2, 9], 'Undone: the deleted masks are back.']);
  segment.masks.redo();
  assert.equal(segment.store.get().maskCount, 42);
  segment.masks.undo();
});

test('undo after merge restores both masks, pixel for pixel, with their own table rows', () => {
  const labels = shown().labels.slice();
  const rows = shown().masks.filter((m) => m.label === 4 || m.label === 6).map((m) => ({ ...m }));
  segment.edits.selectAt(...pointIn(shown(), 6), false);
  segment.edits.selectAt(...pointIn(shown(), 4), true);
  segment.edits.mergeSelected();
  let state = segment.store.get();
  assert.deepEqual([state.maskCount, [...state.selected], state.notice], [43, [4], 'Merged masks 4, 6 into mask 4.']);
  assert.equal(shown().masks.find((m) => m.label === 4)!.area, rows[0]!.area + rows[1]!.area);
  assert.equal(shown().labels.indexOf(6), -1);

  segment.masks.undo();
  state = segment.store.get();
  assert.deepEqual(shown().labels, labels);
  assert.deepEqual([state.maskCount, [...state.selected].sort(), state.notice], [44, [4, 6], 'Undone: the merged masks are separate again.']);
  assert.deepEqual(
    shown().masks.filter((m) => m.label === 4 || m.label === 6),
    rows,
  );
});

test('merging needs two selected masks, and says so', () => {
  segment.edits.selectFromTable(4, false);
  const version = segment.store.get().masksVersion;
  segment.edits.mergeSelected();
  assert.equal(segment.store.get().notice, 'Select two or more masks to merge (shift-click them), then press M.');
  assert.equal(segment.store.get().masksVersion, version);
});

test('a drawn outline becomes a mask with the next label; an erase stroke across it takes its pixels, one undo step each', () => {
  const labels = shown().labels.slice();
  const next = Math.max(...shown().masks.map((m) => m.label)) + 1;
  const [x, y] = backgroundSquare(shown(), 12);
  segment.edits.setTool('draw');
  segment.edits.drawOutline([x + 1, y + 1, x + 9, y + 1, x + 9, y + 9, x + 1, y + 9]);
  let state = segment.store.get();
  assert.equal(state.maskCount, 45);
  assert.match(state.notice ?? '', new RegExp(`^Drew mask ${next} \\(\\d+ px\\)\\.$`));
  const area = shown().masks.find((m) => m.label === next)!.area;
  assert.ok(area >= 64, `drawn area ${area}`);

  segment.edits.setTool('erase');
  segment.edits.changeBrushSize(5);
  assert.ok(segment.store.get().brushSize > BRUSH_SIZES.initial);
  segment.edits.selectFromTable(next, false);
  segment.edits.eraseAlong([x, y + 5, x + 11, y + 5]);
  state = segment.store.get();
  assert.equal(state.maskCount, 44, 'the brush erased the whole drawn mask');
  assert.deepEqual([...state.selected], [], 'an erased mask leaves the selection');

  segment.masks.undo();
  assert.equal(shown().masks.find((m) => m.label === next)?.area, area);
  segment.masks.undo();
  assert.deepEqual(shown().labels, labels);
  segment.edits.escape();
  assert.deepEqual([segment.store.get().tool, segment.store.get().selected.size], ['select', 0]);
});

test('the brush grows and shrinks by about a fifth a step, within its limits', () => {
  segment.edits.changeBrushSize(-100);
  assert.equal(segment.store.get().brushSize, BRUSH_SIZES.min);
  segment.edits.changeBrushSize(1);
  assert.equal(segment.store.get().brushSize, 2);
  segment.edits.changeBrushSize(100);
  assert.equal(segment.store.get().brushSize, BRUSH_SIZES.max);
});
