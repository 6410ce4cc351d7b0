// One long job at a time, each in a fresh host of its own (a worker thread, or the desktop app's utility process,
// started as the engine's host is: see [Note: engine host] in engineService.ts), called over the RPC (rpc.ts): what
// the benchmark and batch services run their work in (see [Note: benchmark worker], [Note: batch worker]). Runs on
// the thread that answers calls (Electron's main process, the browser-mode server).
import type { CallName, CallProgress, CallResult, ValidatedInput } from '../../shared/contract';
import { RpcClient } from './rpc';
import { describeExit, endWithin, HOST_STOP_GRACE_MS, type EngineHost, type StartHost } from './startHost';

export interface JobHostOptions {
  startHost: StartHost;
  /** Environment the host reads for the data folder and model sources. */
  env: NodeJS.ProcessEnv;
  /** The error for a job asked for while one runs. */
  busy: () => Error;
  /** The error a job fails with when its host ends without answering (a native crash, out of memory), or is stopped. */
  stopped: (reason: string) => Error;
}

export interface JobHooks<K extends CallName> {
  onProgress: (progress: CallProgress<K>) => void;
  /** Told when the host ends without answering, before the job fails. */
  onStopped?: (reason: string) => void;
}

interface Running {
  host: EngineHost;
  client: RpcClient;
  controller: AbortController;
}

export class JobHost {
  private running: Running | null = null;

  constructor(private readonly options: JobHostOptions) {}

  get isRunning(): boolean {
    return this.running !== null;
  }

  /** Runs the call `name` in a fresh host; it ends with the call, releasing everything the job held. */
  async run<K extends CallName>(name: K, input: ValidatedInput<K>, hooks: JobHooks<K>): Promise<CallResult<K>> {
    if (this.running !== null) throw this.options.busy();
    const host = this.options.startHost({ ...this.options.env });
    const client = new RpcClient(host.transport);
    const running: Running = { host, client, controller: new AbortController() };
    this.running = running;
    let answered = false;
    void host.exited.then((exit) => {
      if (answered) return;
      const reason = describeExit(exit);
      hooks.onStopped?.(reason);
      client.fail(this.options.stopped(reason));
    });
    try {
      const onProgress = (payload: unknown) => hooks.onProgress(payload as CallProgress<K>);
      return (await client.call(name, input, { signal: running.controller.signal, onProgress })) as CallResult<K>;
    } finally {
      answered = true;
      if (this.running === running) this.running = null;
      client.stop(this.options.stopped('it has finished'));
      void endWithin(host, HOST_STOP_GRACE_MS);
    }
  }

  /** Cancels the running job (it answers with what it did); false when none runs. */
  cancel(): boolean {
    this.running?.controller.abort();
    return this.running !== null;
  }

  /** Stops a running job (the app is closing): asked to stop, which cancels it, and killed after the grace period. */
  async close(): Promise<void> {
    const running = this.running;
    this.running = null;
    if (running === null) return;
    running.client.stop(this.options.stopped('CellDesk is closing'));
    await endWithin(running.host, HOST_STOP_GRACE_MS);
  }
}
