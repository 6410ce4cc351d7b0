// The app's batches: answers 'batch:start' and 'batch:cancel', running one batch at a time in a worker of its own (a
// thread, or the desktop app's utility process), publishing its events, answering with its report. Runs on the thread that answers calls (Electron's main
// process, the browser-mode server).
//
// [Note: batch worker] A batch segments image after image for minutes to hours. In the engine worker it would hold
// that worker's event loop through every network pass (onnxruntime-node runs synchronously), so the Segment view
// would wait seconds for each call, opening a finished image of the batch included; on the answering thread it would
// freeze the window. So each batch runs in a fresh worker of its own (jobHost.ts), as a benchmark does: it opens the
// model once for the batch (a session of its own, released with the worker at the end), records each image in the
// history and writes each image's files and the folder's manifest as it goes ([Note: batch manifest]), so a worker
// that dies (out of memory on a huge image, a native crash) loses only the image it was on, and Resume carries on after it. Progress
// comes back as the call's progress, published as 'batch:event'; cancelling is the RPC's 'cancel', read when the
// worker yields at each event (see [Note: engine worker]).
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CellDeskError } from '../errors';
import type { BatchReport, CallHandlers, CallInput, CallsAnsweredBy, EventListener, EventName } from '../../shared/contract';
import { validateInput } from '../../shared/contract';
import { EventHub } from './events';
import { JobHost } from './jobHost';
import { workerThreadHost, type StartHost } from './startHost';

/** The batch's worker ended without a report (it crashed or ran out of memory). */
export class BatchStoppedError extends CellDeskError {
  constructor(reason: string) {
    super(
      'BATCH_STOPPED',
      `The batch stopped before it finished (${reason}). The images done so far are kept, with their files; press Resume to carry on with the others.`,
      { reason },
    );
  }
}

/** A batch was asked for while another one runs. */
export class BatchBusyError extends CellDeskError {
  constructor() {
    super('BATCH_BUSY', 'A batch is already running. Wait for it to finish, or cancel it, before starting another.', {});
  }
}

export interface BatchServiceOptions {
  /** Where each batch's worker runs. Default: a worker thread on batchWorker.ts beside this file, through tsx. */
  host?: StartHost;
  /** Environment the worker reads for the data folder and model sources (default: process.env). */
  env?: NodeJS.ProcessEnv;
}

/** The batch worker's entry as a source file, run through tsx (running from sources: the browser mode, tests). */
export const BATCH_WORKER_SOURCE = join(dirname(fileURLToPath(import.meta.url)), 'batchWorker.ts');

export class BatchService {
  private readonly job: JobHost;
  private readonly events = new EventHub();

  /** The contract calls this service answers. */
  readonly handlers: CallHandlers<CallsAnsweredBy<'batch'>> = {
    'batch:start': (request) => this.start(request),
    'batch:cancel': () => ({ cancelled: this.job.cancel() }),
  };

  constructor(options: BatchServiceOptions = {}) {
    this.job = new JobHost({
      startHost: options.host ?? workerThreadHost(BATCH_WORKER_SOURCE),
      env: options.env ?? process.env,
      busy: () => new BatchBusyError(),
      stopped: (reason) => new BatchStoppedError(reason),
    });
  }

  get isRunning(): boolean {
    return this.job.isRunning;
  }

  /** Runs a batch; resolves with its report when it completes or is cancelled. Its events go to 'batch:event' listeners. */
  start(request: CallInput<'batch:start'>): Promise<BatchReport> {
    return this.job.run('batch:start', validateInput('batch:start', request), { onProgress: (event) => this.events.emit('batch:event', event) });
  }

  /** Calls `listener` with each `name` event of every batch ('batch:event'); returns the function that stops it. */
  on<E extends EventName>(name: E, listener: EventListener<E>): () => void {
    return this.events.on(name, listener);
  }

  /** Stops a running batch (the app is closing): cancelled, killed after a grace period; what it finished is in its folder and the history. */
  async close(): Promise<void> {
    await this.job.close();
  }
}
