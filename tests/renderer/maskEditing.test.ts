import { test } from 'node:test';
import assert from 'node:assert/strict';
import { measureMasks } from '../../src/engine/core/maskMeasurements';
import { outlinePixels } from '../../src/engine/core/outlines';
import { eraseStroke, fillOutline } from '../../src/shared/viewer/drawing';
import { deleteMasks, largestLabel, mergeMasks, reapplyEdit, revertEdit, touchedLabels, type LabelEdit } from '../../src/shared/viewer/labelEdits';
import { MaskBoxes, updateAfterEdit, type EditableMasks } from '../../src/shared/viewer/maskUpdates';
import type { ImagePlanes } from '../../src/shared/viewer/rendering';
import { UndoStack } from '../../src/shared/viewer/undoStack';

const W = 64;
const H = 48;

/** Discs (some touching, one with a hole) on a 64 x 48 image, as a segmentation would give. */
function discs(): Uint32Array {
  const labels = new Uint32Array(W * H);
  const centres = [
    [10, 10, 7],
    [22, 10, 6],
    [40, 12, 8],
    [12, 32, 9],
    [34, 34, 10],
    [55, 38, 6],
  ];
  centres.forEach(([cx, cy, r], k) => {
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) if (Math.hypot(x - cx!, y - cy!) <= r! && labels[y * W + x] === 0) labels[y * W + x] = k + 1;
  });
  labels[34 * W + 34] = 0; // a hole inside mask 5
  return labels;
}

/** Two channels of 16-bit samples that vary across the image. */
function image(): ImagePlanes {
  const data = new Uint16Array(2 * W * H);
  for (let i = 0; i < W * H; i++) {
    data[i] = (i * 37) % 1000;
    data[W * H + i] = 500 + ((i * 101) % 777);
  }
  return { width: W, height: H, channels: 2, data };
}

function fromScratch(labels: Uint32Array): EditableMasks {
  const masks = measureMasks(labels, H, W, image());
  return { width: W, height: H, labels, outlines: outlinePixels(labels, H, W), maskCount: masks.length, masks };
}

const sorted = (values: Iterable<number>) => [...values].sort((a, b) => a - b);
const pixelsOf = (labels: Uint32Array, label: number) => sorted([...labels.keys()].filter((i) => labels[i] === label));

test('merging selected masks gives all their pixels the smallest label; undo and redo restore the labels exactly', () => {
  const original = discs();
  const labels = original.slice();
  const edit = mergeMasks(labels, new Set([5, 2, 99]))!;
  assert.deepEqual([edit.kind, edit.labels, edit.value], ['merge', [2, 5], 2]);
  assert.deepEqual(pixelsOf(labels, 2), sorted([...pixelsOf(original, 2), ...pixelsOf(original, 5)]));
  assert.deepEqual(pixelsOf(labels, 5), []);
  assert.deepEqual(edit.pixels, Uint32Array.from(pixelsOf(original, 5)), 'only the pixels that changed are recorded');
  revertEdit(labels, edit);
  assert.deepEqual(labels, original);
  reapplyEdit(labels, edit);
  assert.deepEqual(pixelsOf(labels, 5), []);
  assert.equal(mergeMasks(labels, new Set([2])), null, 'one mask is nothing to merge');
  assert.equal(mergeMasks(labels, new Set([2, 5])), null, 'mask 5 is gone: one present mask is nothing to merge');
});

test('a drawn outline fills its inside and the pixels on its line, and leaves pixels of other masks to them', () => {
  const labels = new Uint32Array(12 * 10);
  labels[3 * 12 + 4] = 7;
  const edit = fillOutline(labels, 12, 10, [2, 2, 6, 2, 6, 5, 2, 5], 8)!;
  const expected: number[] = [];
  for (let y = 2; y <= 5; y++) for (let x = 2; x <= 6; x++) if (!(x === 4 && y === 3)) expected.push(y * 12 + x);
  assert.deepEqual(pixelsOf(labels, 8), expected);
  assert.equal(labels[3 * 12 + 4], 7, 'a pixel already in mask 7 stays in it');
  assert.deepEqual([edit.kind, edit.labels, edit.value, edit.pixels.length], ['draw', [8], 8, 19]);
  revertEdit(labels, edit);
  assert.deepEqual(pixelsOf(labels, 8), []);

  // A concave (U-shaped) outline: its notch stays background.
  const u = new Uint32Array(12 * 10);
  fillOutline(u, 12, 10, [1.5, 1.5, 9.5, 1.5, 9.5, 8.5, 6.5, 8.5, 6.5, 4.5, 4.5, 4.5, 4.5, 8.5, 1.5, 8.5], 1);
  assert.equal(u[7 * 12 + 5], 0, 'inside the notch');
  assert.equal(u[7 * 12 + 2], 1, 'in the left arm');
  assert.equal(u[7 * 12 + 8], 1, 'in the right arm');
});

