// The main process's router: one line per contract call, each handing its validated argument to a service.
// See [Note: one contract] in src/shared/contract.ts. Imports only Electron's types, so tests load it without Electron.
import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import { callNames, dispatchCall, toCallFailure, type Handlers } from '../shared/contract';
import { CellDeskError } from '../engine/errors';
import { readAppInfo } from './services/appInfo';

export interface AppContext {
  /** CellDesk's version (Electron's app.getVersion()). */
  version: string;
}

export function createHandlers(app: AppContext): Handlers {
  return {
    'app:info': () => readAppInfo(app.version),
  };
}

/** A call came from a page that is not CellDesk's own (a navigated-to or embedded page). */
export class UntrustedSenderError extends CellDeskError {
  constructor(url: string) {
    super('UNTRUSTED_SENDER', `CellDesk refused a request from a page that is not its own (${url}).`, { url });
  }
}

/**
 * Registers every contract call on `ipcMain`. Each call is answered only for a sender `isTrustedSender` accepts, its
 * argument validated by the contract; errors that are not CellDeskErrors are logged with their stack.
 */
export function registerIpc(
  ipcMain: Pick<IpcMain, 'handle'>,
  handlers: Handlers,
  isTrustedSender: (event: IpcMainInvokeEvent) => boolean,
): void {
  for (const name of callNames) {
    ipcMain.handle(name, (event, input: unknown) =>
      isTrustedSender(event)
        ? dispatchCall(handlers, name, input, (error) => console.error(`CellDesk: "${name}" failed:`, error))
        : { ok: false, error: toCallFailure(new UntrustedSenderError(event.senderFrame?.url ?? 'unknown')) },
    );
  }
}
