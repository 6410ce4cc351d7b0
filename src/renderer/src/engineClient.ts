// The renderer's only way to reach the engine: contract calls behind one small interface, so the same UI runs over
// Electron's preload bridge (below) or, later, the browser mode's HTTP API. Renderer.
import {
  unwrapOutcome,
  type CallArgs,
  type CallName,
  type CallResult,
  type CellDeskBridge,
} from '../../shared/contract';

export interface EngineClient {
  /** Runs a contract call; a failure is thrown as CallFailedError, whose `code` and `details` say what went wrong. */
  call<K extends CallName>(name: K, ...args: CallArgs<K>): Promise<CallResult<K>>;
}

/** An engine client over a `window.celldesk`-shaped bridge (the Electron preload's). */
export function createBridgeClient(bridge: CellDeskBridge): EngineClient {
  return {
    call: async (name, ...args) => unwrapOutcome(await bridge.call(name, ...args)),
  };
}
