// Preload script of CellDesk's window: exposes the contract's calls and events as `window.celldesk`. Runs sandboxed, bundled to
// one CommonJS file (see [Note: sandboxed preload] in electron.vite.config.ts).
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
