// Preload script of CellDesk's window: exposes the contract's calls as `window.celldesk`. Runs sandboxed, bundled to
// one CommonJS file (see [Note: sandboxed preload] in electron.vite.config.ts).
import { contextBridge, ipcRenderer } from 'electron';
import { createBridge } from './bridge';

contextBridge.exposeInMainWorld('celldesk', createBridge((channel, input) => ipcRenderer.invoke(channel, input)));
