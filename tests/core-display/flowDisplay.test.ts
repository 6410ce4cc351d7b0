// The network output as Cellpose's GUI shows it (dx_to_circ flows, normalize99 cell probability): colours by
// direction, brightness by magnitude, and agreement with numpy on an official network output.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cellprobToGrey, displayNetworkOutput, flowsToColour } from '../../src/engine/core/flowDisplay';
import { loadSharedNpy } from '../helpers/shared';

/** 100 pixels of flow in one direction, magnitudes 1..100, and the RGB of pixel i. */
function ramp(unitY: number, unitX: number) {
  const dY = Float32Array.from({ length: 100 }, (_, i) => unitY * (i + 1));
  const dX = Float32Array.from({ length: 100 }, (_, i) => unitX * (i + 1));
  const rgb = flowsToColour(dY, dX);
  return (i: number) => [...rgb.subarray(3 * i, 3 * i + 3)];
}

test('flow colour follows the direction as in Cellpose: up red, down cyan, right and left between', () => {
  // The strongest pixel is above the 99th percentile of magnitudes, so it is shown at full brightness.
  assert.deepEqual(ramp(-1, 0)(99), [255, 63, 63]);
  assert.deepEqual(ramp(1, 0)(99), [0, 191, 191]);
  const right = ramp(0, 1)(99);
  const left = ramp(0, -1)(99);
  assert.notDeepEqual(right, left);
  for (const colour of [right, left]) assert.ok(colour.every((v) => v > 0 && v < 255), String(colour));
});

test('flow brightness is the magnitude stretched between its 1st and 99th percentiles', () => {
  const up = ramp(-1, 0);
  assert.deepEqual(up(0), [0, 0, 0], 'the weakest flow (below the 1st percentile) is black');
  const reds = Array.from({ length: 100 }, (_, i) => up(i)[0]!);
  for (let i = 1; i < 100; i++) assert.ok(reds[i]! >= reds[i - 1]!, `brightness never drops as the flow grows (pixel ${i})`);
  assert.ok(reds[50]! > 100 && reds[50]! < 155, `a middling flow is half bright: ${reds[50]}`);
});

test('cell probability is grey from its 1st (black) to its 99th percentile (white)', () => {
  const values = Float32Array.from({ length: 201 }, (_, i) => -10 + i / 10);
  const grey = cellprobToGrey(values);
  assert.equal(grey[0], 0);
  assert.equal(grey[200], 255);
  assert.equal(grey[100], 127);
  for (let i = 1; i < grey.length; i++) assert.ok(grey[i]! >= grey[i - 1]!);
});

test('a constant network output shows black, not garbage from a division by zero', () => {
  const output = displayNetworkOutput({ width: 4, height: 3, channels: 3, data: new Float32Array(36).fill(2) });
  assert.deepEqual([output.width, output.height], [4, 3]);
  assert.deepEqual(output.flows, new Uint8Array(36));
  assert.deepEqual(output.cellprob, new Uint8Array(12));
});

test('matches numpy running dx_to_circ and normalize99 on an official output to within 1 per byte', () => {
  const dP = loadSharedNpy('reference', 'cp_075.d30.dP.npy');
  const cellprob = loadSharedNpy('reference', 'cp_075.d30.cellprob.npy');
  const data = new Float32Array(3 * 300 * 240);
  data.set(dP.data);
  data.set(cellprob.data, 2 * 300 * 240);
  const output = displayNetworkOutput({ width: 240, height: 300, channels: 3, data });
  // Computed with numpy (float32, as Cellpose 3.0.11's plot.dx_to_circ and the GUI's cell probability view).
  const expected: [number, number, [number, number, number], number][] = [
    [150, 120, [96, 11, 176], 139],
    [10, 10, [25, 217, 93], 255],
    [75, 200, [2, 13, 26], 60],
    [280, 30, [199, 24, 84], 183],
  ];
  for (const [y, x, rgb, grey] of expected) {
    const i = y * 240 + x;
    [...output.flows.subarray(3 * i, 3 * i + 3)].forEach((v, c) => assert.ok(Math.abs(v - rgb[c]!) <= 1, `(${y}, ${x}) channel ${c}: ${v} vs ${rgb[c]}`));
    assert.ok(Math.abs(output.cellprob[i]! - grey) <= 1, `(${y}, ${x}) cell probability: ${output.cellprob[i]} vs ${grey}`);
  }
  // Whole-image sums in numpy: 4824174, 4687775, 4018763 (RGB) and 9224148 (grey); a few bytes may differ by 1.
  const sums = [0, 0, 0];
  for (let i = 0; i < output.flows.length; i++) sums[i % 3]! += output.flows[i]!;
  const greySum = output.cellprob.reduce((sum, v) => sum + v, 0);
  [4824174, 4687775, 4018763].forEach((expectedSum, c) => assert.ok(Math.abs(sums[c]! - expectedSum) <= 20, `channel ${c} sum ${sums[c]}`));
  assert.ok(Math.abs(greySum - 9224148) <= 20, `grey sum ${greySum}`);
});
