// A run's network output kept for re-thresholding: masks for new thresholds without running the network again,
// repeating only the work the changed thresholds decide. Runs anywhere (the engine worker keeps one per image).
import { candidateMasks, ensureFlowErrors, finishMasks, type CandidateMasks } from '../core/computeMasks';
import type { PlanarImage } from '../core/image';
import type { SegmentSettings } from './settings';

export type MaskSettings = Pick<SegmentSettings, 'cellprobThreshold' | 'flowThreshold' | 'minSize'>;

/** Milliseconds of one computation of masks per stage: 'dynamics' and 'flowError' only when they ran. */
export type MaskTimings = Record<string, number>;

function timed<T>(timings: MaskTimings, stage: string, work: () => T): T {
  const start = performance.now();
  try {
    return work();
  } finally {
    timings[stage] = (timings[stage] ?? 0) + (performance.now() - start);
  }
}

/**
 * The network's dY, dX and cell probability (three planes at the image size) and the dynamics iterations of a run.
 * Holds the candidate masks of the last cell probability threshold (see [Note: masks before the flow check]), so a
 * change of the flow threshold or the minimum size skips the dynamics and the flow errors; the masks are those
 * computeMasks gives from scratch.
 */
export class KeptNetworkOutput {
  private last: { cellprobThreshold: number; candidates: CandidateMasks } | null = null;

  constructor(
    readonly flows: PlanarImage,
    readonly niter: number,
  ) {}

  /** Labels 1..N, 0 = background, at the image size; `timings` gets the stages' milliseconds and 'masks' in all. */
  masks(settings: MaskSettings, timings: MaskTimings = {}): Uint16Array | Uint32Array {
    const { height, width, data } = this.flows;
    const plane = height * width;
    const dP = data.subarray(0, 2 * plane);
    const start = performance.now();
    // candidateMasks reads the threshold as float32, so thresholds equal in float32 give the same candidates.
    const threshold = Math.fround(settings.cellprobThreshold);
    if (this.last?.cellprobThreshold !== threshold) {
      const candidates = timed(timings, 'dynamics', () =>
        candidateMasks({ dP, cellprob: data.subarray(2 * plane, 3 * plane), height, width, niter: this.niter, cellprobThreshold: threshold, interp: true }),
      );
      this.last = { cellprobThreshold: threshold, candidates };
    }
    const { candidates } = this.last;
    if (settings.flowThreshold > 0 && candidates.flowErrors === null) timed(timings, 'flowError', () => ensureFlowErrors(candidates, dP));
    const labels = timed(timings, 'cleanup', () => finishMasks(candidates, { dP, flowThreshold: settings.flowThreshold, minSize: settings.minSize }));
    timings.masks = performance.now() - start;
    return labels;
  }
}
