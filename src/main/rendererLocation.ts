// Where CellDesk's window page comes from and which pages count as CellDesk's own: the `app://celldesk/` address of
// the built renderer, or Vite's dev server under `electron-vite dev` only. Pure, so tests check it without Electron;
// the protocol handler that serves these addresses is src/main/appProtocol.ts.
//
// [Note: app protocol] The built page is served from a privileged custom scheme, `app://celldesk/...`, mapped onto
// the renderer folder (inside app.asar when packaged), instead of `file://` (Electron security checklist item 18):
// a file:// page may read any other file:// address, its origin is shared by every local file, and a Windows path
// with spaces or non-ASCII letters reaches it percent-encoded, which made comparing addresses fragile. Under app://
// the page has one origin of its own, only the renderer folder is reachable through it, and the trusted-page check
// is a comparison of scheme and host. The scheme is `standard` and `secure`, so relative URLs, `'self'` in the
// page's Content-Security-Policy and fetch behave as on https. Only Electron shows the page loading; the mapping of
// addresses to files and the trusted-page check are tested here.
import * as nodePath from 'node:path';

export const APP_SCHEME = 'app';
export const APP_HOST = 'celldesk';
/** The built renderer's page. */
export const APP_PAGE = new URL(`${APP_SCHEME}://${APP_HOST}/index.html`);

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * The page to load: Vite's dev server when this main process was bundled by `electron-vite dev` (`devBuild`, its
 * `import.meta.env.DEV`) and the server is on this computer; otherwise the built renderer. A built or packaged app
 * never follows ELECTRON_RENDERER_URL, which anyone who can set an environment variable could point elsewhere.
 */
export function rendererPage(devServer: string | undefined, devBuild: boolean): URL {
  if (!devBuild || devServer === undefined || !URL.canParse(devServer)) return APP_PAGE;
  const url = new URL(devServer);
  const local = (url.protocol === 'http:' || url.protocol === 'https:') && LOOPBACK_HOSTS.has(url.hostname);
  return local ? url : APP_PAGE;
}

/** Whether a page (or frame) address is CellDesk's own renderer, loaded from `renderer` (see [Note: app protocol]). */
export function isTrustedPage(address: string | undefined, renderer: URL): boolean {
  if (address === undefined || !URL.canParse(address)) return false;
  const page = new URL(address);
  if (renderer.protocol === `${APP_SCHEME}:`) return page.protocol === renderer.protocol && page.host === renderer.host;
  return page.origin === renderer.origin;
}

/**
 * The file under `rendererDir` that an `app://celldesk/...` address names, or null for any address that is not
 * CellDesk's or would lead outside the folder (`..`, encoded separators, NUL). `path` is node:path's platform
 * flavour (tests pass `win32`).
 */
export function fileForAppUrl(address: string, rendererDir: string, path: nodePath.PlatformPath = nodePath): string | null {
  if (!URL.canParse(address)) return null;
  const url = new URL(address);
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return null;
  let relative: string;
  try {
    relative = decodeURIComponent(url.pathname);
  } catch {
    return null;
  }
  if (relative.includes('\0')) return null;
  if (relative === '/' || relative === '') relative = '/index.html';
  const root = path.resolve(rendererDir);
  const file = path.resolve(root, `.${relative}`);
  return file.startsWith(root + path.sep) ? file : null;
}
