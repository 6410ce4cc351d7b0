// Builds `window.celldesk` from the contract ([Note: one contract] in src/shared/contract.ts); runs in the sandboxed
// preload, given Electron's ipcRenderer (kept out of this file so tests can build the bridge without Electron).
import { isCallName, isEventName, toCallFailure, UnknownCallError, type CellDeskBridge } from '../shared/contract';

/** Sends one call to the main process and resolves to what its router answered. */
export type Invoke = (channel: string, input: unknown) => Promise<unknown>;
/** Subscribes to the main process's events (name, payload); returns the function that unsubscribes. */
export type Subscribe = (listener: (name: unknown, payload: unknown) => void) => () => void;

/** A dropped file's path on disk ('' when it has none): Electron's webUtils.getPathForFile. */
export type PathForFile = (file: File) => string;

/**
 * The renderer's only door to the main process: contract calls and contract events, nothing else (no raw channels,
 * no ipcRenderer), and the paths of files dropped on the window, so they are opened where they lie.
 */
export function createBridge(invoke: Invoke, subscribe: Subscribe, pathForFile: PathForFile): CellDeskBridge {
  const bridge = {
    call: async (name: unknown, input?: unknown) =>
      isCallName(name) ? invoke(name, input) : { ok: false, error: toCallFailure(new UnknownCallError(name)) },
    on: (name: unknown, listener: (payload: unknown) => void) => {
      if (!isEventName(name)) throw new TypeError(`CellDesk has no event named ${JSON.stringify(String(name))}`);
      return subscribe((eventName, payload) => {
        if (eventName === name) listener(payload);
      });
    },
    // A file dragged from a web page, not from a folder, has no path: '' from Electron.
    pathForFile: (file: File) => pathForFile(file) || null,
  };
  return bridge as CellDeskBridge;
}
