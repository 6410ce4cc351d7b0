// The engine service: what the app's calls reach (opening images, segmenting, re-thresholding, exporting). Runs on
// the thread that answers calls (Electron's main process, the browser-mode server) and does the work in a worker.
//
// [Note: engine worker] Decoding, the network and the dynamics take seconds to minutes; on the thread that answers
// calls they would freeze the window (Electron routes IPC through the main process) or the server. So this class
// only relays: each call becomes a message to one worker_threads Worker (src/engine/service/worker.ts), which holds
// the heavy state, images, model sessions (cached per model and provider) and the last network output per image,
// so that nothing large crosses threads except what the UI asked for. A worker keeps the onnxruntime sessions it
// created, so one worker for all images is what lets a model be opened once. Progress comes back as messages and is
// fanned out to listeners. Cancelling cannot rely on a message alone: onnxruntime-node's run blocks the worker's
// event loop, and the pipeline goes on from one batch to the next without yielding to it, so a message would be read
// only once the whole run is over. Each request therefore carries a flag in shared memory; the worker reads it at
// every progress report (before each network batch and after the last) and aborts the run's AbortSignal, which the
// pipeline checks there. A message is sent too, for work that does yield (decoding a large TIFF). If the worker
// dies, pending calls fail with EngineStoppedError and the next call starts a new worker.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Worker } from 'node:worker_threads';
import type { SegmentProgress } from '../pipeline/progress';
import { EngineStoppedError, OperationCancelledError } from './errors';
import {
  fromWorkerFailure,
  type FromWorker,
  type OperationInput,
  type OperationName,
  type OperationResult,
  type ToWorker,
  type WorkerStart,
} from './protocol';
import { startWorker } from './startWorker';
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
  SegmentProgressEvent,
  SegmentRequest,
} from './types';

export interface EngineServiceOptions {
  /**
   * The worker's script. Default: worker.ts beside this file, loaded through tsx (running from sources: CLI, tests).
   * The desktop app passes its bundled worker.
   */
  workerScript?: string;
  /** Environment the worker reads for the data folder and model sources (default: process.env). */
  env?: NodeJS.ProcessEnv;
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  onProgress?: (progress: SegmentProgress) => void;
}

interface RequestOptions {
  signal?: AbortSignal;
  onProgress?: (progress: SegmentProgress) => void;
}

const SOURCE_WORKER = join(dirname(fileURLToPath(import.meta.url)), 'worker.ts');

export class EngineService {
  private readonly script: string;
  private readonly env: NodeJS.ProcessEnv;
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly segmentRuns = new Map<string, AbortController>();
  private readonly progressListeners = new Set<(event: SegmentProgressEvent) => void>();

  constructor(options: EngineServiceOptions = {}) {
    this.script = options.workerScript ?? SOURCE_WORKER;
    this.env = options.env ?? process.env;
  }

  openImage(path: string, page?: number): Promise<OpenedImage> {
    return this.request('openImage', page === undefined ? { path } : { path, page });
  }

  /** An image sent as the bytes of its file (a browser upload); `name` is the file's name. */
  uploadImage(name: string, bytes: Uint8Array): Promise<OpenedImage> {
    return this.request('uploadImage', { name, bytes });
  }

  closeImage(imageId: string): Promise<{ closed: boolean }> {
    this.cancelSegmentation(imageId);
    return this.request('closeImage', { imageId });
  }

  displayPixels(imageId: string): Promise<DisplayPixels> {
    return this.request('displayPixels', { imageId });
  }

  listModels(): Promise<ModelChoice[]> {
    return this.request('listModels', {});
  }

  /** Segments an image; a run already going on for the same image is cancelled first. */
  segment(request: SegmentRequest): Promise<Segmentation> {
    return this.runOnImage('segment', request);
  }

  /**
   * Estimates the image's diameter with the model's size model, without segmenting. It runs networks as a
   * segmentation does, so it reports the same progress and is cancelled the same way (cancelSegmentation).
   */
  calibrate(request: CalibrateRequest): Promise<Calibration> {
    return this.runOnImage('calibrate', request);
  }

  /** The image's kept network output, ready to draw: flows coloured as in Cellpose's GUI, cell probability grey. */
  networkOutput(imageId: string): Promise<NetworkOutputImages> {
    return this.request('networkOutput', { imageId });
  }

  /** Registers a model file (a CPnet checkpoint or .onnx) under its file name; a file that is not one is refused. */
  importModel(path: string): Promise<ModelChoice> {
    return this.request('importModel', { path });
  }

  /** `importModel` for a file sent as its bytes (a browser upload); `name` is the file's name. */
  uploadModel(name: string, bytes: Uint8Array): Promise<ModelChoice> {
    return this.request('uploadModel', { name, bytes });
  }

