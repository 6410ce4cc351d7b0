// The type the renderer sees for what src/preload/index.ts exposes (the web tsconfig includes only this file of the
// preload).
import type { CellDeskBridge } from '../shared/contract';

declare global {
  interface Window {
    celldesk: CellDeskBridge;
  }
}
