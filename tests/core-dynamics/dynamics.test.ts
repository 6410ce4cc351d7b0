import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidSettingError } from '../../src/engine/errors';
import { computeMasks, type ComputeMasksOptions } from '../../src/engine/core/computeMasks';
import { followFlows, type EndPoints } from '../../src/engine/core/followFlows';
import { masksFromFlows } from '../../src/engine/core/masksFromFlows';
import { countMasks, pixelAgreement } from '../../src/engine/core/metrics';

/** Labels of a disc of the given radius (pixels with squared distance <= r^2 from the centre). */
function disc(height: number, width: number, cy: number, cx: number, radius: number): Uint32Array {
  const labels = new Uint32Array(height * width);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if ((y - cy) ** 2 + (x - cx) ** 2 <= radius ** 2) labels[y * width + x] = 1;
    }
  }
  return labels;
}

/** Network-like outputs for a disc: flows of length 5 pointing at the centre, cellprob +5 inside, -5 outside. */
function discOutputs(height: number, width: number, cy: number, cx: number, radius: number): ComputeMasksOptions {
  const inside = disc(height, width, cy, cx, radius);
  const n = height * width;
  const dP = new Float32Array(2 * n);
  const cellprob = new Float32Array(n).fill(-5);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      if (inside[i] === 0) continue;
      cellprob[i] = 5;
      const length = Math.hypot(cy - y, cx - x);
      if (length > 0) {
        dP[i] = (5 * (cy - y)) / length;
        dP[n + i] = (5 * (cx - x)) / length;
      }
    }
  }
  return { dP, cellprob, height, width, niter: 200, cellprobThreshold: 0, flowThreshold: 0.4, interp: true, minSize: 15 };
}

/** A 9 x 11 flow field of exact rational values, the same in NumPy and here. */
function rationalField(): Float32Array {
  const n = 9 * 11;
  const dP = new Float32Array(2 * n);
  for (let i = 0; i < n; i++) {
    dP[i] = (((i * 37) % 17) - 8) / 7;
    dP[n + i] = (((i * 53) % 19) - 9) / 6;
  }
  return dP;
}

test('end points match official 3.0.11 float32 dynamics to the last bit (interpolated)', () => {
  // Expected values: the official steps2D_interp + map_coordinates arithmetic in NumPy, 30 iterations.
  const ends = followFlows(rationalField(), 9, 11, 30, true);
  assert.equal(ends.moving, 98); // pixel 31 has |dY|, |dX| <= 1e-3
  const expected: [number, number, number][] = [
    [10, 2.0020649433135986, 9.015970230102539],
    [15, 2.5058727264404297, 3.48740553855896],
    [26, 2.498731851577759, 3.4964559078216553],
    [58, 5.097512245178223, 4.357936859130859],
    [98, 4.5993781089782715, 9.845216751098633],
    [17, 0, 7.25],
  ];
  for (const [i, y, x] of expected) {
    assert.equal(ends.y[i], y, `y of pixel ${i}`);
    assert.equal(ends.x[i], x, `x of pixel ${i}`);
  }
  assert.equal(ends.y[31], 2); // pixel 31 = (2, 9) stays put
  assert.equal(ends.x[31], 9);
});

/** A 24 x 24 field walked 100 iterations: how many pixels moved, and the float64 sum of all end points (y, then x). */
function longRun(interp: boolean): { moving: number; sum: number } {
  const n = 24 * 24;
  const dP = new Float32Array(2 * n);
  for (let i = 0; i < n; i++) {
    dP[i] = (((i * 37) % 17) - 8) / 21;
    dP[n + i] = (((i * 53) % 19) - 9) / 27;
  }
  const ends = followFlows(dP, 24, 24, 100, interp);
  let sum = 0;
  for (const v of ends.y) sum += v;
  for (const v of ends.x) sum += v;
  return { moving: ends.moving, sum };
}

test('every end point of a longer run matches the official float32 dynamics (their float64 sum, to the last bit)', () => {
  // 24 x 24 field, 100 iterations: rounding the interpolated step to float32 before adding it, as numba stores it,
  // changes 3 of the 1152 coordinates, and this sum. Expected value from the official arithmetic in NumPy.
  const { moving, sum } = longRun(true);
  assert.equal(moving, 574);
  assert.equal(sum, 13231.123553484678);
});

test('end points match official 3.0.11 steps2D (not interpolated, the size model pass)', () => {
  const ends = followFlows(rationalField(), 9, 11, 30, false);
  assert.equal(ends.y[58], 5.857141494750977);
  assert.equal(ends.x[58], 5);
  assert.equal(ends.y[98], 4.5714287757873535);
  assert.equal(ends.x[98], 10);
  assert.equal(ends.x[17], 7.666666030883789);
});

test('every end point of a longer non-interpolated run matches official steps2D (walkers run four at a time)', () => {
  // The field of the interpolated run above; 574 walkers, so whole groups of four and a remainder. Expected value
  // from official steps2D's float32 arithmetic in NumPy, summed in the same order.
  const { moving, sum } = longRun(false);
  assert.equal(moving, 574);
  assert.equal(sum, 13530.6970715262);
});

