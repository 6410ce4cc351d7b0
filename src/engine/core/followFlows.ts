// Cellpose's flow dynamics (dynamics.follow_flows, steps2D_interp, steps2D): every cell pixel walks along the
// network's flow field; where the walkers gather, a cell is. Pure, runs anywhere (worker or main).
import { InvalidSettingError } from '../errors';

/** Where each pixel of a height x width image ended up, row-major; a pixel that did not move keeps its own (y, x). */
export interface EndPoints {
  height: number;
  width: number;
  y: Float32Array;
  x: Float32Array;
  /** How many pixels had a flow large enough to move (|dY| or |dX| > 1e-3). */
  moving: number;
}

// [Note: float32 dynamics]
// Official 3.0.11 on the CPU, operation by operation, so that end points agree to the last bit:
// - Positions are float32. A pixel moves when max(|dY|, |dX|) > 1e-3, the threshold itself rounded to float32
//   (NumPy compares a float32 array with a Python float in float32).
// - interp = true (steps2D_interp + the numba map_coordinates): the step is the bilinear interpolation of the flow
//   at (y, x): corner = trunc(position) clamped to [0, L - 1], the next corner clamped to L - 1, fraction =
//   position - trunc(position). The weights and the four products are float64 (numba promotes `1 - y` with y
//   float64), summed left to right as ((f00 (1-fy)(1-fx) + f01 (1-fy) fx) + f10 fy (1-fx)) + f11 fy fx, and the
//   step is stored as float32. Then y = clamp(float32(y + dy), 0, Ly - 1), x likewise.
// - interp = false (steps2D, used by the size model): the step is the flow at (trunc(y), trunc(x)), same update.
// Adding two float32 values in float64 and rounding once (Math.fround) is the float32 sum exactly.
// The official code moves all pixels in lock-step, one iteration at a time; as each walker reads only its own
// position and the fixed flow field, running each pixel's iterations in turn gives the same end points and keeps
// the walker in registers. A walker whose step leaves it where it is stays there for good, so it stops early.

/** The float32 value NumPy compares the flows with. */
const MOVE_THRESHOLD = Math.fround(1e-3);

/**
 * Runs niter Euler steps of the flow field dP (planes dY then dX, already masked by the cell probability and
 * divided by 5, as compute_masks passes it) and returns every pixel's end point; see [Note: float32 dynamics].
 */
export function followFlows(dP: Float32Array, height: number, width: number, niter: number, interp: boolean): EndPoints {
  checkFlowField(dP, height, width);
  if (!Number.isInteger(niter) || niter < 0) {
    throw new InvalidSettingError(`The number of dynamics iterations must be a whole number of at least 0; got ${niter}.`, { niter });
  }
  const n = height * width;
  const dY = dP.subarray(0, n);
  const dX = dP.subarray(n, 2 * n);
  const y = new Float32Array(n);
  const x = new Float32Array(n);
  for (let row = 0, i = 0; row < height; row++) {
    for (let col = 0; col < width; col++, i++) {
      y[i] = row;
      x[i] = col;
    }
  }
  const moving = movingPixels(dY, dX);
  if (interp) {
    const field = { dY, dX, height, width };
    const end = newWalkEnd();
    for (let k = 0; k < moving.length; k++) {
      const i = moving[k]!;
      walkInterpolated(field, i, niter, end, null);
      y[i] = end[0]!;
      x[i] = end[1]!;
    }
  } else {
    stepNearest(moving, y, x, dY, dX, height, width, niter);
  }
  return { height, width, y, x, moving: moving.length };
}

/** Throws unless dP holds two planes of height x width values. */
export function checkFlowField(dP: Float32Array, height: number, width: number): void {
  if (!Number.isInteger(height) || !Number.isInteger(width) || height < 1 || width < 1) {
    throw new InvalidSettingError(`An image needs a whole number of at least 1 pixel per side; got ${height} x ${width}.`, { height, width });
  }
  if (dP.length !== 2 * height * width) {
    throw new InvalidSettingError(
      `The flow field of a ${height} x ${width} image has two planes (dY, dX) of ${height * width} values; got ${dP.length} values.`,
      { height, width, length: dP.length },
    );
  }
}

