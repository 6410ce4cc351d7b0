// Where a segmentation computes its masks (the dynamics and what follows): in the calling thread, or handed to
// worker threads so that a batch runs the next image's network meanwhile (src/engine/batch). Runs anywhere.
import { computeMasks, type ComputeMasksOptions } from '../core/computeMasks';
import type { KeptNetworkOutput, MaskSettings } from './keptNetworkOutput';

export type Labels = Uint16Array | Uint32Array;

export interface MaskRunner {
  /** computeMasks as the size model's pass calls it. */
  computeMasks(options: ComputeMasksOptions): Promise<Labels>;
  /** The final masks of a run from its kept network output: the labels kept.masks(settings) gives. */
  finalMasks(kept: KeptNetworkOutput, settings: MaskSettings): Promise<Labels>;
}

/** Masks in the calling thread; the final ones through the kept output, so a re-threshold starts from its caches. */
export const IN_THREAD_MASKS: MaskRunner = {
  computeMasks: async (options) => computeMasks(options),
  finalMasks: async (kept, settings) => kept.masks(settings),
};

/** The computeMasks options that give kept.masks(settings) from scratch (see [Note: masks before the flow check]). */
export function finalMaskOptions(kept: KeptNetworkOutput, settings: MaskSettings): ComputeMasksOptions {
  const { height, width, data } = kept.flows;
  const plane = height * width;
  return {
    dP: data.subarray(0, 2 * plane),
    cellprob: data.subarray(2 * plane, 3 * plane),
    height,
    width,
    niter: kept.niter,
    cellprobThreshold: settings.cellprobThreshold,
    flowThreshold: settings.flowThreshold,
    minSize: settings.minSize,
    interp: true,
  };
}