test('a uniform flow moves every pixel by niter steps and stops it at the image edge', () => {
  const height = 8;
  const width = 8;
  const n = height * width;
  const dP = new Float32Array(2 * n);
  dP.fill(0.25, 0, n);
  dP.fill(-0.5, n);
  const ends = followFlows(dP, height, width, 4, true);
  assert.equal(ends.y[2 * width + 5], 3);
  assert.equal(ends.x[2 * width + 5], 3);
  assert.equal(ends.y[7 * width + 1], 7); // clamped at Ly - 1
  assert.equal(ends.x[7 * width + 1], 0); // clamped at 0
});

test('no cell pixel, or fewer than 5 moving pixels, gives no masks', () => {
  const empty = discOutputs(32, 32, 16, 16, 8);
  empty.cellprob.fill(-1);
  assert.equal(countMasks(computeMasks(empty)), 0);

  const few = discOutputs(32, 32, 16, 16, 8);
  few.dP.fill(0);
  for (const i of [100, 101, 102, 103]) few.dP[i] = 1;
  const masks = computeMasks(few);
  assert.ok(masks instanceof Uint16Array);
  assert.equal(masks.length, 32 * 32);
  assert.equal(countMasks(masks), 0);
});

test('a disc of flows converging on its centre becomes one mask covering the disc', () => {
  const outputs = discOutputs(64, 64, 30, 33, 12);
  const masks = computeMasks(outputs);
  assert.equal(countMasks(masks), 1);
  assert.equal(pixelAgreement(masks, disc(64, 64, 30, 33, 12)), 1);
});

test('two touching discs become two masks, and the resize option scales them with nearest neighbour', () => {
  const left = discOutputs(48, 80, 24, 26, 14);
  const right = discOutputs(48, 80, 24, 54, 14);
  const n = 48 * 80;
  for (let i = 0; i < n; i++) {
    if (right.cellprob[i]! > 0) {
      left.cellprob[i] = 5;
      left.dP[i] = right.dP[i]!;
      left.dP[n + i] = right.dP[n + i]!;
    }
  }
  const masks = computeMasks(left);
  assert.equal(countMasks(masks), 2);
  const resized = computeMasks({ ...left, resize: { height: 96, width: 160 } });
  assert.equal(resized.length, 96 * 160);
  assert.equal(countMasks(resized), 2);
  assert.equal(resized[(2 * 24) * 160 + 2 * 26], masks[24 * 80 + 26]);
  assert.equal(resized[(2 * 24 + 1) * 160 + 2 * 54 + 1], masks[24 * 80 + 54]);
});

test('masks larger than 40% of the image are dropped', () => {
  const masks = computeMasks({ ...discOutputs(40, 40, 20, 20, 16), flowThreshold: 0 });
  assert.equal(countMasks(masks), 0);
});

/** End points for a 10 x 16 image: given counts of pixels end in given bins of row 2, the rest spread over row 8. */
function endPointsIn(bins: [column: number, count: number][]): EndPoints {
  const height = 10;
  const width = 16;
  const y = new Float32Array(height * width);
  const x = new Float32Array(height * width);
  let i = 0;
  for (const [column, count] of bins) {
    for (let k = 0; k < count; k++, i++) {
      y[i] = 2.5; // truncated to bin 2
      x[i] = column + 0.25;
    }
  }
  for (let k = 0; i < y.length; k++, i++) {
    y[i] = 8;
    x[i] = k % width;
  }
  return { height, width, y, x, moving: y.length };
}

test('seeds are painted by descending count: where two grown seeds overlap, the smaller one wins', () => {
  // A seed of 30 end points at column 14, one of 20 at column 8, a bridge of 3 per bin between them. Each grows 5
  // bins along the bridge; the overlap (columns 9..13) goes to the seed painted last, the one with fewer points.
  const ends = endPointsIn([
    [8, 20],
    [9, 3],
    [10, 3],
    [11, 3],
    [12, 3],
    [13, 3],
    [14, 30],
  ]);
  const labels = masksFromFlows(ends);
  const smaller = labels[0]!; // pixel 0 ended in column 8
  const larger = labels[20 + 15]!; // the first pixel that ended in column 14
  assert.notEqual(smaller, 0);
  assert.notEqual(larger, 0);
  assert.notEqual(smaller, larger);
  const area = (label: number): number => labels.filter((l) => l === label).length;
  assert.equal(area(smaller), 20 + 15);
  assert.equal(area(larger), 30);
  assert.equal(countMasks(labels), 2); // row 8 (at most 10 per bin) seeds nothing
  assert.deepEqual([smaller, larger], [1, 2]); // renumbered in raster order of first appearance
});

test('settings outside what Cellpose accepts are refused with InvalidSettingError', () => {
  const outputs = discOutputs(16, 16, 8, 8, 4);
  assert.throws(() => computeMasks({ ...outputs, niter: 12.5 }), InvalidSettingError);
  assert.throws(() => computeMasks({ ...outputs, flowThreshold: -1 }), InvalidSettingError);
  assert.throws(() => computeMasks({ ...outputs, cellprob: new Float32Array(10) }), /16 x 16 image has 256 values/);
  assert.throws(() => followFlows(new Float32Array(5), 2, 2, 10, true), /two planes/);
});
