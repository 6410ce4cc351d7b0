// From network outputs to final masks (Cellpose 3.0.11's dynamics.resize_and_compute_masks / compute_masks):
// dynamics, masks, flow-error check, clean-up, optional resize. Pure, runs anywhere (meant for a worker).
import { InvalidSettingError } from '../errors';
import { fillHolesAndRemoveSmallMasks } from './fillHoles';
import { removeBadFlowMasks } from './flowError';
import { checkFlowField, followFlows } from './followFlows';
import { masksFromFlows } from './masksFromFlows';
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

/**
 * compute_masks then the resize of resize_and_compute_masks: labels 1..N (0 = background) of size height x width,
 * or resize when given. Uint16Array unless there are 65536 masks or more.
 */
export function computeMasks(options: ComputeMasksOptions): Uint16Array | Uint32Array {
  const { dP, cellprob, height, width, niter, interp } = options;
  checkFlowField(dP, height, width);
  checkSettings(options);
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
  const out = options.resize ?? { height, width };
  const endPoints = cells > 0 ? followFlows(scaled, height, width, niter, interp) : undefined;
  if (endPoints === undefined || endPoints.moving < MIN_MOVING_PIXELS) return new Uint16Array(out.height * out.width);
  const labels = masksFromFlows(endPoints);
  if (options.flowThreshold > 0 && labels.some((label) => label > 0)) {
    removeBadFlowMasks(labels, dP, height, width, options.flowThreshold);
  }
  // Official compute_masks resizes before the clean-up, so min_size counts pixels at the output size. This changes
  // which small masks survive the size model's pass, and so the estimated diameter.
  const sized = options.resize === undefined ? labels : resizeNearest(labels, height, width, out.height, out.width);
  return fillHolesAndRemoveSmallMasks(sized, out.height, out.width, options.minSize);
}

function checkSettings(options: ComputeMasksOptions): void {
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