/** Whether a pixel with this (masked, divided) flow moves at all. */
export function moves(dY: number, dX: number): boolean {
  return Math.max(Math.abs(dY), Math.abs(dX)) > MOVE_THRESHOLD;
}

/** Indices (raster order) of the pixels whose flow is large enough to move them. */
function movingPixels(dY: Float32Array, dX: Float32Array): Int32Array {
  let count = 0;
  for (let i = 0; i < dY.length; i++) {
    if (moves(dY[i]!, dX[i]!)) count++;
  }
  const indices = new Int32Array(count);
  for (let i = 0, k = 0; i < dY.length; i++) {
    if (moves(dY[i]!, dX[i]!)) indices[k++] = i;
  }
  return indices;
}

/** A flow field as the dynamics read it: two planes, already masked by the cell probability and divided by 5. */
export interface FlowField {
  dY: Float32Array;
  dX: Float32Array;
  height: number;
  width: number;
}

/**
 * What walkInterpolated records for [Note: trajectories above a threshold]: the smallest cell probability among
 * the pixels whose flow the walk read with a weight other than 0, counting only pixels above `base` (the threshold
 * the field was masked at).
 */
export interface ReadTracking {
  cellprob: Float32Array;
  base: number;
}

/** Where a walk ends: [y, x, the sides of the field that held it back (HELD_* bits)]; see walkInterpolated. */
export const newWalkEnd = () => new Float32Array(3);
export const HELD_TOP = 1;
export const HELD_BOTTOM = 2;
export const HELD_LEFT = 4;
export const HELD_RIGHT = 8;

/**
 * One walker of the interpolated dynamics ([Note: float32 dynamics]): pixel i (raster index) walks niter steps from
 * its own position; its end point goes to end[0] (y) and end[1] (x), and end[2] says at which sides of the field a
 * step would have left it and was clamped (HELD_* bits). Returns the smallest cell probability read (see
 * ReadTracking), or Infinity when `tracking` is null.
 */
export function walkInterpolated(field: FlowField, i: number, niter: number, end: Float32Array, tracking: ReadTracking | null): number {
  const { dY, dX, height, width } = field;
  const maxY = height - 1;
  const maxX = width - 1;
  let yk = Math.trunc(i / width);
  let xk = i - yk * width;
  let reach = Infinity;
  let held = 0;
  for (let t = 0; t < niter; t++) {
    const yTrunc = Math.trunc(yk);
    const xTrunc = Math.trunc(xk);
    const fy = yk - yTrunc;
    const fx = xk - xTrunc;
    const gy = 1 - fy;
    const gx = 1 - fx;
    // Positions stay in [0, L - 1], so only the second corner needs clamping.
    const row0 = yTrunc * width;
    const row1 = Math.min(maxY, yTrunc + 1) * width;
    const x0 = xTrunc;
    const x1 = Math.min(maxX, xTrunc + 1);
    if (tracking !== null) reach = Math.min(reach, lowestRead(tracking, row0 + x0, row0 + x1, row1 + x0, row1 + x1, fy !== 0, fx !== 0));
    const stepY = Math.fround(dY[row0 + x0]! * gy * gx + dY[row0 + x1]! * gy * fx + dY[row1 + x0]! * fy * gx + dY[row1 + x1]! * fy * fx);
    const stepX = Math.fround(dX[row0 + x0]! * gy * gx + dX[row0 + x1]! * gy * fx + dX[row1 + x0]! * fy * gx + dX[row1 + x1]! * fy * fx);
    const movedY = Math.fround(yk + stepY);
    const movedX = Math.fround(xk + stepX);
    if (movedY < 0) held |= HELD_TOP;
    else if (movedY > maxY) held |= HELD_BOTTOM;
    if (movedX < 0) held |= HELD_LEFT;
    else if (movedX > maxX) held |= HELD_RIGHT;
    const nextY = Math.min(maxY, Math.max(0, movedY));
    const nextX = Math.min(maxX, Math.max(0, movedX));
    if (nextY === yk && nextX === xk) break; // a fixed point: every later step lands here again
    yk = nextY;
    xk = nextX;
  }
  end[0] = yk;
  end[1] = xk;
  end[2] = held;
  return reach;
}

