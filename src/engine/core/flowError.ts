// Cellpose's quality check of masks (dynamics.remove_bad_flow_masks, metrics.flow_error, masks_to_flows_cpu): the
// flows a mask implies are compared with the network's, and masks that disagree are dropped. Pure, runs anywhere.
import { InvalidSettingError } from '../errors';
import { checkFlowField } from './followFlows';

/** A label image, row-major, 0 = background. */
export type LabelArray = Uint8Array | Uint16Array | Uint32Array | Int32Array;

/** Unit flows implied by masks (float64, like masks_to_flows_cpu); 0 outside masks. */
export interface MaskFlows {
  dY: Float64Array;
  dX: Float64Array;
}

/** The pixels of each label, in raster order, and the bounding box of each (find_objects). */
interface LabelPixels {
  maxLabel: number;
  /** Pixels of label l are pixels[start[l]] .. pixels[start[l + 1] - 1]. */
  start: Int32Array;
  pixels: Int32Array;
  top: Int32Array;
  left: Int32Array;
  bottom: Int32Array;
  right: Int32Array;
}

const ONE_NINTH = 1 / 9;

// [Note: mask flows]
// masks_to_flows_cpu, per label present: box = its bounding box padded by 1 on each side (ly x lx); centre = the
// mask pixel nearest (squared distance, float64) to the mean pixel position, the first such pixel in raster order;
// 2 * (ly + lx) iterations of: T[centre] += 1, then every mask pixel becomes (1/9) * (sum of its 3 x 3
// neighbourhood), all from the previous T (Jacobi), summed in the order centre, up, down, left, right, up-left,
// up-right, down-left, down-right. Pixels of the box outside the mask stay 0. Flow = (T[y+1] - T[y-1],
// T[x+1] - T[x-1]) divided by 1e-60 + its length. Every step is float64, as in the official numba/NumPy code.

/** The flows Cellpose derives from masks alone; see [Note: mask flows]. */
export function masksToFlows(labels: LabelArray, height: number, width: number): MaskFlows {
  checkLabels(labels, height, width);
  const dY = new Float64Array(labels.length);
  const dX = new Float64Array(labels.length);
  const groups = groupPixels(labels, width);
  const diffusion = new Diffusion();
  for (let label = 1; label <= groups.maxLabel; label++) {
    if (groups.start[label + 1]! === groups.start[label]!) continue;
    diffusion.run(groups, label, width);
    const { T, local, boxWidth: w } = diffusion;
    for (let j = 0, first = groups.start[label]!; j < diffusion.count; j++) {
      const c = local[j]!;
      const i = groups.pixels[first + j]!;
      dY[i] = T[c + w]! - T[c - w]!;
      dX[i] = T[c + 1]! - T[c - 1]!;
    }
  }
  for (let i = 0; i < dY.length; i++) {
    const norm = 1e-60 + Math.sqrt(dY[i]! * dY[i]! + dX[i]! * dX[i]!);
    dY[i] = dY[i]! / norm;
    dX[i] = dX[i]! / norm;
  }
  return { dY, dX };
}

// [Note: flow error per mask] metrics.flow_error builds the mask flows of the whole image and averages the squared
// differences per label with scipy.ndimage.mean (np.bincount: per label, in raster order, float64). A label's mean
// only reads its own pixels, and groupPixels keeps them in raster order, so each mask's error is computed in its box
// right after its diffusion, with the same operations in the same order: the same bits, without two image-sized
// float64 planes.

/**
 * metrics.flow_error: per label 1..max, the mean over its pixels of (dY_mask - dY_net / 5)^2 plus that of dX, with
 * dP_net the network's flows (not masked, not divided). Entry l - 1 is label l; NaN for a label with no pixel.
 * See [Note: flow error per mask].
 */
export function flowErrors(labels: LabelArray, dP: Float32Array, height: number, width: number): Float64Array {
  return flowErrorsReusing(labels, dP, height, width, null);
}

/** Masks whose flow errors are known: labels of the same image and their flowErrors. */
export interface KnownFlowErrors {
  labels: LabelArray;
  errors: Float64Array;
}

/**
 * flowErrors, taking a mask's error from `known` when a mask there has exactly the same pixels: the error depends on
 * the mask's pixels and dP alone (see [Note: flow error per mask]), so it is the same number, bit for bit.
 */
export function flowErrorsReusing(labels: LabelArray, dP: Float32Array, height: number, width: number, known: KnownFlowErrors | null): Float64Array {
  const masks = flowErrorsByMask(labels, dP, height, width, known);
  for (;;) {
    const step = masks.next();
    if (step.done === true) return step.value;
  }
}

