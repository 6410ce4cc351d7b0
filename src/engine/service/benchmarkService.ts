// The app's one-click benchmark: answers 'bench:start' and 'bench:cancel', running one benchmark at a time in a
// worker of its own (a thread, or the desktop app's utility process), publishing its events, answering with the
// report. Runs on the thread that answers calls (Electron's main process, the browser-mode server).
//
// [Note: benchmark worker] A benchmark segments for minutes with onnxruntime blocking the thread it runs on, so it
// cannot share the engine's host (which would stop answering the Segment view) nor run on the answering thread. Each
// run gets a fresh worker, started as the engine's host is (see [Note: engine host] in engineService.ts), that opens
// its own sessions, as a cold start is part of what the benchmark measures, and ends with it, releasing every session
// and buffer. The run is written to the history database from the worker as it goes, so a crash keeps the samples
// measured (see [Note: run history]). The worker is called over the same RPC as the engine's (rpc.ts): each event is
// the call's progress, published as 'bench:event', and cancelling is the RPC's 'cancel' message, read when the worker
// yields at each event (see [Note: engine worker]); the run then ends 'cancelled' with what it measured. A worker
// that ends before its report (a native crash) has its run marked interrupted; closing asks it to stop, which
// cancels the run, and kills it after a grace period.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CellDeskError } from '../errors';
import { HistoryStore } from '../history/historyStore';
import { appPathsFor } from '../io/appPaths';
import type { BenchmarkReport, CallHandlers, CallInput, CallsAnsweredBy, EventListener, EventName } from '../../shared/contract';
import { validateInput } from '../../shared/contract';
import { EventHub } from './events';
import { JobHost } from './jobHost';
import { workerThreadHost, type StartHost } from './startHost';

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
  /** Where each run's worker runs. Default: a worker thread on benchmarkWorker.ts beside this file, through tsx. */
  host?: StartHost;
  /** Environment the worker reads for the data folder and model sources (default: process.env). */
  env?: NodeJS.ProcessEnv;
}

/** The benchmark worker's entry as a source file, run through tsx (running from sources: CLI, tests). */
export const BENCHMARK_WORKER_SOURCE = join(dirname(fileURLToPath(import.meta.url)), 'benchmarkWorker.ts');

export class BenchmarkService {
  private readonly env: NodeJS.ProcessEnv;
  private readonly job: JobHost;
  private readonly events = new EventHub();

  /** The contract calls this service answers. */
  readonly handlers: CallHandlers<CallsAnsweredBy<'benchmark'>> = {
    'bench:start': (request) => this.start(request),
    'bench:cancel': () => ({ cancelled: this.cancel() }),
  };

  constructor(options: BenchmarkServiceOptions = {}) {
    this.env = options.env ?? process.env;
    this.job = new JobHost({
      startHost: options.host ?? workerThreadHost(BENCHMARK_WORKER_SOURCE),
      env: this.env,
      busy: () => new BenchmarkBusyError(),
      stopped: (reason) => new BenchmarkStoppedError(reason),
    });
  }

  get isRunning(): boolean {
    return this.job.isRunning;
  }

  /** Runs a benchmark; resolves with its report when it completes or is cancelled. Events go to `onEvent` listeners. */
  async start(request: CallInput<'bench:start'>): Promise<BenchmarkReport> {
    const checked = validateInput('bench:start', request);
    /** Known once the worker reports the run started. */
    let runUuid: string | null = null;
    return this.job.run('bench:start', checked, {
      onProgress: (event) => {
        if (event.type === 'started') runUuid = event.run.uuid;
        this.events.emit('bench:event', event);
      },
      onStopped: (reason) => {
        if (runUuid !== null) this.markInterrupted(runUuid, reason);
      },
    });
  }

  /** Cancels the running benchmark; false when none runs. */
  cancel(): boolean {
    return this.job.cancel();
  }

  /** Calls `listener` with each `name` event of every run ('bench:event'); returns the function that stops it. */
  on<E extends EventName>(name: E, listener: EventListener<E>): () => void {
    return this.events.on(name, listener);
  }

  /** A run whose worker died cannot finish itself; the history would otherwise show it running while the app lives. */
  private markInterrupted(runUuid: string, reason: string): void {
    HistoryStore.use(appPathsFor(this.env).databaseFile, (history) =>
      history.finishRun(runUuid, 'interrupted', `The benchmark stopped: ${reason}.`, new Date().toISOString()),
    );
  }

  /**
   * Stops a running benchmark (the app is closing): cancelled, it records what it measured, unless it must be killed
   * after the grace period, which leaves its run for the history to mark interrupted.
   */
  async close(): Promise<void> {
    await this.job.close();
  }
}
