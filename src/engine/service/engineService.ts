// The engine service: where the app's 'engine' calls are sent (opening images, segmenting, exporting...). Runs on the
// thread that answers calls (Electron's main process, the browser-mode server) and has the work done in a worker.
//
// [Note: engine worker] Decoding, the network and the dynamics take seconds to minutes; on the thread that answers
// calls they would freeze the window (Electron routes IPC through the main process) or the server. So this class
// forwards every call the contract marks `answeredBy: 'engine'`, unchanged, over the RPC (rpc.ts) to one worker
// (worker.ts), whose handlers (handlers/*.ts) hold the heavy state: images, model sessions (cached per model and
// provider) and the last network output per image, so that nothing large crosses threads except what the UI asked
// for. A worker keeps the onnxruntime sessions it created, so one worker for all images is what lets a model be
// opened once. A call's progress comes back as messages and is published as the contract's event for that call.
// Cancelling is a message too ('segment:cancel', or the RPC's own 'cancel'), handled in the worker; but
// onnxruntime-node's run blocks the worker's event loop, so a message sent during a run would be read only when the
// whole run is over. The worker therefore yields to its event loop at every progress report (before each network
// batch and after the last; after every few MiB of a TIFF decoded): the pipeline awaits `onProgress`, the RPC's
// onProgress lets the event loop run once, a cancellation that arrived meanwhile aborts the run's AbortSignal, and
// the pipeline checks it right after. Only messages cross, no shared memory, so the same engine can run in another
// process (an Electron utility process, a Node child process) behind another Transport. If the worker dies, pending
// calls fail with EngineStoppedError and the next call starts a new worker.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Worker } from 'node:worker_threads';
import {
  contract,
  validateInput,
  type CallInput,
  type CallResult,
  type EngineCall,
  type EngineEvents,
  type EventListener,
  type EventName,
} from '../../shared/contract';
import { EngineStoppedError } from './errors';
import { EventHub } from './events';
import { RpcClient } from './rpc';
import { portTransport, startWorker } from './startWorker';

export interface EngineServiceOptions {
  /**
   * The worker's script. Default: worker.ts beside this file, loaded through tsx (running from sources: CLI, tests).
   * The desktop app passes its bundled worker.
   */
  workerScript?: string;
  /** Environment the worker reads for the data folder and model sources (default: process.env). */
  env?: NodeJS.ProcessEnv;
}

const SOURCE_WORKER = join(dirname(fileURLToPath(import.meta.url)), 'worker.ts');

export class EngineService {
  private readonly script: string;
  private readonly env: NodeJS.ProcessEnv;
  private worker: { thread: Worker; client: RpcClient } | null = null;
  private readonly events = new EventHub();

  constructor(options: EngineServiceOptions = {}) {
    this.script = options.workerScript ?? SOURCE_WORKER;
    this.env = options.env ?? process.env;
  }

  /**
   * Answers an engine call in the worker. The argument is checked against the contract here too, as the engine may
   * be called directly (tests, other hosts); checking a checked argument again is cheap.
   */
  async call<K extends EngineCall>(name: K, input: CallInput<K>): Promise<CallResult<K>> {
    const checked = validateInput(name, input);
    const { client } = this.ensureWorker();
    const event: EventName | null = contract[name].progress;
    const onProgress = event === null ? undefined : (payload: unknown) => this.events.emit(event, payload as EngineEvents[typeof event]);
    return (await client.call(name, checked, { onProgress })) as CallResult<K>;
  }

  /** Calls `listener` with each `name` event the engine's calls publish (their progress); returns the function that stops it. */
  on<E extends EventName>(name: E, listener: EventListener<E>): () => void {
    return this.events.on(name, listener);
  }

  /** Stops the worker (releasing its models); pending calls fail. */
  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    if (worker !== null) {
      worker.client.fail(new EngineStoppedError('CellDesk is closing'));
      await worker.thread.terminate();
    }
  }

  private ensureWorker(): { thread: Worker; client: RpcClient } {
    if (this.worker !== null) return this.worker;
    const thread = startWorker(this.script, { env: { ...this.env } });
    // Idle, the worker must not keep the process alive (a CLI command or a test ends when its work does).
    const client = new RpcClient(portTransport(thread), (busy) => (busy ? thread.ref() : thread.unref()));
    const worker = { thread, client };
    const stopped = (reason: string) => {
      if (this.worker !== worker) return;
      this.worker = null;
      client.fail(new EngineStoppedError(reason));
    };
    thread.on('error', (error) => stopped(`it failed: ${error.message}`));
    thread.on('exit', (code) => stopped(`it exited with code ${code}`));
    thread.unref();
    this.worker = worker;
    return worker;
  }
}