/** flowErrorsReusing one mask at a time, so the work can be spread out: yields after each mask it computes. */
export function* flowErrorsByMask(
  labels: LabelArray,
  dP: Float32Array,
  height: number,
  width: number,
  known: KnownFlowErrors | null,
): Generator<void, Float64Array, void> {
  checkFlowField(dP, height, width);
  checkLabels(labels, height, width);
  const n = height * width;
  const groups = groupPixels(labels, width);
  const errors = new Float64Array(groups.maxLabel).fill(NaN);
  const sameMask = known === null ? null : sameMasks(groups, known, height, width);
  const diffusion = new Diffusion();
  for (let label = 1; label <= groups.maxLabel; label++) {
    const first = groups.start[label]!;
    if (groups.start[label + 1]! === first) continue;
    const previous = sameMask?.[label] ?? 0;
    if (previous > 0) {
      errors[label - 1] = known!.errors[previous - 1]!;
      continue;
    }
    diffusion.run(groups, label, width);
    const { T, local, boxWidth: w, count } = diffusion;
    let sumY = 0;
    let sumX = 0;
    for (let j = 0; j < count; j++) {
      const c = local[j]!;
      const i = groups.pixels[first + j]!;
      const gy = T[c + w]! - T[c - w]!;
      const gx = T[c + 1]! - T[c - 1]!;
      const norm = 1e-60 + Math.sqrt(gy * gy + gx * gx);
      const ey = gy / norm - Math.fround(dP[i]! / 5);
      const ex = gx / norm - Math.fround(dP[n + i]! / 5);
      sumY += ey * ey;
      sumX += ex * ex;
    }
    errors[label - 1] = sumY / count + sumX / count;
    yield;
  }
  return errors;
}

/** Per label of `groups`: the label in `known` with exactly its pixels, or 0 when none has. */
function sameMasks(groups: LabelPixels, known: KnownFlowErrors, height: number, width: number): Int32Array {
  checkLabels(known.labels, height, width);
  const before = known.labels;
  let maxBefore = 0;
  for (let i = 0; i < before.length; i++) if (before[i]! > maxBefore) maxBefore = before[i]!;
  const countBefore = new Int32Array(maxBefore + 1);
  for (let i = 0; i < before.length; i++) countBefore[before[i]!]!++;
  const same = new Int32Array(groups.maxLabel + 1);
  for (let label = 1; label <= groups.maxLabel; label++) {
    const first = groups.start[label]!;
    const end = groups.start[label + 1]!;
    if (end === first) continue;
    const candidate = before[groups.pixels[first]!]!;
    // Every pixel in the candidate and as many pixels as it has: the same set.
    if (candidate === 0 || candidate > known.errors.length || countBefore[candidate] !== end - first) continue;
    let all = true;
    for (let j = first + 1; j < end && all; j++) all = before[groups.pixels[j]!] === candidate;
    if (all) same[label] = candidate;
  }
  return same;
}

/** remove_bad_flow_masks: zeroes, in place, every mask whose flow error exceeds threshold. */
export function removeBadFlowMasks(labels: LabelArray, dP: Float32Array, height: number, width: number, threshold: number): void {
  checkFlowThreshold(threshold);
  const bad = masksAbove(flowErrors(labels, dP, height, width), threshold);
  if (bad !== null) zeroMasks(labels, bad, labels);
}

/**
 * The masks remove_bad_flow_masks drops, from flow errors computed earlier (entry l - 1 for label l): flags indexed
 * by label, 1 where the error exceeds threshold; null when none does.
 */
export function masksAbove(errors: Float64Array, threshold: number): Uint8Array | null {
  checkFlowThreshold(threshold);
  let bad: Uint8Array | null = null;
  for (let label = 1; label <= errors.length; label++) {
    if (errors[label - 1]! > threshold) {
      bad ??= new Uint8Array(errors.length + 1);
      bad[label] = 1;
    }
  }
  return bad;
}

/** Writes into `out` (which may be `labels`) the labels with every flagged mask (flags indexed by label) zeroed. */
export function zeroMasks(labels: LabelArray, flags: Uint8Array, out: LabelArray): void {
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i]!;
    out[i] = flags[label] === 1 ? 0 : label;
  }
}

function checkFlowThreshold(threshold: number): void {
  if (!(threshold >= 0)) {
    throw new InvalidSettingError(`The flow threshold must be a number of at least 0; got ${threshold}.`, { threshold });
  }
}

export function checkLabels(labels: LabelArray, height: number, width: number): void {
  if (labels.length !== height * width) {
    throw new InvalidSettingError(`A ${height} x ${width} label image has ${height * width} values; got ${labels.length}.`, {
      height,
      width,
      length: labels.length,
    });
  }
}