test('drawing needs a closed outline over some free pixels, and clips at the image edge', () => {
  const labels = new Uint32Array(10 * 10).fill(3);
  assert.equal(fillOutline(labels, 10, 10, [1, 1, 5, 5], 4), null, 'two points enclose nothing');
  assert.equal(fillOutline(labels, 10, 10, [1, 1, 5, 1, 5, 5], 4), null, 'every pixel is already in mask 3');
  const empty = new Uint32Array(10 * 10);
  const edit = fillOutline(empty, 10, 10, [-20, -20, 30, -20, 30, 30, -20, 30], 1)!;
  assert.equal(edit.pixels.length, 100, 'an outline around the whole image fills all of it, nothing beyond');
  assert.equal(fillOutline(new Uint32Array(100), 10, 10, [20, 20, 30, 20, 30, 30], 1), null, 'wholly outside');
});

test('an erase stroke clears mask pixels within half the brush size of its path; one stroke is one undoable edit', () => {
  const original = discs();
  const labels = original.slice();
  const dab = eraseStroke(labels, W, H, [10.5, 10.5], 3)!;
  // Centres within 1.5 px of (10.5, 10.5): the 3 x 3 block around pixel (10, 10).
  const block = [];
  for (let y = 9; y <= 11; y++) for (let x = 9; x <= 11; x++) block.push(y * W + x);
  assert.deepEqual(Array.from(dab.pixels), block);
  assert.deepEqual([dab.kind, dab.labels, dab.value], ['erase', [1], 0]);
  revertEdit(labels, dab);
  assert.deepEqual(labels, original);

  // A stroke across masks 1 and 2, with a 1-pixel brush: every pixel on the line goes, and only mask pixels count.
  const stroke = eraseStroke(labels, W, H, [3.5, 10.5, 27.5, 10.5], 1)!;
  assert.deepEqual(stroke.labels, [1, 2]);
  for (let x = 3; x <= 27; x++) assert.equal(labels[10 * W + x], 0);
  assert.ok(Array.from(stroke.previous).every((label) => label !== 0));
  assert.equal(eraseStroke(labels, W, H, [62.5, 1.5], 2), null, 'erasing background is no edit');
  revertEdit(labels, stroke);
  assert.deepEqual(labels, original);
});

test('outlines, count and measurements kept up by updateAfterEdit equal a from-scratch computation after every edit, undo and redo', () => {
  const labels = discs();
  const masks = fromScratch(labels);
  const boxes = MaskBoxes.of(labels, W);
  const history = new UndoStack<LabelEdit>();
  const check = (step: string) => {
    const expected = fromScratch(labels.slice());
    assert.deepEqual(masks.outlines, expected.outlines, `outlines after ${step}`);
    assert.deepEqual(masks.masks, expected.masks, `measurements after ${step}`);
    assert.equal(masks.maskCount, expected.maskCount, `count after ${step}`);
  };
  const apply = (step: string, edit: LabelEdit | null) => {
    assert.ok(edit !== null, step);
    history.push(edit);
    updateAfterEdit(masks, boxes, image(), edit);
    check(step);
  };
  apply('merging touching masks 1 and 2', mergeMasks(labels, new Set([1, 2])));
  apply('drawing a mask over masks 4 and 5', fillOutline(labels, W, H, [15, 20, 40, 22, 30, 45, 10, 40], largestLabel(labels) + 1));
  apply('erasing a stroke that cuts mask 3 in two', eraseStroke(labels, W, H, [40.5, 2, 40.5, 22], 3));
  apply('erasing all of mask 6', eraseStroke(labels, W, H, [55, 38], 14));
  assert.equal(masks.masks.some((row) => row.label === 6), false, 'a mask that lost all its pixels leaves the table');
  apply('deleting mask 4', deleteMasks(labels, new Set([4])));
  const edited = labels.slice();
  for (let k = 0; k < 5; k++) {
    const edit = history.undo()!;
    revertEdit(labels, edit);
    updateAfterEdit(masks, boxes, image(), edit);
    check(`undoing ${edit.kind}`);
  }
  assert.deepEqual(labels, discs(), 'undoing every edit gives back the original labels');
  for (let k = 0; k < 5; k++) {
    const edit = history.redo()!;
    reapplyEdit(labels, edit);
    updateAfterEdit(masks, boxes, image(), edit);
    check(`redoing ${edit.kind}`);
  }
  assert.deepEqual(labels, edited, 'redoing every edit gives back the edited labels');
});

test('an edit touches only the masks it changed: the others keep their table rows as they were', () => {
  const labels = discs();
  const masks = fromScratch(labels);
  const rowsBefore = new Map(masks.masks.map((row) => [row.label, row]));
  const edit = eraseStroke(labels, W, H, [12, 32], 4)!;
  assert.deepEqual(touchedLabels(edit), [4]);
  updateAfterEdit(masks, MaskBoxes.of(labels, W), image(), edit);
  for (const row of masks.masks) {
    if (row.label === 4) assert.ok(row.area < rowsBefore.get(4)!.area);
    else assert.equal(row, rowsBefore.get(row.label), `mask ${row.label}'s row object is untouched`);
  }
});
