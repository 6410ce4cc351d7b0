import { test } from 'node:test';
import assert from 'node:assert/strict';
import { maskColour } from '../../src/shared/viewer/colours';
import { OUTLINE_RGBA, renderImage, renderOverlay } from '../../src/shared/viewer/rendering';

test('one channel is drawn as grey through its display range, clipped at both ends', () => {
  const target = new Uint8ClampedArray(4 * 4);
  renderImage({ width: 4, height: 1, channels: 1, data: Uint16Array.of(100, 150, 200, 1000) }, [[100, 200]], [true], target);
  assert.deepEqual(Array.from(target), [0, 0, 0, 255, 127, 127, 127, 255, 255, 255, 255, 255, 255, 255, 255, 255]);
});

test('channels 1-3 become red, green and blue, each through its own range; a hidden channel stays dark', () => {
  const target = new Uint8ClampedArray(4 * 2);
  // Two pixels; planes: red [0, 10], green [5, 5], blue [2, 4].
  const data = Float32Array.of(0, 10, 5, 5, 2, 4);
  renderImage({ width: 2, height: 1, channels: 3, data }, [[0, 10], [0, 10], [2, 4]], [true, true, false], target);
  assert.deepEqual(Array.from(target), [0, 128, 0, 255, 255, 128, 0, 255]);
});

test('the overlay fills masks in their colours at the chosen opacity, outlines on top, background clear', () => {
  const labels = Uint32Array.of(0, 1, 1, 2);
  const outlines = Uint8Array.of(0, 1, 0, 0);
  const target = new Uint8ClampedArray(4 * 4);
  renderOverlay(labels, outlines, { showMasks: true, showOutlines: true, opacity: 0.5, selected: new Set() }, target);
  assert.deepEqual(Array.from(target.subarray(0, 4)), [0, 0, 0, 0]);
  assert.deepEqual(Array.from(target.subarray(4, 8)), [...OUTLINE_RGBA]);
  assert.deepEqual(Array.from(target.subarray(8, 12)), [...maskColour(1), 128]);
  assert.deepEqual(Array.from(target.subarray(12, 16)), [...maskColour(2), 128]);
});

test('hidden masks and outlines leave only the selection, drawn white', () => {
  const labels = Uint32Array.of(1, 1, 2);
  const target = new Uint8ClampedArray(4 * 3);
  renderOverlay(labels, Uint8Array.of(1, 0, 1), { showMasks: false, showOutlines: false, opacity: 0.3, selected: new Set([2]) }, target);
  assert.deepEqual(Array.from(target), [0, 0, 0, 0, 0, 0, 0, 0, 255, 255, 255, 153]);
});