  /** The images opened lately that are still on disk, most recent first. */
  recentFiles(): Promise<RecentFile[]> {
    return this.request('recentFiles', {});
  }

  /** Cancels the image's running segmentation; false when none was running. */
  cancelSegmentation(imageId: string): boolean {
    const controller = this.segmentRuns.get(imageId);
    controller?.abort();
    return controller !== undefined;
  }

  /** Masks recomputed from the image's kept network output with new thresholds; the network does not run. */
  rethreshold(request: RethresholdRequest): Promise<Segmentation> {
    return this.request('rethreshold', request);
  }

  /** Writes the labels (and a label image export deletes the image's draft: see [Note: mask drafts]). */
  exportMasks(request: ExportRequest): Promise<ExportResult> {
    return this.request('exportMasks', request);
  }

  /** Keeps edited masks as the image's draft, found again when the same image is opened (src/engine/io/drafts.ts). */
  saveDraft(request: SaveDraftRequest): Promise<{ savedAt: string }> {
    return this.request('saveDraft', request);
  }

  loadDraft(imageId: string): Promise<RestoredDraft | null> {
    return this.request('loadDraft', { imageId });
  }

  discardDraft(imageId: string): Promise<{ discarded: boolean }> {
    return this.request('discardDraft', { imageId });
  }

  /** Calls `listener` with the progress of every segmentation; returns the function that stops it. */
  onProgress(listener: (event: SegmentProgressEvent) => void): () => void {
    this.progressListeners.add(listener);
    return () => this.progressListeners.delete(listener);
  }

  /** Stops the worker (releasing its models); pending calls fail. */
  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    if (worker !== null) {
      this.failPending(new EngineStoppedError('CellDesk is closing'));
      await worker.terminate();
    }
  }

  /** Runs a network operation on an image, cancelling the one going on for it, with progress to the listeners. */
  private async runOnImage<K extends 'segment' | 'calibrate'>(operation: K, request: OperationInput<K>): Promise<OperationResult<K>> {
    const { imageId } = request;
    this.segmentRuns.get(imageId)?.abort();
    const controller = new AbortController();
    this.segmentRuns.set(imageId, controller);
    try {
      return await this.request(operation, request, {
        signal: controller.signal,
        onProgress: (progress) => this.progressListeners.forEach((listener) => listener({ imageId, ...progress })),
      });
    } finally {
      if (this.segmentRuns.get(imageId) === controller) this.segmentRuns.delete(imageId);
    }
  }

  private request<K extends OperationName>(operation: K, input: OperationInput<K>, options: RequestOptions = {}): Promise<OperationResult<K>> {
    const { signal, onProgress } = options;
    if (signal?.aborted === true) return Promise.reject(new OperationCancelledError(operation));
    const worker = this.ensureWorker();
    const id = this.nextId++;
    const cancelFlag = new Int32Array(new SharedArrayBuffer(4));
    return new Promise<OperationResult<K>>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject, onProgress });
      worker.ref();
      this.post(worker, { kind: 'run', id, operation, input, cancelFlag });
      const cancel = () => {
        Atomics.store(cancelFlag, 0, 1);
        this.post(worker, { kind: 'cancel', id });
      };
      signal?.addEventListener('abort', cancel, { once: true });
    });
  }

  private post(worker: Worker, message: ToWorker): void {
    if (worker === this.worker) worker.postMessage(message);
  }

  private ensureWorker(): Worker {
    if (this.worker !== null) return this.worker;
    const worker = startWorker(this.script, { env: { ...this.env } } satisfies WorkerStart);
    worker.on('message', (message: FromWorker) => this.receive(message));
    worker.on('error', (error) => this.workerStopped(worker, `it failed: ${error.message}`));
    worker.on('exit', (code) => this.workerStopped(worker, `it exited with code ${code}`));
    worker.unref();
    this.worker = worker;
    return worker;
  }

  private receive(message: FromWorker): void {
    const pending = this.pending.get(message.id);
    if (pending === undefined) return;
    if (message.kind === 'progress') {
      pending.onProgress?.(message.progress);
      return;
    }
    this.pending.delete(message.id);
    if (this.pending.size === 0) this.worker?.unref();
    if (message.kind === 'done') pending.resolve(message.value);
    else pending.reject(fromWorkerFailure(message.error));
  }

  private workerStopped(worker: Worker, reason: string): void {
    if (worker !== this.worker) return;
    this.worker = null;
    this.failPending(new EngineStoppedError(reason));
  }

  private failPending(error: Error): void {
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const { reject } of pending) reject(error);
  }
}
