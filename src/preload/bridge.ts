// Builds `window.celldesk` from the contract ([Note: one contract] in src/shared/contract.ts); runs in the sandboxed
// preload, given Electron's ipcRenderer.invoke (kept out of this file so tests can build the bridge without Electron).
import { isCallName, toCallFailure, UnknownCallError, type CellDeskBridge } from '../shared/contract';

/** Sends one call to the main process and resolves to what its router answered. */
export type Invoke = (channel: string, input: unknown) => Promise<unknown>;

/** The renderer's only door to the main process: contract calls, nothing else (no raw channels, no ipcRenderer). */
export function createBridge(invoke: Invoke): CellDeskBridge {
  const bridge = {
    call: async (name: unknown, input?: unknown) =>
      isCallName(name) ? invoke(name, input) : { ok: false, error: toCallFailure(new UnknownCallError(name)) },
  };
  return bridge as CellDeskBridge;
}
