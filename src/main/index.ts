// Electron main process: starts CellDesk once per data folder, checks its database library, opens the window with secure
// defaults and answers the renderer's contract calls.
// [Note: window security] The renderer is a web page that will display files from anywhere, so it gets no Node:
// every renderer is sandboxed with context isolation, its only door to the main process is the preload's
// `window.celldesk` (contract calls, validated in main, from CellDesk's own page only), it cannot navigate away,
// open windows or obtain permissions, its HTML carries a strict Content-Security-Policy (src/renderer/index.html),
// and it is served from CellDesk's own app:// scheme, not file:// ([Note: app protocol] in rendererLocation.ts).
// The installers add Electron's fuses (packaging/config.ts). Heavy work never runs here: a busy main process freezes
// the window too, so the engine works in a utility process of its own (see [Note: engine host] in
// src/engine/service/engineService.ts).
import { app, BrowserWindow, dialog, ipcMain, session } from 'electron';
import { join } from 'node:path';
import { APP_NAME, appDataDir } from '../engine/io/appPaths';
import batchWorkerPath from '../engine/service/batchWorker?modulePath';
import benchmarkWorkerPath from '../engine/service/benchmarkWorker?modulePath';
import engineHostPath from '../engine/service/engineHost?modulePath';
import { currentRuntime, SQLITE_BINDING_ENV } from '../engine/storage/nativeModule';
import { EVENT_CHANNEL } from '../shared/contract';
import { closeEngineServices, createEngineServices, relayEvents } from '../host/engineServices';
import { createHandlers } from '../host/router';
import { registerAppScheme, serveRenderer } from './appProtocol';
import { ImageInbox } from './imageInbox';
import { registerIpc } from './ipc';
import { imagesFromArgv, imagesFromSecondInstance, type SecondInstanceData } from './launchArguments';
import { checkSqliteBinding, electronSqliteBinding } from './nativeModules';
import { isTrustedPage, rendererPage } from './rendererLocation';
import { installAppMenu } from './services/appMenu';
import { chooseBatchImages, chooseExportFolder, chooseImageFile, chooseModelFile } from './services/dialogs';
import { stopBeforeQuit } from './shutdown';
import { utilityProcessHost } from './utilityProcessHost';
import { bringToFront, createMainWindow } from './window';

/**
 * Names the better-sqlite3 build for this Electron for the engine, after checking that it loads here; false when it
 * does not, once the user has been told why and how to fix it (see [Note: two sqlite builds] in nativeModules.ts).
 */
function prepareDatabaseLibrary(): boolean {
  const runtime = currentRuntime();
  const binding = electronSqliteBinding({ packaged: app.isPackaged, resourcesPath: process.resourcesPath, appPath: app.getAppPath() }, runtime);
  try {
    checkSqliteBinding(binding, runtime, app.isPackaged);
  } catch (error) {
    dialog.showErrorBox('CellDesk cannot start', error instanceof Error ? error.message : String(error));
    return false;
  }
  process.env[SQLITE_BINDING_ENV] = binding;
  return true;
}

/** Shows CellDesk's window (opening one if none is left, as on macOS); set once the app has started. */
let showWindow: (() => void) | null = null;

function start(inbox: ImageInbox): void {
  if (!prepareDatabaseLibrary()) {
    app.exit(1);
    return;
  }
  // ELECTRON_RENDERER_URL is followed only by a main process bundled by `electron-vite dev`.
  const renderer = rendererPage(process.env['ELECTRON_RENDERER_URL'], import.meta.env.DEV);
  serveRenderer(join(import.meta.dirname, '../renderer'));
  const services = createEngineServices({
    engineHost: utilityProcessHost(engineHostPath, 'CellDesk engine'),
    benchmarkHost: utilityProcessHost(benchmarkWorkerPath, 'CellDesk benchmark'),
    batchHost: utilityProcessHost(batchWorkerPath, 'CellDesk batch'),
  });
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, grant) => grant(false));
  const handlers = createHandlers({
    version: app.getVersion(),
    ...services,
    chooseImageFile: () => chooseImageFile(BrowserWindow.getFocusedWindow()),
    chooseModelFile: () => chooseModelFile(BrowserWindow.getFocusedWindow()),
    chooseExportFolder: (current) => chooseExportFolder(BrowserWindow.getFocusedWindow(), current),
    chooseBatchImages: (kind) => chooseBatchImages(BrowserWindow.getFocusedWindow(), kind),
  });
  registerIpc(ipcMain, installAppMenu(services.engine, handlers), (event) => isTrustedPage(event.senderFrame?.url, renderer));
  relayEvents(services, (name, payload) => {
    for (const window of BrowserWindow.getAllWindows()) window.webContents.send(EVENT_CHANNEL, name, payload);
  });
  stopBeforeQuit(app, () => closeEngineServices(services));

  const mainWindow = () => BrowserWindow.getAllWindows()[0] ?? createMainWindow(renderer, inbox);
  showWindow = () => bringToFront(mainWindow());
  mainWindow();
  app.on('activate', () => void mainWindow());
  app.on('second-instance', (_event, argv, workingDirectory, additionalData) => {
    const [image] = imagesFromSecondInstance(argv, workingDirectory, additionalData);
    showWindow?.();
    if (image !== undefined) inbox.open(image);
  });
}

// [Note: data folder] (src/engine/io/appPaths.ts): the app and the CLI share one folder, CELLDESK_HOME included.
// Electron would otherwise name it after package.json's lower-case "name". Set before `ready`, as Electron requires,
// and before the single-instance lock, which Electron takes in that folder.
app.setName(APP_NAME);
app.setPath('userData', appDataDir());

// [Note: single instance] in launchArguments.ts: a second launch hands its images to the first and quits.
const [launchImage] = imagesFromArgv(process.argv, process.cwd());
if (!app.requestSingleInstanceLock({ images: launchImage === undefined ? [] : [launchImage] } satisfies SecondInstanceData)) {
  app.quit();
} else {
  const inbox = new ImageInbox();
  if (launchImage !== undefined) inbox.open(launchImage);
  // macOS hands files opened from the Finder or dropped on the Dock icon here, possibly before 'ready'.
  app.on('open-file', (event, path) => {
    event.preventDefault();
    inbox.open(path);
    showWindow?.();
  });
  registerAppScheme();
  app.enableSandbox();
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app
    .whenReady()
    .then(() => start(inbox))
    .catch((error: unknown) => {
      console.error('CellDesk could not start:', error);
      app.exit(1);
    });
}
