// Progress, cancellation, where masks are computed, and per-stage timing shared by the pipeline's steps; runs anywhere.
import type { StageProgress } from '../../shared/engineTypes';
import type { MaskRunner } from './maskRunner';

export type { SegmentStage, StageProgress } from '../../shared/engineTypes';

export interface RunHooks {
  signal?: AbortSignal;
  /**
   * Told at each stage and after each network batch, and awaited there: in a worker it yields to the event loop so
   * that a cancellation sent meanwhile is read (see [Note: engine worker]); the signal is checked right after.
   */
  onProgress?: (progress: StageProgress) => void | Promise<void>;
  /** Where the masks are computed (the dynamics and what follows); in the calling thread unless given. The masks are the same. */
  masks?: MaskRunner;
}

/** Milliseconds per named stage; a stage timed twice accumulates. */
export class StageTimer {
  readonly timings: Record<string, number> = {};

  async time<T>(stage: string, work: () => T | Promise<T>): Promise<T> {
    const start = performance.now();
    try {
      return await work();
    } finally {
      this.timings[stage] = (this.timings[stage] ?? 0) + (performance.now() - start);
    }
  }
}
