// Serves the built renderer on CellDesk's own `app://celldesk/` scheme (see [Note: app protocol] in
// rendererLocation.ts). Main process only.
import { net, protocol } from 'electron';
import { pathToFileURL } from 'node:url';
import { APP_SCHEME, fileForAppUrl } from './rendererLocation';

/**
 * Declares the scheme's privileges; Electron accepts this only before the app is ready. Not `corsEnabled`: no other
 * origin may read CellDesk's files, and the page's own scripts are same-origin requests, which a standard scheme
 * allows.
 */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } },
  ]);
}

/** Answers `app://celldesk/<path>` with the file of that path under `rendererDir`, and anything else with 404. */
export function serveRenderer(rendererDir: string): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const file = fileForAppUrl(request.url, rendererDir);
    if (file === null) return new Response('Not found', { status: 404 });
    // net.fetch reads inside app.asar and sets the content type from the extension, as for file:// pages.
    return net.fetch(pathToFileURL(file).href).catch(() => new Response('Not found', { status: 404 }));
  });
}
