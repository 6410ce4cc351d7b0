// From network outputs to final masks (Cellpose 3.0.11's dynamics.resize_and_compute_masks / compute_masks):
// dynamics, masks, flow-error check, clean-up, optional resize. Pure, runs anywhere (meant for a worker).
import { InvalidSettingError } from '../errors';
import { copyLabels, fillHolesAndRemoveSmallMasks, fillHolesInPlace } from './fillHoles';
import { flowErrorsReusing, masksAbove, zeroMasks, type KnownFlowErrors } from './flowError';
import { checkFlowField, followFlows, type EndPoints } from './followFlows';
import { masksFromBins, masksFromFlows, type MasksFromBinsOptions } from './masksFromFlows';
import { resizeNearest } from './resize';

export interface ComputeMasksOptions {
  /** The network's flows: plane dY then plane dX, height x width each, as the network gives them (not divided by 5). */
  dP: Float32Array;
  /** The network's cell probability logits, height x width. */
  cellprob: Float32Array;
  height: number;
  width: number;
  /** Dynamics iterations, a whole number (Cellpose: uint32(200 / rescale) unless set). */
  niter: number;
  /** Pixels with cellprob above this are cells (Cellpose default 0). */
  cellprobThreshold: number;
  /** Masks whose flow error exceeds this are dropped; 0 turns the check off (Cellpose default 0.4). */
  flowThreshold: number;
  /** Interpolated dynamics (true for segmentation; the size model's pass uses false). */
  interp: boolean;
  /** Masks smaller than this many pixels are dropped; 0 or less keeps all (Cellpose default 15). */
  minSize: number;
  /** Resize the final masks to this size with nearest neighbour (the size model's pass, resample = false). */
  resize?: { height: number; width: number };
}

/** Fewer moving pixels than this and Cellpose reports no masks. */
const MIN_MOVING_PIXELS = 5;

// [Note: masks before the flow check] Everything compute_masks does up to the flow-error check (masking the flows
// by the cell probability, the dynamics, get_masks) depends on the cell probability threshold alone, and so do the
// flow errors of the masks it finds. CandidateMasks holds that work, so that a new flow threshold or minimum size
// only repeats the cheap end (dropping masks above the threshold, clean-up): the same steps on the same values as
// computeMasks from scratch, hence the same masks.

/** compute_masks up to the flow-error check; see [Note: masks before the flow check]. */
export interface CandidateMasks {
  height: number;
  width: number;
  /** get_masks' labels, or null when too few pixels moved and Cellpose reports no masks. */
  labels: Uint32Array | null;
  /** flowErrors of `labels` (entry l - 1 for label l), computed the first time a flow threshold needs them. */
  flowErrors: Float64Array | null;
}

export type CandidateMasksOptions = Omit<ComputeMasksOptions, 'flowThreshold' | 'minSize' | 'resize'>;
export type FinishMasksOptions = Pick<ComputeMasksOptions, 'dP' | 'flowThreshold' | 'minSize' | 'resize'>;

/**
 * compute_masks then the resize of resize_and_compute_masks: labels 1..N (0 = background) of size height x width,
 * or resize when given. Uint16Array unless there are 65536 masks or more.
 */
export function computeMasks(options: ComputeMasksOptions): Uint16Array | Uint32Array {
  checkSettings(options);
  return finishMasks(candidateMasks(options), options);
}

/** Masked flows, dynamics and get_masks for one cell probability threshold. */
export function candidateMasks(options: CandidateMasksOptions): CandidateMasks {
  const { height, width } = options;
  const endPoints = cellEndPoints(options);
  return { height, width, labels: endPoints === null ? null : masksFromFlows(endPoints), flowErrors: null };
}

/**
 * Where the dynamics take each pixel of the flows masked by the cell probability (compute_masks' p), or null when no
 * pixel is a cell or too few pixels move, where Cellpose reports no masks (and a p of zeros).
 */
export function cellEndPoints(options: CandidateMasksOptions): EndPoints | null {
  const { dP, cellprob, height, width, niter, interp } = options;
  checkFlowField(dP, height, width);
  checkSettings({ ...options, flowThreshold: 0, minSize: 0 });
  const n = height * width;
  if (cellprob.length !== n) {
    throw new InvalidSettingError(`The cell probability of a ${height} x ${width} image has ${n} values; got ${cellprob.length}.`, {
      height,
      width,
      length: cellprob.length,
    });
  }

  // dP * (cellprob > threshold) / 5 in float32; NumPy compares the float32 map with the threshold in float32.
  const threshold = Math.fround(options.cellprobThreshold);
  const scaled = new Float32Array(2 * n);
  let cells = 0;
  for (let i = 0; i < n; i++) {
    if (cellprob[i]! > threshold) {
      scaled[i] = dP[i]! / 5;
      scaled[n + i] = dP[n + i]! / 5;
      cells++;
    }
  }
  if (cells === 0) return null;
  const endPoints = followFlows(scaled, height, width, niter, interp);
  return endPoints.moving < MIN_MOVING_PIXELS ? null : endPoints;
}

