// The dynamics for every cell probability threshold at once: each pixel's walk traced once, over the field masked
// at the lowest threshold, with the thresholds its end point holds for, so that a new threshold walks again only
// the few pixels whose walk it changes. Pure functions over typed arrays; runs anywhere (the engine worker traces
// in slices between requests).
import { InvalidSettingError } from '../errors';
import { checkFlowField, moves, newWalkEnd, walkInterpolated, type FlowField } from './followFlows';
import { endPointBin, fillOwnBins, histogramScratch, type HistogramScratch } from './masksFromFlows';

// [Note: trajectories above a threshold]
// compute_masks walks the field dP * (cellprob > t) / 5 (dynamics.py: follow_flows(dP * cp_mask / 5.)), and each
// step interpolates that masked field at the four pixels around the walker (map_coordinates). So a walker's path
// depends not on its own pixel alone but on which of the pixels it passes near are above t. Traced once over the
// field masked at the lowest threshold b the controls allow (CELLPROB_THRESHOLD_RANGE.min), a walk reads, at every
// step, the same values at any t >= b as at b as long as no pixel it read with a weight other than 0 has its cell
// probability in (b, t]: pixels at or below b are masked at both, pixels above t pass at both, and a term whose
// weight is 0 is 0 (or -0, which leaves every sum and position as it is) whatever the flow there. By induction over
// the steps the walk at t is then the walk at b, bit for bit. So with `holdsBelow` = the smallest cell probability
// above b among the pixels the walk read, the end point traced at b is the end point at every t in [b, holdsBelow);
// a pixel's first read is its own flow with weight 1, so holdsBelow <= its own cell probability. At a threshold t
// the pixels above t whose holdsBelow <= t, and those not traced yet, walk again over the field masked at t, with
// the same walker. Walkers head inwards, up the cell probability, so on the 2560 x 2160 bench image about 0.1% of
// the cell pixels walk again. NaN * 0 is NaN, so outputs with a non-finite flow are not traced ahead at all.

/** Cell probabilities are banded in steps of 1/BANDS_PER_UNIT for the tracing order. */
const BANDS_PER_UNIT = 4;
/** Cell probabilities above this share the top band. */
const TOP_BAND_FLOOR = 64;
/** Pixels walked between two yields of traceTrajectories. */
const PIXELS_PER_PIECE = 2048;

/** End points of every pixel for every threshold >= base, filled in by traceTrajectories. */
export interface ThresholdTrajectories {
  height: number;
  width: number;
  niter: number;
  /** The lowest threshold (float32); the field is masked at it. */
  base: number;
  cellprob: Float32Array;
  /** float32(dP / 5) where cellprob > base, else 0. */
  field: FlowField;
  /**
   * The pixels above base, band by band from the highest cell probabilities down: band k holds
   * order[bandStart[k]] .. order[bandStart[k + 1] - 1], every one with cellprob >= bandFloor[k].
   */
  order: Int32Array;
  bandStart: Int32Array;
  bandFloor: Float64Array;
  /** Per pixel: the bin (masksFromBins) of its end point once traced. */
  endBin: Int32Array;
  /** Per pixel: its traced end point holds for thresholds below this; -Infinity until traced, Infinity if it never moves. */
  holdsBelow: Float32Array;
  /** Bands traced so far: every pixel with cellprob >= bandFloor[tracedBands - 1] is traced. */
  tracedBands: number;
  /** The field masked at a later threshold, for pixels that walk again (made on first use). */
  atThreshold: { threshold: number; field: FlowField } | null;
  /** Image-sized buffers a threshold's end points and masks are computed in, used again for the next threshold. */
  scratch: { bins: Int32Array; histogram: HistogramScratch } | null;
}

/** The end points at one threshold: each pixel's bin (masksFromBins) and how many pixels moved. */
export interface BinsAtThreshold {
  /** Valid until the next call; masksFromBins can use `histogram` for them. */
  bins: Int32Array;
  histogram: HistogramScratch;
  moving: number;
  /** Pixels walked for this threshold (not traced yet, or their traced walk read a pixel the threshold masks). */
  walked: number;
}

/**
 * The trajectories of a network output before any tracing: its field masked at `base`, the pixels above it in
 * bands; null when a flow is not finite (see [Note: trajectories above a threshold]). `dP` is the network's dY, dX
 * (not divided), `cellprob` its cell probability.
 */
export function prepareTrajectories(dP: Float32Array, cellprob: Float32Array, height: number, width: number, niter: number, base: number): ThresholdTrajectories | null {
  checkFlowField(dP, height, width);
  const n = height * width;
  if (cellprob.length !== n) {
    throw new InvalidSettingError(`The cell probability of a ${height} x ${width} image has ${n} values; got ${cellprob.length}.`, { height, width, length: cellprob.length });
  }
  for (let i = 0; i < 2 * n; i++) if (!Number.isFinite(dP[i]!)) return null;
  const threshold = Math.fround(base);
  const dY = new Float32Array(n);
  const dX = new Float32Array(n);
  const holdsBelow = new Float32Array(n).fill(-Infinity);
  const endBin = new Int32Array(n);
  fillOwnBins(endBin, height, width);
  const lowestBand = Math.floor(threshold * BANDS_PER_UNIT);
  const bands = Math.floor(TOP_BAND_FLOOR * BANDS_PER_UNIT) - lowestBand + 1;
  // Band 0 is the top one; counting sort of the pixels above base by band.
  const bandOf = (value: number) => Math.max(0, Math.min(bands - 1, Math.floor(TOP_BAND_FLOOR * BANDS_PER_UNIT) - Math.floor(value * BANDS_PER_UNIT)));
  const bandStart = new Int32Array(bands + 1);
  for (let i = 0; i < n; i++) {
    const value = cellprob[i]!;
    if (!(value > threshold)) continue;
    dY[i] = dP[i]! / 5;
    dX[i] = dP[n + i]! / 5;
    if (!moves(dY[i]!, dX[i]!)) holdsBelow[i] = Infinity;
    bandStart[bandOf(value) + 1]!++;
  }
  for (let k = 0; k < bands; k++) bandStart[k + 1]! += bandStart[k]!;
  const order = new Int32Array(bandStart[bands]!);
  const next = bandStart.slice(0, bands);
  for (let i = 0; i < n; i++) {
    const value = cellprob[i]!;
    if (value > threshold) order[next[bandOf(value)]!++] = i;
  }
  const bandFloor = new Float64Array(bands);
  for (let k = 0; k < bands; k++) bandFloor[k] = k === 0 ? TOP_BAND_FLOOR : (Math.floor(TOP_BAND_FLOOR * BANDS_PER_UNIT) - k) / BANDS_PER_UNIT;
  return {
    height,
    width,
    niter,
    base: threshold,
    cellprob,
    field: { dY, dX, height, width },
    order,
    bandStart,
    bandFloor,
    endBin,
    holdsBelow,
    tracedBands: 0,
    atThreshold: null,
    scratch: null,
  };
}

