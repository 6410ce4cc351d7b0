// Test helper: the app's engine answered in this process, for the renderer's models in Node. The real services
// (engine worker, benchmark worker, SQLite history, in a data folder of their own) behind the real handler table,
// reached through a CellDeskBridge that copies every argument, result and event with the structured clone Electron's
// IPC uses, so a model gets what it would get in the desktop app, and keeps nothing the engine holds.
import { createHandlers } from '../../src/host/router';
import { closeEngineServices, createEngineServices, relayEvents } from '../../src/host/engineServices';
import type { StartHost } from '../../src/engine/service/startHost';
import { ENGINE_VERSION } from '../../src/engine/version';
import { dispatchCall, type CallName, type CallOutcome, type CallResult, type CellDeskBridge, type EngineEvents, type EventName } from '../../src/shared/contract';
import { createBridgeClient, type EngineClient } from '../../src/renderer/src/engineClient';
import { tempDir } from './cli';

export interface InProcessEngine {
  /** What a model is given: the desktop app's kind of client, over the in-process bridge. */
  client: EngineClient;
  /** The engine's data folder (CELLDESK_HOME). */
  home: string;
  /** Every call received, in order, with its argument as sent. */
  calls: { name: CallName; input: unknown }[];
  /** Sends an event to the client as the main process does (its menu sends 'app:command'). */
  emit<E extends EventName>(name: E, payload: EngineEvents[E]): void;
  /** Resolves once no call is in flight and what the callers do with their answers has run. */
  settled(): Promise<void>;
  close(): Promise<void>;
}

export interface InProcessEngineOptions {
  /** What the desktop app's file dialogs answer; by default the user cancels them (null). */
  chooseImageFile?: () => Promise<string | null>;
  chooseModelFile?: () => Promise<string | null>;
  chooseExportFolder?: (current: string | undefined) => Promise<string | null>;
  chooseBatchImages?: (kind: 'folder' | 'files') => Promise<string[]>;
  /** Where the engine runs (as the desktop app's utility process: a child process); by default a worker thread. */
  engineHost?: StartHost;
}

export function startInProcessEngine(options: InProcessEngineOptions = {}): InProcessEngine {
  const home = tempDir('models-home');
  const services = createEngineServices({ env: { ...process.env, CELLDESK_HOME: home }, engineHost: options.engineHost });
  const handlers = createHandlers({
    version: ENGINE_VERSION,
    ...services,
    chooseImageFile: options.chooseImageFile ?? (() => Promise.resolve(null)),
    chooseModelFile: options.chooseModelFile ?? (() => Promise.resolve(null)),
    chooseExportFolder: options.chooseExportFolder ?? (() => Promise.resolve(null)),
    chooseBatchImages: options.chooseBatchImages ?? (() => Promise.resolve([])),
  });
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  const emit = <E extends EventName>(name: E, payload: EngineEvents[E]) => {
    for (const listener of [...(listeners.get(name) ?? [])]) listener(structuredClone(payload));
  };
  const stopEvents = relayEvents(services, emit);
  const calls: InProcessEngine['calls'] = [];
  const inFlight = new Set<Promise<unknown>>();
  const bridge: CellDeskBridge = {
    async call<K extends CallName>(name: K, ...args: unknown[]) {
      const input = structuredClone(args[0]);
      calls.push({ name, input });
      const answer = dispatchCall(handlers, name, input, (error) => console.error(`"${name}" failed:`, error));
      inFlight.add(answer);
      const outcome = await answer.finally(() => inFlight.delete(answer));
      return structuredClone(outcome) as CallOutcome<CallResult<K>>;
    },
    on(name, listener) {
      const named = listeners.get(name) ?? new Set();
      listeners.set(name, named);
      const relay = listener as (payload: unknown) => void;
      named.add(relay);
      return () => named.delete(relay);
    },
    // Files reach Node's tests by path already; a dropped File has none here, as in the browser.
    pathForFile: () => null,
  };
  return {
    client: createBridgeClient(bridge),
    home,
    calls,
    emit,
    async settled() {
      do {
        await Promise.allSettled([...inFlight]);
        // The callers' continuations run after the answers, in later turns.
        await new Promise((resolve) => setImmediate(resolve));
      } while (inFlight.size > 0);
    },
    async close() {
      stopEvents();
      await closeEngineServices(services);
    },
  };
}

/** The arguments of the calls named `name` received so far. */
export function callsOf<K extends CallName>(engine: InProcessEngine, name: K): unknown[] {
  return engine.calls.filter((call) => call.name === name).map((call) => call.input);
}
