// The router: answers every contract call where the contract says (`answeredBy`), for the desktop app's main process
// (src/main/ipc.ts) and the browser mode's server (browserServer.ts) alike. Engine calls are forwarded, unchanged, to
// the engine's worker, and its answers to the window with their label images as runs (see [Note: label runs] in
// src/shared/arrayRuns.ts); the others go to the service that answers them. See [Note: one contract] in
// src/shared/contract.ts. Node side; imports no Electron, so tests and `celldesk serve` load it as it is.
import { callNames, contract, type Answerer, type CallHandlers, type CallName, type CallsAnsweredBy, type EngineCall, type Handlers } from '../shared/contract';
import { readAppInfo } from './appInfo';
import type { EngineServices } from './engineServices';

export interface AppContext extends EngineServices {
  /** CellDesk's version (Electron's app.getVersion()). */
  version: string;
  /** Asks the user for an image file (the desktop app's dialog); resolves to null when they cancel. */
  chooseImageFile: () => Promise<string | null>;
  /** Asks the user for a model file (the desktop app's dialog); resolves to null when they cancel. */
  chooseModelFile: () => Promise<string | null>;
  /** Asks the user for an export folder (the desktop app's dialog), starting at `current`; null when they cancel. */
  chooseExportFolder: (current: string | undefined) => Promise<string | null>;
  /** Asks the user for a batch's images (the desktop app's dialog): a folder, or image files; none when they cancel. */
  chooseBatchImages: (kind: 'folder' | 'files') => Promise<string[]>;
}

/** The calls the hosting process answers itself. */
function appHandlers(app: AppContext): CallHandlers<CallsAnsweredBy<'app'>> {
  return {
    'app:info': () => readAppInfo(app.version),
    'image:choose': async () => ({ path: await app.chooseImageFile() }),
    'models:choose': async () => ({ path: await app.chooseModelFile() }),
    'masks:chooseFolder': async ({ current }) => ({ path: await app.chooseExportFolder(current) }),
    'batch:chooseImages': async ({ kind }) => ({ paths: await app.chooseBatchImages(kind) }),
  };
}

/** One handler per contract call, each answering where the contract says. */
export function createHandlers(app: AppContext): Handlers {
  const answerers: { [Where in Exclude<Answerer, 'engine'>]: CallHandlers<CallsAnsweredBy<Where>> } = {
    app: appHandlers(app),
    benchmark: app.benchmark.handlers,
    batch: app.batch.handlers,
    history: app.history,
  };
  // The compiler checks each table against the contract above; here the calls are matched to them by name.
  const handlers: Partial<Record<CallName, (input: never) => unknown>> = {};
  for (const name of callNames) {
    const where = contract[name].answeredBy;
    handlers[name] = where === 'engine' ? (input) => app.engine.forward(name as EngineCall, input) : (answerers[where] as Partial<typeof handlers>)[name];
  }
  return handlers as Handlers;
}
