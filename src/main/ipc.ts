// The main process's router: one line per contract call, each handing its validated argument to a service.
// See [Note: one contract] in src/shared/contract.ts. Imports only Electron's types, so tests load it without Electron.
// The browser mode (`celldesk serve`) answers the same handlers over HTTP (src/main/services/browserServer.ts).
import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import { callNames, dispatchCall, toCallFailure, type Handlers } from '../shared/contract';
import { CellDeskError } from '../engine/errors';
import { readAppInfo } from './services/appInfo';
import type { EngineServices } from './services/engineServices';

export interface AppContext extends EngineServices {
  /** CellDesk's version (Electron's app.getVersion()). */
  version: string;
  /** Asks the user for an image file (the desktop app's dialog); resolves to null when they cancel. */
  chooseImageFile: () => Promise<string | null>;
  /** Asks the user for a model file (the desktop app's dialog); resolves to null when they cancel. */
  chooseModelFile: () => Promise<string | null>;
  /** Asks the user for an export folder (the desktop app's dialog), starting at `current`; null when they cancel. */
  chooseExportFolder: (current: string | undefined) => Promise<string | null>;
}

export function createHandlers(app: AppContext): Handlers {
  const { engine, benchmark, history } = app;
  return {
    'app:info': () => readAppInfo(app.version),
    'image:choose': async () => ({ path: await app.chooseImageFile() }),
    'image:open': ({ path, page }) => engine.openImage(path, page),
    'image:upload': ({ name, bytes }) => engine.uploadImage(name, bytes),
    'image:close': ({ imageId }) => engine.closeImage(imageId),
    'image:pixels': ({ imageId }) => engine.displayPixels(imageId),
    'models:list': () => engine.listModels(),
    'segment:run': (request) => engine.segment(request),
    'segment:rethreshold': (request) => engine.rethreshold(request),
    'segment:cancel': ({ imageId }) => ({ cancelled: engine.cancelSegmentation(imageId) }),
    'masks:export': (request) => engine.exportMasks(request),
    'device:describe': () => history.describeThisDevice(),
    'bench:start': (request) => benchmark.start(request),
    'bench:cancel': () => ({ cancelled: benchmark.cancel() }),
    'history:list': () => history.list(),
    'history:runs': ({ uuids }) => history.benchmarkRuns(uuids),
    'history:export': ({ uuids, format }) => history.exportRuns(uuids, format),
    'history:import': ({ name, bytes }) => history.importFile(name, bytes),
    'history:delete': ({ uuids }) => history.deleteRuns(uuids),
    'image:recent': () => engine.recentFiles(),
    'segment:networkOutput': ({ imageId }) => engine.networkOutput(imageId),
    'segment:calibrate': (request) => engine.calibrate(request),
    'models:choose': async () => ({ path: await app.chooseModelFile() }),
    'masks:chooseFolder': async ({ current }) => ({ path: await app.chooseExportFolder(current) }),
    'models:import': ({ path }) => engine.importModel(path),
    'models:upload': ({ name, bytes }) => engine.uploadModel(name, bytes),
    'masks:saveDraft': (request) => engine.saveDraft(request),
    'masks:loadDraft': ({ imageId }) => engine.loadDraft(imageId),
    'masks:discardDraft': ({ imageId }) => engine.discardDraft(imageId),
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