/** Whether every pixel above `threshold` is traced. */
export function tracedDownTo(trajectories: ThresholdTrajectories, threshold: number): boolean {
  const { tracedBands, bandFloor } = trajectories;
  return tracedBands === bandFloor.length || (tracedBands > 0 && bandFloor[tracedBands - 1]! <= Math.fround(threshold));
}

/**
 * Traces the pixels band by band, highest cell probability first, yielding every few thousand pixels so that a
 * caller can stop or pause between pieces; see [Note: trajectories above a threshold].
 */
export function* traceTrajectories(trajectories: ThresholdTrajectories): Generator<void, void, void> {
  const { order, bandStart, endBin, holdsBelow, field, niter, width, cellprob, base } = trajectories;
  const tracking = { cellprob, base };
  const end = newWalkEnd();
  while (trajectories.tracedBands < bandStart.length - 1) {
    const band = trajectories.tracedBands;
    for (let k = bandStart[band]!; k < bandStart[band + 1]!; k++) {
      const i = order[k]!;
      if (holdsBelow[i] === -Infinity) {
        // With niter = 0 nothing is read, and the pixel stays put while it is above the threshold.
        holdsBelow[i] = Math.min(cellprob[i]!, walkInterpolated(field, i, niter, end, tracking));
        endBin[i] = endPointBin(end[0]!, end[1]!, width);
      }
      if ((k + 1) % PIXELS_PER_PIECE === 0) yield;
    }
    trajectories.tracedBands = band + 1;
  }
}

/**
 * Every pixel's end point bin at `threshold` (>= base), from the traced end points where they hold and by walking
 * the others over the field masked at threshold: what followFlows gives over that field, bit for bit.
 */
export function binsAtThreshold(trajectories: ThresholdTrajectories, threshold: number): BinsAtThreshold {
  const t = Math.fround(threshold);
  if (!(t >= trajectories.base)) {
    throw new InvalidSettingError(`Trajectories traced from ${trajectories.base} cannot give the end points at ${threshold}.`, { threshold, base: trajectories.base });
  }
  const { height, width, niter, cellprob, order, bandStart, bandFloor, endBin, holdsBelow } = trajectories;
  trajectories.scratch ??= { bins: new Int32Array(height * width), histogram: histogramScratch(height, width) };
  const { bins, histogram } = trajectories.scratch;
  fillOwnBins(bins, height, width);
  const toWalk: number[] = [];
  let moving = 0;
  for (let band = 0; band < bandFloor.length; band++) {
    const inBand = bandFloor[band - 1] ?? Infinity;
    if (inBand <= t) break; // every pixel of this band and below is <= t
    for (let k = bandStart[band]!; k < bandStart[band + 1]!; k++) {
      const i = order[k]!;
      const holds = holdsBelow[i]!;
      if (!(cellprob[i]! > t) || holds === Infinity) continue;
      moving++;
      if (holds > t) bins[i] = endBin[i]!;
      else toWalk.push(i);
    }
  }
  if (toWalk.length > 0) {
    const field = fieldAt(trajectories, t);
    const end = newWalkEnd();
    for (const i of toWalk) {
      walkInterpolated(field, i, niter, end, null);
      bins[i] = endPointBin(end[0]!, end[1]!, width);
    }
  }
  return { bins, histogram, moving, walked: toWalk.length };
}

/** The field masked at t, kept and updated from the last threshold asked for (only the pixels in between change). */
function fieldAt(trajectories: ThresholdTrajectories, t: number): FlowField {
  const { field, order, bandStart, bandFloor, cellprob, base } = trajectories;
  trajectories.atThreshold ??= { threshold: base, field: { ...field, dY: field.dY.slice(), dX: field.dX.slice() } };
  const kept = trajectories.atThreshold;
  const low = Math.min(kept.threshold, t);
  const high = Math.max(kept.threshold, t);
  const { dY, dX } = kept.field;
  for (let band = 0; band < bandFloor.length; band++) {
    if ((bandFloor[band - 1] ?? Infinity) <= low) break;
    if (bandFloor[band]! > high) continue;
    for (let k = bandStart[band]!; k < bandStart[band + 1]!; k++) {
      const i = order[k]!;
      const value = cellprob[i]!;
      if (value > low && value <= high) {
        const passes = value > t;
        dY[i] = passes ? field.dY[i]! : 0;
        dX[i] = passes ? field.dX[i]! : 0;
      }
    }
  }
  kept.threshold = t;
  return kept.field;
}
