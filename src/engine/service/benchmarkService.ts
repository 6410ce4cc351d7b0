// The app's one-click benchmark: runs one benchmark at a time in a worker thread of its own, relays its events and
// answers with the report. Runs on the thread that answers calls (Electron's main process, the browser-mode server).
//
// [Note: benchmark worker] A benchmark segments for minutes with onnxruntime blocking the thread it runs on, so it
// cannot share the engine worker (which would stop answering the Segment view) nor run on the answering thread. Each
// run gets a fresh worker that opens its own sessions, as a cold start is part of what the benchmark measures, and
// ends with it, releasing every session and buffer. The run is written to the history database from the worker as it
// goes, so a crash keeps the samples measured (see [Note: run history]). Cancelling sets a flag in shared memory that
// the worker reads at every event (the same reason as in [Note: engine worker]); the run then ends 'cancelled' with
// what it measured.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Worker } from 'node:worker_threads';
import type { BenchmarkEvent, BenchmarkReport } from '../bench/types';
import { CellDeskError } from '../errors';
import { HistoryStore } from '../history/historyStore';
import { appPathsFor } from '../io/appPaths';
import type { BenchmarkStartRequest, BenchmarkWorkerStart, FromBenchmarkWorker } from './benchmarkProtocol';
import { fromWorkerFailure } from './protocol';
import { startWorker } from './startWorker';

/** The benchmark's worker ended without a report (it crashed or ran out of memory). */
export class BenchmarkStoppedError extends CellDeskError {
  constructor(reason: string) {
    super('BENCHMARK_STOPPED', `The benchmark stopped before it finished (${reason}). The samples measured so far are kept in the history.`, { reason });
  }
}

/** A benchmark was asked for while another one runs. */
export class BenchmarkBusyError extends CellDeskError {
  constructor() {
    super('BENCHMARK_BUSY', 'A benchmark is already running. Wait for it to finish, or cancel it, before starting another.', {});
  }
}

export interface BenchmarkServiceOptions {
  /** The worker's script. Default: benchmarkWorker.ts beside this file (through tsx); the desktop app passes its bundle. */
  workerScript?: string;
  /** Environment the worker reads for the data folder and model sources (default: process.env). */
  env?: NodeJS.ProcessEnv;
}

interface Running {
  worker: Worker;
  cancelFlag: Int32Array;
  /** Known once the worker reports the run started. */
  runUuid: string | null;
}

const SOURCE_WORKER = join(dirname(fileURLToPath(import.meta.url)), 'benchmarkWorker.ts');

export class BenchmarkService {
  private readonly script: string;
  private readonly env: NodeJS.ProcessEnv;
  private running: Running | null = null;
  private readonly listeners = new Set<(event: BenchmarkEvent) => void>();

  constructor(options: BenchmarkServiceOptions = {}) {
    this.script = options.workerScript ?? SOURCE_WORKER;
    this.env = options.env ?? process.env;
  }

  get isRunning(): boolean {
    return this.running !== null;
  }

  /** Runs a benchmark; resolves with its report when it completes or is cancelled. Events go to `onEvent` listeners. */
  start(request: BenchmarkStartRequest): Promise<BenchmarkReport> {
    if (this.running !== null) return Promise.reject(new BenchmarkBusyError());
    const cancelFlag = new Int32Array(new SharedArrayBuffer(4));
    const worker = startWorker(this.script, { env: { ...this.env }, request, cancelFlag } satisfies BenchmarkWorkerStart);
    const running: Running = { worker, cancelFlag, runUuid: null };
    this.running = running;
    return new Promise<BenchmarkReport>((resolve, reject) => {
      let settled = false;
      const settle = (outcome: () => void) => {
        if (settled) return;
        settled = true;
        if (this.running === running) this.running = null;
        outcome();
        void worker.terminate();
      };
      const stopped = (reason: string) =>
        settle(() => {
          if (running.runUuid !== null) this.markInterrupted(running.runUuid, reason);
          reject(new BenchmarkStoppedError(reason));
        });
      worker.on('message', (message: FromBenchmarkWorker) => {
        if (message.kind === 'event') {
          if (message.event.type === 'started') running.runUuid = message.event.run.uuid;
          this.listeners.forEach((listener) => listener(message.event));
        } else if (message.kind === 'done') settle(() => resolve(message.report));
        else settle(() => reject(fromWorkerFailure(message.error)));
      });
      worker.on('error', (error) => stopped(error.message));
      worker.on('exit', (code) => stopped(`its thread exited with code ${code}`));
    });
  }

  /** Cancels the running benchmark; false when none runs. */
  cancel(): boolean {
    if (this.running === null) return false;
    Atomics.store(this.running.cancelFlag, 0, 1);
    return true;
  }

  /** Calls `listener` with every event of every run; returns the function that stops it. */
  onEvent(listener: (event: BenchmarkEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A run whose worker died cannot finish itself; the history would otherwise show it running while the app lives. */
  private markInterrupted(runUuid: string, reason: string): void {
    HistoryStore.use(appPathsFor(this.env).databaseFile, (history) =>
      history.finishRun(runUuid, 'interrupted', `The benchmark stopped: ${reason}.`, new Date().toISOString()),
    );
  }

  /** Stops a running benchmark at once (the app is closing); its run is left for the history to mark interrupted. */
  async close(): Promise<void> {
    const running = this.running;
    this.running = null;
    if (running !== null) await running.worker.terminate();
  }
}
