// Progress, cancellation and per-stage timing shared by the pipeline's steps; runs anywhere.

export type SegmentStage = 'normalize' | 'sizeStyle' | 'sizeMasks' | 'network' | 'masks';

export interface SegmentProgress {
  stage: SegmentStage;
  /** Work done and total in the stage's own unit (network tiles, or 0/1 for single-step stages). */
  done: number;
  total: number;
}

export interface RunHooks {
  signal?: AbortSignal;
  onProgress?: (progress: SegmentProgress) => void;
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
