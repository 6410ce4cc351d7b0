// Preload script of CellDesk's window: exposes the contract's calls and events as `window.celldesk`, and the paths of
// files dropped on the window. Runs sandboxed, bundled to one CommonJS file (see [Note: sandboxed preload] in
// electron.vite.config.ts). ipcRenderer and webUtils exist only inside Electron, so tests build the same bridge
// (bridge.ts) with stand-ins for them; only Electron shows a real drop giving its path.
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import { EVENT_CHANNEL } from '../shared/contract';
import { createBridge } from './bridge';

contextBridge.exposeInMainWorld(
  'celldesk',
  createBridge(
    (channel, input) => ipcRenderer.invoke(channel, input),
    (listener) => {
      const relay = (_event: IpcRendererEvent, name: unknown, payload: unknown) => listener(name, payload);
      ipcRenderer.on(EVENT_CHANNEL, relay);
      return () => ipcRenderer.removeListener(EVENT_CHANNEL, relay);
    },
    (file) => webUtils.getPathForFile(file),
  ),
);
