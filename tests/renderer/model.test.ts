import { test } from 'node:test';
import assert from 'node:assert/strict';
import { maskColour } from '../../src/shared/viewer/colours';
import { deleteMasks, labelPresence, reapplyEdit, revertEdit } from '../../src/shared/viewer/labelEdits';
import { createStore } from '../../src/shared/viewer/store';
import { sliceOf } from '../../src/renderer/src/model/appModel';
import { UndoStack } from '../../src/shared/viewer/undoStack';
import { actualSizeViewport, centreOn, fitViewport, MAX_SCALE, toImagePoint, zoomAt } from '../../src/shared/viewer/viewport';

test('the store merges changes and tells subscribers until they unsubscribe', () => {
  const store = createStore({ a: 1, b: 'x' });
  let calls = 0;
  const stop = store.subscribe(() => calls++);
  store.set({ a: 2 });
  store.set((state) => ({ b: state.b + 'y' }));
  stop();
  store.set({ a: 3 });
  assert.deepEqual(store.get(), { a: 3, b: 'xy' });
  assert.equal(calls, 2);
});

test("a view's slice of the store merges changes into its part and tells its subscribers only of changes to it", () => {
  const store = createStore({ segment: { a: 1, b: 'x' }, history: { c: true } });
  const segment = sliceOf(store, 'segment');
  const history = sliceOf(store, 'history');
  let heard = 0;
  segment.subscribe(() => heard++);
  segment.set({ a: 2 });
  segment.set((part) => ({ b: part.b + 'y' }));
  history.set({ c: false });
  assert.deepEqual(store.get(), { segment: { a: 2, b: 'xy' }, history: { c: false } });
  assert.deepEqual(segment.get(), { a: 2, b: 'xy' });
  assert.equal(heard, 2);
});

test('undo and redo walk the edits without limit; a new edit drops what was undone', () => {
  const stack = new UndoStack<number>();
  for (let k = 1; k <= 500; k++) stack.push(k);
  for (let k = 500; k >= 1; k--) assert.equal(stack.undo(), k);
  assert.equal(stack.undo(), undefined);
  assert.equal(stack.canUndo, false);
  assert.equal(stack.redo(), 1);
  assert.equal(stack.redo(), 2);
  stack.push(99);
  assert.equal(stack.canRedo, false);
  assert.equal(stack.redo(), undefined);
  assert.deepEqual([stack.undo(), stack.undo(), stack.undo(), stack.undo()], [99, 2, 1, undefined]);
});

test('deleting masks erases exactly their pixels; undo puts them back; redo erases them again', () => {
  const original = Uint32Array.of(1, 1, 0, 2, 3, 3, 2, 2, 0, 4);
  const labels = original.slice();
  const edit = deleteMasks(labels, new Set([2, 4, 7]))!;
  assert.deepEqual(labels, Uint32Array.of(1, 1, 0, 0, 3, 3, 0, 0, 0, 0));
  assert.deepEqual(edit.labels, [2, 4, 7]);
  assert.deepEqual(edit.pixels, Uint32Array.of(3, 6, 7, 9));
  revertEdit(labels, edit);
  assert.deepEqual(labels, original);
  reapplyEdit(labels, edit);
  assert.deepEqual(labels, Uint32Array.of(1, 1, 0, 0, 3, 3, 0, 0, 0, 0));
  assert.equal(deleteMasks(labels, new Set([2, 9])), null);
  assert.equal(deleteMasks(labels, new Set()), null);
});

test('presence lists the labels left and counts them', () => {
  const { present, count } = labelPresence(Uint32Array.of(0, 5, 5, 2, 0, 2));
  assert.equal(count, 2);
  assert.deepEqual(Array.from(present), [0, 0, 1, 0, 0, 1]);
  assert.equal(labelPresence(new Uint32Array(4)).count, 0);
});

test('mask colours are stable, and labels next to each other differ clearly', () => {
  assert.deepEqual(maskColour(7), maskColour(7));
  for (let label = 1; label < 2000; label++) {
    const [r1, g1, b1] = maskColour(label);
    const [r2, g2, b2] = maskColour(label + 1);
    const distance = Math.hypot(r1 - r2, g1 - g2, b1 - b2);
    assert.ok(distance > 60, `labels ${label} and ${label + 1} are ${distance.toFixed(0)} apart`);
    for (const v of [r1, g1, b1]) assert.ok(Number.isInteger(v) && v >= 0 && v <= 255);
  }
});

test('fit shows the whole image centred; 1:1 is one pixel per pixel; zoom keeps the point under the cursor', () => {
  const fit = fitViewport(200, 100, 800, 600);
  assert.deepEqual(fit, { scale: 4, offsetX: 0, offsetY: 100 });
  assert.deepEqual(actualSizeViewport(200, 100, 800, 600), { scale: 1, offsetX: 300, offsetY: 250 });
  const before = toImagePoint(fit, 123, 456);
  const zoomed = zoomAt(fit, 1.7, 123, 456);
  assert.equal(zoomed.scale, 6.8);
  const after = toImagePoint(zoomed, 123, 456);
  assert.ok(Math.abs(after[0] - before[0]) < 1e-9 && Math.abs(after[1] - before[1]) < 1e-9);
  assert.equal(zoomAt(fit, 1e6, 0, 0).scale, MAX_SCALE);
  const centred = centreOn(fit, 50, 25, 800, 600);
  assert.deepEqual(toImagePoint(centred, 400, 300), [50, 25]);
});
