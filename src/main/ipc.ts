// Registers the router's handlers (src/host/router.ts) on Electron's ipcMain, for CellDesk's own page only. Main
// process; imports only Electron's types, so tests load it without Electron.
import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import { CellDeskError } from '../engine/errors';
import { callNames, dispatchCall, toCallFailure, type Handlers } from '../shared/contract';

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
