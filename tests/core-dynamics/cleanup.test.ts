import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diameters } from '../../src/engine/core/diameters';
import { fillHolesAndRemoveSmallMasks } from '../../src/engine/core/fillHoles';
import { flowErrors, masksToFlows, removeBadFlowMasks } from '../../src/engine/core/flowError';

/** Paints label on the pixels of a 2D array given as rows of '#' (painted) and '.' (left alone). */
function paint(labels: Uint32Array, width: number, top: number, left: number, rows: string[], label: number): void {
  rows.forEach((row, r) => {
    for (let c = 0; c < row.length; c++) if (row[c] === '#') labels[(top + r) * width + left + c] = label;
  });
}

function discLabels(height: number, width: number, discs: [cy: number, cx: number, radius: number][]): Uint32Array {
  const labels = new Uint32Array(height * width);
  discs.forEach(([cy, cx, radius], k) => {
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) if ((y - cy) ** 2 + (x - cx) ** 2 <= radius ** 2) labels[y * width + x] = k + 1;
    }
  });
  return labels;
}

test('a ring gets its hole filled; an opening to the outside is not a hole', () => {
  const width = 12;
  const labels = new Uint32Array(10 * width);
  paint(labels, width, 1, 1, ['#####', '#...#', '#...#', '#####'], 1);
  paint(labels, width, 1, 7, ['#####', '#...#', '#....', '#####'], 2);
  const filled = fillHolesAndRemoveSmallMasks(labels, 10, width, 0);
  for (let r = 1; r <= 4; r++) {
    for (let c = 1; c <= 5; c++) assert.equal(filled[r * width + c], 1, `(${r}, ${c}) inside the ring`);
  }
  assert.equal(filled[2 * width + 8], 0, 'the open shape keeps its bay');
  assert.equal(filled.filter((l) => l === 2).length, 5 + 2 + 1 + 5);
});

test('masks below the minimum size are removed and the rest renumbered consecutively, as uint16', () => {
  const width = 20;
  const labels = new Uint32Array(20 * width);
  paint(labels, width, 0, 0, ['####', '####'], 3); // 8 pixels: removed
  paint(labels, width, 5, 5, ['#####', '#####', '#####', '#####'], 7); // 20 pixels: becomes 1
  paint(labels, width, 12, 0, ['################'], 9); // 16 pixels: becomes 2
  const cleaned = fillHolesAndRemoveSmallMasks(labels, 20, width, 15);
  assert.ok(cleaned instanceof Uint16Array);
  assert.equal(cleaned[0], 0);
  assert.equal(cleaned[5 * width + 5], 1);
  assert.equal(cleaned[12 * width + 3], 2);
  assert.equal(Math.max(...cleaned), 2);
  assert.equal(cleaned.filter((l) => l !== 0).length, 36);
});

test('more than 65535 masks come back as uint32', () => {
  const labels = Uint32Array.from({ length: 256 * 257 }, (_, i) => i + 1);
  const cleaned = fillHolesAndRemoveSmallMasks(labels, 256, 257, 1);
  assert.ok(cleaned instanceof Uint32Array);
  assert.equal(cleaned[256 * 257 - 1], 256 * 257);
});

test('diameters of discs: the median equivalent-disc diameter', () => {
  // Areas 29, 113 and 317 pixels (radii 3, 6, 10): the median is that of the radius-6 disc, 113 pixels.
  const labels = discLabels(40, 60, [
    [5, 5, 3],
    [20, 20, 6],
    [20, 45, 10],
  ]);
  const diameter = diameters(labels);
  assert.equal(diameter, Math.sqrt(113) / (Math.sqrt(Math.PI) / 2));
  assert.ok(Math.abs(diameter - 12) < 0.1);
  assert.equal(diameters(new Uint16Array(100)), 0);
});

test('diameters drops the smallest label when there is no background, as utils.diameters does', () => {
  const labels = new Uint32Array(100);
  labels.fill(1, 0, 9);
  labels.fill(2, 9, 25);
  labels.fill(3, 25, 100); // counts 9, 16, 75: without background the first one (9) is dropped
  assert.equal(diameters(labels), (4 + Math.sqrt(75)) / 2 / (Math.sqrt(Math.PI) / 2));
});

test('flows from a disc mask point at its centre with unit length', () => {
  const labels = discLabels(30, 30, [[15, 15, 9]]);
  const { dY, dX } = masksToFlows(labels, 30, 30);
  for (const [y, x] of [
    [15, 6],
    [7, 12],
    [22, 20],
  ] as const) {
    const i = y * 30 + x;
    assert.ok(Math.abs(Math.hypot(dY[i]!, dX[i]!) - 1) < 1e-12);
    const towardCentre = (dY[i]! * (15 - y) + dX[i]! * (15 - x)) / Math.hypot(15 - y, 15 - x);
    assert.ok(towardCentre > 0.9, `flow at (${y}, ${x}) points ${towardCentre} toward the centre`);
  }
  assert.equal(dY[0], 0);
  assert.equal(dX[0], 0);
});

test('the flow error is 0 for flows that agree with the mask and about 4 for reversed ones; bad masks are removed', () => {
  const labels = discLabels(30, 60, [
    [15, 15, 9],
    [15, 45, 9],
  ]);
  const n = 30 * 60;
  const { dY, dX } = masksToFlows(labels, 30, 60);
  const dP = new Float32Array(2 * n);
  for (let i = 0; i < n; i++) {
    const sign = labels[i] === 2 ? -5 : 5; // the network's scale is 5 times the unit flows
    dP[i] = sign * dY[i]!;
    dP[n + i] = sign * dX[i]!;
  }
  const errors = flowErrors(labels, dP, 30, 60);
  assert.equal(errors.length, 2);
  assert.ok(errors[0]! < 1e-12);
  assert.ok(Math.abs(errors[1]! - 4) < 0.05, `reversed flows: error ${errors[1]}`);
  removeBadFlowMasks(labels, dP, 30, 60, 0.4);
  assert.equal(labels[15 * 60 + 15], 1);
  assert.equal(labels[15 * 60 + 45], 0);
});
