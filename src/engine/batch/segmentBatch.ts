// Segments a list of images with one model, overlapping one image's masks with the next image's network; each
// image's result is what segmenting it alone gives. Node side: the CLI's batches, later the app's batch panel.
// [Note: batch overlap] onnxruntime-node runs a network pass synchronously in the calling thread, on its own pool of
// threads, while the dynamics are plain JavaScript on one core. One image after another leaves the network idle
// during the dynamics and all but one core idle during them. Here several images are in flight: the calling thread
// runs whichever image's network pass is ready, and a pool of worker threads computes masks meanwhile (the pipeline
// hands them over through RunHooks.masks). The images are independent and every stage is deterministic, so the
// results do not depend on the interleaving.
import { availableParallelism } from 'node:os';
import type { MaskRunner } from '../pipeline/maskRunner';
import type { RunHooks } from '../pipeline/progress';
import { MaskWorkerPool } from './maskWorkers';

export type BatchOutcome<Loaded, Result> =
  | { loaded: Loaded; result: Result; /** ms from the start of loading to the result. */ elapsed: number }
  | { error: unknown };

export interface BatchPlan<Job, Loaded, Model, Result> {
  jobs: readonly Job[];
  /** Reads a job's image; its error is that job's outcome. */
  load(job: Job, signal: AbortSignal): Promise<Loaded>;
  /** The model, asked for once an image has loaded (a batch of unreadable images opens none); its failure is the batch's. */
  model(): Promise<Model>;
  /** Segments one loaded image, passing `hooks` to the pipeline (they say where its masks are computed); its error is that job's outcome. */
  segment(job: Job, loaded: Loaded, model: Model, hooks: RunHooks): Promise<Result>;
  /** Each job's outcome, in job order, one at a time. A throw stops the batch once the images in flight finish. */
  deliver(job: Job, outcome: BatchOutcome<Loaded, Result>): Promise<void>;
  /** How images overlap; sequential (one image at a time, masks in this thread) when absent. */
  overlap?: BatchOverlap;
  signal?: AbortSignal;
}

export interface BatchOverlap {
  masks: MaskRunner;
  /** Images in progress at once. */
  inFlight: number;
}

/** Worker threads for the masks by core count: one per 4 cores (up to 4), since the network keeps the rest busy. */
export function maskWorkerCount(cores = availableParallelism()): number {
  return Math.max(1, Math.min(4, Math.round(cores / 4)));
}

/** An overlap with its own mask workers (see [Note: batch overlap]); close it when the batch is done. */
export function startOverlap(workers = maskWorkerCount(), script?: string): BatchOverlap & { close(): Promise<void> } {
  const pool = new MaskWorkerPool(workers, script);
  return { masks: pool, inFlight: workers + 1, close: () => pool.close() };
}

export async function segmentBatch<Job, Loaded, Model, Result>(plan: BatchPlan<Job, Loaded, Model, Result>): Promise<void> {
  const stop = new AbortController();
  const signal = plan.signal === undefined ? stop.signal : AbortSignal.any([plan.signal, stop.signal]);
  const hooks: RunHooks = plan.overlap === undefined ? { signal } : { signal, masks: plan.overlap.masks };
  const inFlight = Math.max(1, plan.overlap?.inFlight ?? 1);

  /**
   * An image that cannot be read or segmented is its job's outcome; a model that cannot be opened fails the batch.
   * Never rejects: a job started ahead is awaited only in its turn, and an unawaited rejection would end the process.
   */
  const run = async (job: Job): Promise<BatchOutcome<Loaded, Result> | { fatal: unknown }> => {
    const start = performance.now();
    let loaded: Loaded;
    try {
      loaded = await plan.load(job, signal);
    } catch (error) {
      return { error };
    }
    let model: Model;
    try {
      model = await plan.model();
    } catch (fatal) {
      return { fatal };
    }
    try {
      const result = await plan.segment(job, loaded, model, hooks);
      return { loaded, result, elapsed: performance.now() - start };
    } catch (error) {
      return { error };
    }
  };

  const started: Promise<BatchOutcome<Loaded, Result> | { fatal: unknown }>[] = [];
  const startUpTo = (count: number) => {
    while (started.length < Math.min(count, plan.jobs.length) && !signal.aborted) started.push(run(plan.jobs[started.length]!));
  };
  try {
    for (let i = 0; i < plan.jobs.length; i++) {
      startUpTo(i + inFlight);
      signal.throwIfAborted();
      const outcome = await started[i]!;
      if ('fatal' in outcome) throw outcome.fatal;
      signal.throwIfAborted();
      startUpTo(i + 1 + inFlight);
      await plan.deliver(plan.jobs[i]!, outcome);
    }
  } finally {
    // Nothing may outlive the call: the caller releases the model after it.
    stop.abort();
    await Promise.allSettled(started);
  }
}
