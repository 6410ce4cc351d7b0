// The engine service: where the app's 'engine' calls are sent (opening images, segmenting, exporting...). Runs on the
// thread that answers calls (Electron's main process, the browser-mode server) and has the work done in the engine's
// host: a worker thread or a process of its own (see [Note: engine host]).
//
// [Note: engine worker] Decoding, the network and the dynamics take seconds to minutes; on the thread that answers
// calls they would freeze the window (Electron routes IPC through the main process) or the server. So this class
// forwards every call the contract marks `answeredBy: 'engine'`, unchanged, over the RPC (rpc.ts) to one worker
// (engineHost.ts), whose handlers (handlers/*.ts) hold the heavy state: images, model sessions (cached per model and
// provider) and the last network output per image, so that nothing large crosses threads except what the UI asked
// for. A worker keeps the onnxruntime sessions it created, so one worker for all images is what lets a model be
// opened once. A call's progress comes back as messages and is published as the contract's event for that call.
// Cancelling is a message too ('segment:cancel', or the RPC's own 'cancel'), handled in the worker; but
// onnxruntime-node's run blocks the worker's event loop, so a message sent during a run would be read only when the
// whole run is over. The worker therefore yields to its event loop at every progress report (before each network
// batch and after the last; after every few MiB of a TIFF decoded): the pipeline awaits `onProgress`, the RPC's
// onProgress lets the event loop run once, a cancellation that arrived meanwhile aborts the run's AbortSignal, and
// the pipeline checks it right after. Only messages cross, no shared memory, so the same engine runs in another
// process as well.
//
// [Note: engine host] The engine runs in a host the service starts (startHost.ts), from one entry for every kind
// (engineHost.ts, which picks its channel by what it runs in: hostSide.ts). In the desktop app it is an Electron
// utility process (src/main/utilityProcessHost.ts), so that a native crash in onnxruntime or a decoder, or the
// system killing the engine for its memory, takes down the engine and not the window; in the CLI and the browser mode
// a worker thread, the server being the engine's only user there; a Node child process in tests (and wherever Node
// runs and a crash must spare the caller). The service supervises its host: a host that ends without being asked
// publishes 'engine:stopped' and fails the calls it had with EngineCrashedError (what each call was doing, how the
// host ended; code ENGINE_CRASHED), and the next call starts a fresh host. The images and kept network outputs of
// the old host are gone with it; the masks and the edits live in the UI (and the unsaved ones in the drafts on disk),
// so the Segment view opens its image again, by path or by its bytes, and keeps what it shows (see [Note: engine
// restart] in src/renderer/src/model/segment/engineRestart.ts). Closing asks the host to stop (the RPC's 'stop':
// running calls are cancelled at their next progress report, models and files released, the host ends itself),
// waits at most `stopGraceMs`, then kills it: quitting never waits on a stuck engine for long.
// Messages are structured-cloned on every transport, typed arrays included: one copy each way, never JSON. No
// transfer list is used, as neither side gives up what it sends (the workspace keeps the labels and rasters it
// answers with, a caller keeps the arrays it passes), and Electron's utility process takes only message ports in
// one; its messages are copied through Chromium's IPC, as the renderer's calls to the main process already are.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
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
import { unpackArrays } from '../../shared/arrayRuns';
import { EngineCrashedError, EngineStoppedError } from './errors';
import { EventHub } from './events';
import { RpcClient } from './rpc';
import { describeExit, endWithin, HOST_STOP_GRACE_MS, workerThreadHost, type EngineHost, type StartHost } from './startHost';

/** The engine host's entry as a source file, run through tsx (running from sources: CLI, tests). */
export const ENGINE_HOST_SOURCE = join(dirname(fileURLToPath(import.meta.url)), 'engineHost.ts');

export interface EngineServiceOptions {
  /** Where the engine runs (see [Note: engine host]). Default: a worker thread running ENGINE_HOST_SOURCE. */
  host?: StartHost;
  /** Environment the host reads for the data folder and model sources (default: process.env). */
  env?: NodeJS.ProcessEnv;
  /** How long close() waits for the host before killing it (default: HOST_STOP_GRACE_MS). */
  stopGraceMs?: number;
}

interface Running {
  host: EngineHost;
  client: RpcClient;
}

export class EngineService {
  private readonly startHost: StartHost;
  private readonly env: NodeJS.ProcessEnv;
  private readonly stopGraceMs: number;
  private running: Running | null = null;
  private readonly events = new EventHub();

  constructor(options: EngineServiceOptions = {}) {
    this.startHost = options.host ?? workerThreadHost(ENGINE_HOST_SOURCE);
    this.env = options.env ?? process.env;
    this.stopGraceMs = options.stopGraceMs ?? HOST_STOP_GRACE_MS;
  }

  /**
   * Answers an engine call in the host. The argument is checked against the contract here too, as the engine may
   * be called directly (tests, other hosts); checking a checked argument again is cheap.
   */
  async call<K extends EngineCall>(name: K, input: CallInput<K>): Promise<CallResult<K>> {
    return unpackArrays(await this.forward(name, input)) as CallResult<K>;
  }

  /**
   * Answers an engine call for a window: its label images still as runs, which the window's engine client unpacks
   * (see [Note: label runs] in src/shared/arrayRuns.ts). What the main process itself reads goes through `call`.
   */
  async forward(name: EngineCall, input: unknown): Promise<unknown> {
    const checked = validateInput(name, input as CallInput<typeof name>);
    const { client } = this.ensureHost();
    const event: EventName | null = contract[name].progress;
    const onProgress = event === null ? undefined : (payload: unknown) => this.events.emit(event, payload as EngineEvents[typeof event]);
    return client.call(name, checked, { onProgress });
  }

  /** Calls `listener` with each `name` event the engine's calls publish (their progress); returns the function that stops it. */
  on<E extends EventName>(name: E, listener: EventListener<E>): () => void {
    return this.events.on(name, listener);
  }

  /** Stops the host (releasing its models), killing it if it has not ended within `stopGraceMs`; pending calls fail. */
  async close(): Promise<void> {
    const running = this.running;
    this.running = null;
    if (running === null) return;
    running.client.stop(new EngineStoppedError('CellDesk is closing'));
    if ((await endWithin(running.host, this.stopGraceMs)) === null) console.error('CellDesk: the engine had not ended when CellDesk stopped waiting for it.');
  }

  private ensureHost(): Running {
    if (this.running !== null) return this.running;
    const host = this.startHost({ ...this.env });
    const client = new RpcClient(host.transport, (busy) => host.keepAlive(busy));
    const running = { host, client };
    void host.exited.then((exit) => {
      if (this.running !== running) return; // closed on purpose
      this.running = null;
      const reason = describeExit(exit);
      console.error(`CellDesk: the engine stopped unexpectedly (${reason}); the next call starts it again.`);
      // Sent at once, the event reaches the views before the failed calls' answers (see [Note: engine restart]).
      this.events.emit('engine:stopped', { reason });
      client.fail((call) => new EngineCrashedError(call, reason));
    });
    host.keepAlive(false);
    this.running = running;
    return running;
  }
}
