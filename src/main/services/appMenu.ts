// Installs the native menu (src/main/menu.ts) and keeps its Open Recent list current; carries out the items that
// run in the main process (About, data folder, documentation) and sends the others to the window as 'app:command'.
// Main process only.
import { app, BrowserWindow, dialog, Menu, shell } from 'electron';
import { appDataDir } from '../../engine/io/appPaths';
import type { EngineService } from '../../engine/service/engineService';
import { EVENT_CHANNEL, type AppCommand, type Handlers } from '../../shared/contract';
import { buildMenuTemplate, CELLPOSE_DOCUMENTATION_URL, type MenuActions } from '../menu';
import { readAppInfo } from '../../host/appInfo';

/** The window a command is for: the focused one, else the first (a menu used while no window has the focus). */
function targetWindow(): BrowserWindow | undefined {
  return BrowserWindow.getFocusedWindow() ?? BrowserWindow.getAllWindows()[0];
}

function showAbout(): void {
  const info = readAppInfo(app.getVersion());
  const detail = [
    `onnxruntime-node ${info.onnxruntime}`,
    `Electron ${info.electron ?? '-'}, Chromium ${info.chrome ?? '-'}, Node ${info.node}`,
    `${info.platform} ${info.arch}`,
    'Reproduces Cellpose 3.0.11 inference without Python.',
  ].join('\n');
  const options = { type: 'info' as const, title: 'About CellDesk', message: `CellDesk ${info.version}`, detail, buttons: ['OK'] };
  const window = targetWindow();
  void (window === undefined ? dialog.showMessageBox(options) : dialog.showMessageBox(window, options));
}

const actions: MenuActions = {
  command: (command: AppCommand) => targetWindow()?.webContents.send(EVENT_CHANNEL, 'app:command', command),
  about: showAbout,
  openDataFolder: () => void shell.openPath(appDataDir()),
  openDocumentation: () => void shell.openExternal(CELLPOSE_DOCUMENTATION_URL),
};

/** Builds the menu now and after each image opened; returns the handlers with 'image:open' refreshing it. */
export function installAppMenu(engine: EngineService, handlers: Handlers): Handlers {
  const refresh = async () => {
    // Without the list the menu is still useful: it is built with none.
    const recent = await engine.call('image:recent', undefined).catch(() => []);
    Menu.setApplicationMenu(Menu.buildFromTemplate(buildMenuTemplate(recent, actions, process.platform)));
  };
  void refresh();
  return {
    ...handlers,
    'image:open': async (input) => {
      const opened = await handlers['image:open'](input);
      void refresh();
      return opened;
    },
  };
}
