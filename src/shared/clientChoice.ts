// Which engine client the page runs on: Electron's preload bridge, the browser mode's HTTP API, or neither, when a
// desktop window lost its preload. Pure; the renderer's entry (src/renderer/src/main.tsx) uses it, tests run it in Node.
//
// [Note: missing bridge] In the desktop app the preload script exposes `window.celldesk`. If it did not load (a
// broken package, a preload that threw), the page must say so rather than fall back to the browser mode's HTTP
// client, whose calls would go to a server that is not there and fail with a misleading message about tokens. A
// desktop window is known by its address (`app://`, see [Note: app protocol] in src/main/rendererLocation.ts) or, on
// the dev server's page, by Electron's user agent; the main process also logs the preload's error
// ('preload-error'). Only Electron shows a preload failing; tests check this choice.
import type { CellDeskBridge } from './contract';

export type ClientChoice =
  | { kind: 'desktop'; bridge: CellDeskBridge }
  | { kind: 'browser'; origin: string }
  | { kind: 'missing-bridge' };

export interface PageFacts {
  /** `window.celldesk`, absent outside Electron whatever the type declaration says. */
  bridge: CellDeskBridge | undefined;
  href: string;
  userAgent: string;
}

export function chooseClient({ bridge, href, userAgent }: PageFacts): ClientChoice {
  if (bridge !== undefined) return { kind: 'desktop', bridge };
  const page = new URL(href);
  if (page.protocol === 'app:' || /\bElectron\//.test(userAgent)) return { kind: 'missing-bridge' };
  // The token is not the page's to read: the server set it as an HttpOnly cookie on the first load and took it out
  // of the address (see [Note: browser-mode requests] in src/host/requestGuard.ts).
  return { kind: 'browser', origin: page.origin };
}