/**
 * The smallest cell probability above tracking.base among the four corners of one interpolation step, leaving out
 * the corners whose weight is 0 (the second column when fx = 0, the second row when fy = 0): a weight of 0 makes a
 * corner's term 0 whatever its (finite) flow, masked or not.
 */
function lowestRead(tracking: ReadTracking, i00: number, i01: number, i10: number, i11: number, rowWeighted: boolean, columnWeighted: boolean): number {
  const { cellprob, base } = tracking;
  let lowest = Infinity;
  let value = cellprob[i00]!;
  if (value > base) lowest = value;
  if (columnWeighted) {
    value = cellprob[i01]!;
    if (value > base && value < lowest) lowest = value;
  }
  if (rowWeighted) {
    value = cellprob[i10]!;
    if (value > base && value < lowest) lowest = value;
    if (columnWeighted) {
      value = cellprob[i11]!;
      if (value > base && value < lowest) lowest = value;
    }
  }
  return lowest;
}

// [Note: four walkers at a time] Each step of a walker waits for its previous one (the flow read at the position,
// added, clamped, truncated to the next read), so one walker at a time leaves the processor mostly idle; four
// independent walkers interleaved in one loop keep it busy (bench:dynamics: 4.1 s instead of 7.1 s). Each walker
// still does its own steps in order, so the end points are the same.
function stepNearest(
  moving: Int32Array,
  y: Float32Array,
  x: Float32Array,
  dY: Float32Array,
  dX: Float32Array,
  height: number,
  width: number,
  niter: number,
): void {
  const maxY = height - 1;
  const maxX = width - 1;
  const stepped = (position: number, flow: number, max: number) => Math.min(max, Math.max(0, Math.fround(position + flow)));
  const flowIndex = (row: number, column: number) => Math.trunc(row) * width + Math.trunc(column);
  let k = 0;
  for (; k + 4 <= moving.length; k += 4) {
    const i0 = moving[k]!;
    const i1 = moving[k + 1]!;
    const i2 = moving[k + 2]!;
    const i3 = moving[k + 3]!;
    let y0 = y[i0]!, x0 = x[i0]!, y1 = y[i1]!, x1 = x[i1]!, y2 = y[i2]!, x2 = x[i2]!, y3 = y[i3]!, x3 = x[i3]!;
    for (let t = 0; t < niter; t++) {
      const at0 = flowIndex(y0, x0);
      const at1 = flowIndex(y1, x1);
      const at2 = flowIndex(y2, x2);
      const at3 = flowIndex(y3, x3);
      y0 = stepped(y0, dY[at0]!, maxY);
      x0 = stepped(x0, dX[at0]!, maxX);
      y1 = stepped(y1, dY[at1]!, maxY);
      x1 = stepped(x1, dX[at1]!, maxX);
      y2 = stepped(y2, dY[at2]!, maxY);
      x2 = stepped(x2, dX[at2]!, maxX);
      y3 = stepped(y3, dY[at3]!, maxY);
      x3 = stepped(x3, dX[at3]!, maxX);
    }
    y[i0] = y0;
    x[i0] = x0;
    y[i1] = y1;
    x[i1] = x1;
    y[i2] = y2;
    x[i2] = x2;
    y[i3] = y3;
    x[i3] = x3;
  }
  for (; k < moving.length; k++) {
    const i = moving[k]!;
    let yk = y[i]!;
    let xk = x[i]!;
    for (let t = 0; t < niter; t++) {
      const at = flowIndex(yk, xk);
      yk = stepped(yk, dY[at]!, maxY);
      xk = stepped(xk, dX[at]!, maxX);
    }
    y[i] = yk;
    x[i] = xk;
  }
}
