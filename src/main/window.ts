// CellDesk's window: created with the secure defaults of [Note: window security] (src/main/index.ts), kept on
// CellDesk's own page, and handed the images the operating system asks it to open once its page can take them.
// Main process only.
import { BrowserWindow } from 'electron';
import { join } from 'node:path';
import { EVENT_CHANNEL, type AppCommand } from '../shared/contract';
import type { ImageInbox } from './imageInbox';
import { isTrustedPage } from './rendererLocation';
import { confirmLeavingUnsavedEdits } from './services/dialogs';

export function createMainWindow(renderer: URL, inbox: ImageInbox): BrowserWindow {
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
  const contents = window.webContents;
  window.once('ready-to-show', () => window.show());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  // The renderer's beforeunload refuses while edits are unsaved; Electron then asks nobody, so ask here.
  contents.on('will-prevent-unload', (event) => {
    if (confirmLeavingUnsavedEdits(window)) event.preventDefault();
  });
  contents.on('will-navigate', (event) => {
    if (!isTrustedPage(event.url, renderer)) event.preventDefault();
  });
  // The page then shows that it has no bridge ([Note: missing bridge] in src/shared/clientChoice.ts).
  contents.on('preload-error', (_event, preloadPath, error) => console.error(`CellDesk: the preload script ${preloadPath} failed:`, error));
  // The page registers its command listener as its script starts, so a loaded page can take images.
  const openInPage = (path: string) => contents.send(EVENT_CHANNEL, 'app:command', { command: 'open-file', path } satisfies AppCommand);
  contents.on('did-finish-load', () => inbox.attach(openInPage));
  contents.on('did-start-loading', () => inbox.attach(null));
  window.on('closed', () => inbox.attach(null));
  void window.loadURL(renderer.href);
  return window;
}

/** Brings `window` to the front, restored if it was minimised. */
export function bringToFront(window: BrowserWindow): void {
  if (window.isMinimized()) window.restore();
  window.show();
  window.focus();
}