/** Counting sort of the mask pixels by label, keeping raster order within a label, with each label's bounding box. */
function groupPixels(labels: LabelArray, width: number): LabelPixels {
  let maxLabel = 0;
  for (let i = 0; i < labels.length; i++) maxLabel = Math.max(maxLabel, labels[i]!);
  const start = new Int32Array(maxLabel + 2);
  for (let i = 0; i < labels.length; i++) {
    if (labels[i]! > 0) start[labels[i]! + 1]!++;
  }
  for (let label = 0; label <= maxLabel; label++) start[label + 1]! += start[label]!;
  const next = start.slice(0, maxLabel + 1);
  const pixels = new Int32Array(start[maxLabel + 1]!);
  const top = new Int32Array(maxLabel + 1).fill(0x7fffffff);
  const left = new Int32Array(maxLabel + 1).fill(0x7fffffff);
  const bottom = new Int32Array(maxLabel + 1).fill(-1);
  const right = new Int32Array(maxLabel + 1).fill(-1);
  const height = labels.length / width;
  for (let row = 0, i = 0; row < height; row++) {
    for (let col = 0; col < width; col++, i++) {
      const label = labels[i]!;
      if (label === 0) continue;
      pixels[next[label]!++] = i;
      if (row < top[label]!) top[label] = row;
      bottom[label] = row;
      if (col < left[label]!) left[label] = col;
      if (col > right[label]!) right[label] = col;
    }
  }
  return { maxLabel, start, pixels, top, left, bottom, right };
}

/**
 * Heat diffusion from a mask's centre in its padded box (see [Note: mask flows]), with buffers reused from mask to
 * mask. After run(): T holds the box's final heat, local[j] the box index of the mask's j-th pixel (raster order).
 */
class Diffusion {
  T = new Float64Array(0);
  private next = new Float64Array(0);
  local = new Int32Array(0);
  /** The mask's pixels as runs along box rows: [row, first box index, end box index) per run. */
  private runs = new Int32Array(0);
  count = 0;
  boxWidth = 0;

  run(groups: LabelPixels, label: number, width: number): void {
    const first = groups.start[label]!;
    const count = groups.start[label + 1]! - first;
    const top = groups.top[label]!;
    const left = groups.left[label]!;
    const boxHeight = groups.bottom[label]! - top + 3;
    const boxWidth = groups.right[label]! - left + 3;
    const size = boxHeight * boxWidth;
    if (this.local.length < count) {
      this.local = new Int32Array(Math.max(count, 2 * this.local.length));
      this.runs = new Int32Array(3 * this.local.length);
    }
    if (this.T.length < size) {
      const capacity = Math.max(size, 2 * this.T.length);
      this.T = new Float64Array(capacity);
      this.next = new Float64Array(capacity);
    } else {
      // Box pixels outside the mask must read 0 in both buffers.
      this.T.fill(0, 0, size);
      this.next.fill(0, 0, size);
    }
    this.count = count;
    this.boxWidth = boxWidth;
    // Box coordinates (1-based inside the padding) of each pixel; their mean, in float64.
    const { local, runs } = this;
    let runCount = 0;
    let sumY = 0;
    let sumX = 0;
    for (let j = 0; j < count; j++) {
      const i = groups.pixels[first + j]!;
      const row = Math.trunc(i / width);
      const y = row - top + 1;
      const x = i - row * width - left + 1;
      const c = y * boxWidth + x;
      local[j] = c;
      sumY += y;
      sumX += x;
      if (runCount > 0 && runs[3 * runCount - 1] === c) {
        runs[3 * runCount - 1] = c + 1;
      } else {
        runs[3 * runCount] = y;
        runs[3 * runCount + 1] = c;
        runs[3 * runCount + 2] = c + 1;
        runCount++;
      }
    }
    const meanY = sumY / count;
    const meanX = sumX / count;
    let centre = local[0]!;
    let best = Infinity;
    for (let j = 0; j < count; j++) {
      const y = Math.trunc(local[j]! / boxWidth);
      const x = local[j]! - y * boxWidth;
      const d = (x - meanX) * (x - meanX) + (y - meanY) * (y - meanY);
      if (d < best) {
        best = d;
        centre = local[j]!;
      }
    }
    const centreRow = Math.trunc(centre / boxWidth);
    const centreColumn = centre - centreRow * boxWidth;

    // Jacobi with two buffers: box pixels outside the mask are never written, so they stay 0 in both. Heat spreads
    // one pixel a step: before step t only pixels within t of the centre (either axis) hold any, so the step leaves
    // the others at the 0 it would compute for them (a sum of +0 is +0), and they are skipped.
    let T = this.T;
    let next = this.next;
    const w = boxWidth;
    const niter = 2 * (boxHeight + boxWidth);
    for (let t = 0; t < niter; t++) {
      T[centre]! += 1;
      const reach = t + 1;
      for (let r = 0; r < runCount; r++) {
        const row = runs[3 * r]!;
        if (row < centreRow - reach || row > centreRow + reach) continue;
        const rowStart = row * w;
        const from = Math.max(runs[3 * r + 1]!, rowStart + centreColumn - reach);
        const to = Math.min(runs[3 * r + 2]!, rowStart + centreColumn + reach + 1);
        for (let c = from; c < to; c++) {
          next[c] =
            ONE_NINTH *
            (T[c]! + T[c - w]! + T[c + w]! + T[c - 1]! + T[c + 1]! + T[c - w - 1]! + T[c - w + 1]! + T[c + w - 1]! + T[c + w + 1]!);
        }
      }
      [T, next] = [next, T];
    }
    this.T = T;
    this.next = next;
  }
}
