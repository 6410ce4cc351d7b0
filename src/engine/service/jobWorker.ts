// One long job at a time, each in a fresh worker thread of its own, called over the RPC (rpc.ts): what the benchmark
// and batch services run their work in (see [Note: benchmark worker], [Note: batch worker]). Runs on the thread that
// answers calls (Electron's main process, the browser-mode server).
import type { Worker } from 'node:worker_threads';
import type { CallName, CallProgress, CallResult, ValidatedInput } from '../../shared/contract';
import { RpcClient } from './rpc';
import { portTransport, startWorker } from './startWorker';

export interface JobWorkerOptions {
  /** The worker's script (TypeScript through tsx from sources; the desktop app's bundle). */
  script: string;
  /** Environment the worker reads for the data folder and model sources. */
  env: NodeJS.ProcessEnv;
  /** The error for a job asked for while one runs. */
  busy: () => Error;
  /** The error a job fails with when its worker ends without answering (it crashed, or ran out of memory). */
  stopped: (reason: string) => Error;
}

export interface JobHooks<K extends CallName> {
  onProgress: (progress: CallProgress<K>) => void;
  /** Told when the worker ends without answering, before the job fails. */
  onStopped?: (reason: string) => void;
}

interface Running {
  worker: Worker;
  controller: AbortController;
}

export class JobWorker {
  private running: Running | null = null;

  constructor(private readonly options: JobWorkerOptions) {}

  get isRunning(): boolean {
    return this.running !== null;
  }

  /** Runs the call `name` in a fresh worker; it ends with the call, releasing everything the job held. */
  async run<K extends CallName>(name: K, input: ValidatedInput<K>, hooks: JobHooks<K>): Promise<CallResult<K>> {
    if (this.running !== null) throw this.options.busy();
    const worker = startWorker(this.options.script, { env: { ...this.options.env } });
    const running: Running = { worker, controller: new AbortController() };
    this.running = running;
    const client = new RpcClient(portTransport(worker));
    const stopped = (reason: string) => {
      hooks.onStopped?.(reason);
      client.fail(this.options.stopped(reason));
    };
    worker.on('error', (error) => stopped(error.message));
    worker.on('exit', (code) => stopped(`its thread exited with code ${code}`));
    try {
      const onProgress = (payload: unknown) => hooks.onProgress(payload as CallProgress<K>);
      return (await client.call(name, input, { signal: running.controller.signal, onProgress })) as CallResult<K>;
    } finally {
      worker.removeAllListeners('exit');
      if (this.running === running) this.running = null;
      void worker.terminate();
    }
  }

  /** Cancels the running job (it answers with what it did); false when none runs. */
  cancel(): boolean {
    this.running?.controller.abort();
    return this.running !== null;
  }

  /** Stops a running job at once (the app is closing). */
  async close(): Promise<void> {
    const running = this.running;
    this.running = null;
    if (running !== null) await running.worker.terminate();
  }
}
