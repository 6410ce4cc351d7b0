// Electron main process: opens CellDesk's window with secure defaults and answers the renderer's contract calls.
// [Note: window security] The renderer is a web page that will display files from anywhere, so it gets no Node:
// every renderer is sandboxed with context isolation, its only door to the main process is the preload's
// `window.celldesk` (contract calls, validated in main, from CellDesk's own page only), it cannot navigate away,
// open windows or obtain permissions, and its HTML carries a strict Content-Security-Policy
// (src/renderer/index.html). Heavy work never runs here: a busy main process freezes the window too, so the engine
// works in a utility process of its own (see [Note: engine host] in src/engine/service/engineService.ts).
import { app, BrowserWindow, ipcMain, session } from 'electron';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { APP_NAME, appDataDir } from '../engine/io/appPaths';
import benchmarkWorkerPath from '../engine/service/benchmarkWorker?modulePath';
import engineHostPath from '../engine/service/engineHost?modulePath';
import { EVENT_CHANNEL } from '../shared/contract';
import { createHandlers } from '../host/router';
import { registerIpc } from './ipc';
import { installAppMenu } from './services/appMenu';
import { utilityProcessHost } from './utilityProcessHost';
import { chooseImageFile, chooseModelFile, confirmLeavingUnsavedEdits } from './services/dialogs';
import { closeEngineServices, createEngineServices, relayEvents } from '../host/engineServices';

/** Where the renderer is served from: Vite's dev server under `electron-vite dev`, otherwise the built HTML. */
function rendererUrl(): URL {
  const devServer = process.env['ELECTRON_RENDERER_URL'];
  if (!app.isPackaged && devServer !== undefined && devServer !== '') return new URL(devServer);
  return pathToFileURL(join(import.meta.dirname, '../renderer/index.html'));
}

/** Whether a page (or frame) address is CellDesk's own renderer. */
function isRendererPage(address: string | undefined, renderer: URL): boolean {
  if (address === undefined || !URL.canParse(address)) return false;
  const page = new URL(address);
  return renderer.protocol === 'file:'
    ? page.protocol === 'file:' && page.pathname === renderer.pathname
    : page.origin === renderer.origin;
}

function createWindow(renderer: URL): BrowserWindow {
  const window = new BrowserWindow({
    width: 1280,
    height: 860,
    title: 'CellDesk',
    show: false,
    webPreferences: {
      preload: join(import.meta.dirname, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
    },
  });
  window.once('ready-to-show', () => window.show());
  window.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  // The renderer's beforeunload refuses while edits are unsaved; Electron then asks nobody, so ask here.
  window.webContents.on('will-prevent-unload', (event) => {
    if (confirmLeavingUnsavedEdits(window)) event.preventDefault();
  });
  window.webContents.on('will-navigate', (event) => {
    if (!isRendererPage(event.url, renderer)) event.preventDefault();
  });
  void window.loadURL(renderer.href);
  return window;
}

function start(): void {
  const renderer = rendererUrl();
  const services = createEngineServices({
    engineHost: utilityProcessHost(engineHostPath, 'CellDesk engine'),
    benchmarkHost: utilityProcessHost(benchmarkWorkerPath, 'CellDesk benchmark'),
  });
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, grant) => grant(false));
  const handlers = createHandlers({
    version: app.getVersion(),
    ...services,
    chooseImageFile: () => chooseImageFile(BrowserWindow.getFocusedWindow()),
    chooseModelFile: () => chooseModelFile(BrowserWindow.getFocusedWindow()),
  });
  registerIpc(ipcMain, installAppMenu(services.engine, handlers), (event) => isRendererPage(event.senderFrame?.url, renderer));
  relayEvents(services, (name, payload) => {
    for (const window of BrowserWindow.getAllWindows()) window.webContents.send(EVENT_CHANNEL, name, payload);
  });
  app.on('will-quit', () => void closeEngineServices(services));
  createWindow(renderer);
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow(renderer);
  });
}

// [Note: data folder] (src/engine/io/appPaths.ts): the app and the CLI share one folder, CELLDESK_HOME included.
// Electron would otherwise name it after package.json's lower-case "name". Set before `ready`, as Electron requires.
app.setName(APP_NAME);
app.setPath('userData', appDataDir());
app.enableSandbox();
app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
app
  .whenReady()
  .then(start)
  .catch((error: unknown) => {
    console.error('CellDesk could not start:', error);
    app.exit(1);
  });
