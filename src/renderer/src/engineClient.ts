// The renderer's only way to reach the engine: contract calls and events behind one small interface, so the same UI
// runs over Electron's preload bridge or over the browser mode's HTTP API (`celldesk serve`, httpClient.ts), and the
// models run in Node's tests over an in-process bridge. Renderer (DOM-free).
import { unpackArrays } from '../../shared/arrayRuns';
import { RecycledArrays } from '../../shared/viewer/recycledArrays';
import { unwrapOutcome, type CallArgs, type CallName, type CallResult, type CellDeskBridge, type EventListener, type EventName } from '../../shared/contract';

export interface EngineClient {
  /** 'desktop': Electron, with native dialogs; 'browser': `celldesk serve`, images opened by path or upload. */
  readonly kind: 'desktop' | 'browser';
  /** Runs a contract call; a failure is thrown as CallFailedError, whose `code` and `details` say what went wrong. */
  call<K extends CallName>(name: K, ...args: CallArgs<K>): Promise<CallResult<K>>;
  /** Listens to an engine event; returns the function that stops listening. */
  on<E extends EventName>(name: E, listener: EventListener<E>): () => void;
  /** Where a dropped file lies on disk, to open it by its path; null in the browser, or for a file with no path. */
  pathForFile(file: File): string | null;
  /** Arrays from answers that nothing uses any more, for later answers (see [Note: recycled label arrays]). */
  readonly recycled: RecycledArrays;
}

/** An engine client over a `window.celldesk`-shaped bridge (the Electron preload's); see [Note: label runs]. */
export function createBridgeClient(bridge: CellDeskBridge): EngineClient {
  const recycled = new RecycledArrays();
  return {
    kind: 'desktop',
    call: async (name, ...args) => unpackArrays(unwrapOutcome(await bridge.call(name, ...args)), recycled),
    on: (name, listener) => bridge.on(name, listener),
    pathForFile: (file) => bridge.pathForFile(file),
    recycled,
  };
}
