// Messages between the engine service and its worker thread: one request/reply pair per operation, cancellation
// and progress. Types and the error codec; runs on both sides.
import { CellDeskError } from '../errors';
import type { SegmentProgress } from '../pipeline/progress';
import { RemoteEngineError } from './errors';
import type {
  CalibrateRequest,
  Calibration,
  DisplayPixels,
  ExportRequest,
  ExportResult,
  ModelChoice,
  NetworkOutputImages,
  OpenedImage,
  RecentFile,
  RestoredDraft,
  RethresholdRequest,
  SaveDraftRequest,
  Segmentation,
  SegmentRequest,
} from './types';

/** Each operation the worker runs: its input and its result. */
export interface WorkerOperations {
  openImage: { input: { path: string; page?: number }; result: OpenedImage };
  uploadImage: { input: { name: string; bytes: Uint8Array }; result: OpenedImage };
  closeImage: { input: { imageId: string }; result: { closed: boolean } };
  displayPixels: { input: { imageId: string }; result: DisplayPixels };
  listModels: { input: Record<string, never>; result: ModelChoice[] };
  segment: { input: SegmentRequest; result: Segmentation };
  rethreshold: { input: RethresholdRequest; result: Segmentation };
  exportMasks: { input: ExportRequest; result: ExportResult };
  networkOutput: { input: { imageId: string }; result: NetworkOutputImages };
  calibrate: { input: CalibrateRequest; result: Calibration };
  importModel: { input: { path: string }; result: ModelChoice };
  uploadModel: { input: { name: string; bytes: Uint8Array }; result: ModelChoice };
  recentFiles: { input: Record<string, never>; result: RecentFile[] };
  saveDraft: { input: SaveDraftRequest; result: { savedAt: string } };
  loadDraft: { input: { imageId: string }; result: RestoredDraft | null };
  discardDraft: { input: { imageId: string }; result: { discarded: boolean } };
}

export type OperationName = keyof WorkerOperations;
export type OperationInput<K extends OperationName> = WorkerOperations[K]['input'];
export type OperationResult<K extends OperationName> = WorkerOperations[K]['result'];

/** The worker's start-up data (workerData). */
export interface WorkerStart {
  /** Environment read for the data folder and model sources. */
  env: Record<string, string | undefined>;
}

export type ToWorker =
  | {
      kind: 'run';
      id: number;
      operation: OperationName;
      input: unknown;
      /** One Int32 over a SharedArrayBuffer, set to 1 to cancel (see [Note: engine worker]). */
      cancelFlag: Int32Array;
    }
  | { kind: 'cancel'; id: number };

export type FromWorker =
  | { kind: 'done'; id: number; value: unknown }
  | { kind: 'failed'; id: number; error: WorkerFailure }
  | { kind: 'progress'; id: number; progress: SegmentProgress };

/** An error as it crosses the thread boundary: CellDeskErrors keep code and details; others keep their stack. */
export interface WorkerFailure {
  code: string | null;
  message: string;
  details: Record<string, unknown>;
  stack: string | null;
}

export function toWorkerFailure(error: unknown): WorkerFailure {
  if (error instanceof CellDeskError) return { code: error.code, message: error.message, details: { ...error.details }, stack: null };
  if (error instanceof Error) return { code: null, message: error.message, details: {}, stack: error.stack ?? null };
  return { code: null, message: String(error), details: {}, stack: null };
}

/**
 * The failure as an error on the answering side: a CellDeskError for failures raised on purpose, else a plain Error
 * carrying the worker's stack, so that the contract reports it as unexpected (and logs it).
 */
export function fromWorkerFailure(failure: WorkerFailure): Error {
  if (failure.code !== null) return new RemoteEngineError(failure.code, failure.message, failure.details);
  const error = new Error(failure.message);
  if (failure.stack !== null) error.stack = `${failure.stack}\n    (in CellDesk's engine worker)`;
  return error;
}
