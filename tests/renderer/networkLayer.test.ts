// The viewer's network-output layer: flows as their RGB, cell probability as opaque grey, nothing for 'none'.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderNetworkLayer } from '../../src/shared/viewer/networkLayer';

const OUTPUT = { imageId: 'a', width: 2, height: 1, flows: Uint8Array.of(10, 20, 30, 40, 50, 60), cellprob: Uint8Array.of(7, 250) };

test('flows are drawn as their colours, opaque', () => {
  const target = new Uint8ClampedArray(8);
  renderNetworkLayer(OUTPUT, 'flows', target);
  assert.deepEqual([...target], [10, 20, 30, 255, 40, 50, 60, 255]);
});

test('cell probability is drawn as opaque grey', () => {
  const target = new Uint8ClampedArray(8);
  renderNetworkLayer(OUTPUT, 'cellprob', target);
  assert.deepEqual([...target], [7, 7, 7, 255, 250, 250, 250, 255]);
});

test("'none' leaves the layer untouched", () => {
  const target = new Uint8ClampedArray(8).fill(3);
  renderNetworkLayer(OUTPUT, 'none', target);
  assert.deepEqual([...target], new Array(8).fill(3));
});
