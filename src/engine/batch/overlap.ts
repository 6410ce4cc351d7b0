// How a batch overlaps its images (see [Note: batch overlap]): mask worker threads, and how many images are in
// flight at once. Node side (the CLI's batches through runBatch).
// [Note: batch overlap] onnxruntime-node runs a network pass synchronously in the calling thread, on its own pool of
// threads, while the dynamics are plain JavaScript on one core. One image after another leaves the network idle
// during the dynamics and all but one core idle during them. With an overlap, runBatch keeps several images in
// flight: the calling thread runs whichever image's network pass is ready, and a pool of worker threads computes
// masks meanwhile (the pipeline hands them over through RunHooks.masks). The images are independent and every stage
// is deterministic, so the results do not depend on the interleaving; outcomes are still delivered in order.
import { availableParallelism } from 'node:os';
import type { MaskRunner } from '../pipeline/maskRunner';
import { MaskWorkerPool } from './maskWorkers';

export interface BatchOverlap {
  masks: MaskRunner;
  /** Images in progress at once. */
  inFlight: number;
}

/** Worker threads for the masks by core count: one per 4 cores (up to 4), since the network keeps the rest busy. */
export function maskWorkerCount(cores = availableParallelism()): number {
  return Math.max(1, Math.min(4, Math.round(cores / 4)));
}

/** An overlap with its own mask workers; close it when the batch is done. */
export function startOverlap(workers = maskWorkerCount(), script?: string): BatchOverlap & { close(): Promise<void> } {
  const pool = new MaskWorkerPool(workers, script);
  return { masks: pool, inFlight: workers + 1, close: () => pool.close() };
}