/**
 * candidateMasks from end points found another way (src/engine/core/thresholdTrajectories.ts): each pixel's end
 * point bin (masksFromBins) and how many pixels moved.
 */
export function candidatesFromBins(bins: Int32Array, moving: number, height: number, width: number, options: MasksFromBinsOptions = {}): CandidateMasks {
  return { height, width, labels: moving < MIN_MOVING_PIXELS ? null : masksFromBins(bins, height, width, options), flowErrors: null };
}

/**
 * The rest of compute_masks for candidates of this dP: masks whose flow error exceeds flowThreshold dropped, resize,
 * clean-up. Leaves the candidates' labels as they are (it fills in their flow errors when first needed).
 */
export function finishMasks(candidates: CandidateMasks, options: FinishMasksOptions): Uint16Array | Uint32Array {
  checkSettings({ ...options, niter: 0, cellprobThreshold: 0 });
  const { height, width, labels } = candidates;
  checkFlowField(options.dP, height, width);
  const out = options.resize ?? { height, width };
  if (labels === null) return new Uint16Array(out.height * out.width);
  const dropped = droppedMasks(candidates, options.dP, options.flowThreshold);
  if (options.resize === undefined) return fillHolesInPlace(copyLabels(labels, dropped), height, width, options.minSize);
  let kept: Uint32Array = labels;
  if (dropped !== null) {
    kept = new Uint32Array(labels.length);
    zeroMasks(labels, dropped, kept);
  }
  // Official compute_masks resizes before the clean-up, so min_size counts pixels at the output size. This changes
  // which small masks survive the size model's pass, and so the estimated diameter.
  return fillHolesAndRemoveSmallMasks(resizeNearest(kept, height, width, out.height, out.width), out.height, out.width, options.minSize);
}

/**
 * The candidate masks the flow check drops at flowThreshold (flags indexed by label), or null when it drops none
 * (also when flowThreshold is 0, which turns the check off).
 */
export function droppedMasks(candidates: CandidateMasks, dP: Float32Array, flowThreshold: number): Uint8Array | null {
  if (!(flowThreshold > 0) || candidates.labels === null || !hasMask(candidates.labels)) return null;
  return masksAbove(ensureFlowErrors(candidates, dP), flowThreshold);
}

/**
 * The candidates' flow errors (computed once, then kept in them); empty when there are no candidates. Masks found
 * in `known` with the same pixels keep their error from there.
 */
export function ensureFlowErrors(candidates: CandidateMasks, dP: Float32Array, known: KnownFlowErrors | null = null): Float64Array {
  const { labels, height, width } = candidates;
  candidates.flowErrors ??= labels === null ? new Float64Array(0) : flowErrorsReusing(labels, dP, height, width, known);
  return candidates.flowErrors;
}

function hasMask(labels: Uint32Array): boolean {
  for (let i = 0; i < labels.length; i++) if (labels[i] !== 0) return true;
  return false;
}

/** Throws InvalidSettingError for settings compute_masks cannot use (not whole, not numbers, negative). */
export function checkSettings(options: Pick<ComputeMasksOptions, 'niter' | 'cellprobThreshold' | 'flowThreshold' | 'minSize'>): void {
  const { niter, cellprobThreshold, flowThreshold, minSize } = options;
  if (!Number.isInteger(niter) || niter < 0) {
    throw new InvalidSettingError(`The number of dynamics iterations must be a whole number of at least 0; got ${niter}.`, { niter });
  }
  if (!Number.isFinite(cellprobThreshold)) {
    throw new InvalidSettingError(`The cell probability threshold must be a number; got ${cellprobThreshold}.`, { cellprobThreshold });
  }
  if (!(flowThreshold >= 0)) {
    throw new InvalidSettingError(`The flow threshold must be a number of at least 0 (0 turns the check off); got ${flowThreshold}.`, {
      flowThreshold,
    });
  }
  if (!Number.isFinite(minSize)) {
    throw new InvalidSettingError(`The minimum mask size must be a number of pixels; got ${minSize}.`, { minSize });
  }
}
