// Messages between the benchmark service and its worker thread. Types only; runs on both sides.
import type { BenchmarkEvent, BenchmarkReport } from '../bench/types';
import type { ExecutionProvider } from '../backend/types';
import type { CropSize } from '../bench/protocol';
import type { WorkerFailure } from './protocol';

/** What the app asks of a benchmark run (see the contract's 'bench:start'). */
export interface BenchmarkStartRequest {
  model: string;
  /** An image file to crop; absent: the synthetic cell image. */
  imagePath?: string;
  channels?: [number, number];
  sizes?: CropSize[];
  iterations?: number;
  providers?: ExecutionProvider[];
  estimateDiameter?: boolean;
}

/** The worker's start-up data (workerData): one run per worker. */
export interface BenchmarkWorkerStart {
  env: Record<string, string | undefined>;
  request: BenchmarkStartRequest;
  /** One Int32 over a SharedArrayBuffer, set to 1 to cancel: read at every event (see [Note: engine worker]). */
  cancelFlag: Int32Array;
}

export type FromBenchmarkWorker =
  | { kind: 'event'; event: BenchmarkEvent }
  | { kind: 'done'; report: BenchmarkReport }
  | { kind: 'failed'; error: WorkerFailure };
