// The browser mode's HTTP server (`celldesk serve`): serves the built renderer and answers the same contract calls
// as the desktop app's main process, on 127.0.0.1, to holders of a random token. Node side (the serve command).
//
// [Note: browser mode] The page is the desktop app's renderer, unchanged; only its engine client differs
// (src/renderer/src/engineClient.ts). Calls are POST /api/call/<name>, bodies framed by src/shared/wire.ts (see
// [Note: binary over HTTP]), each answered by the router's handlers through dispatchCall, so arguments are validated
// by the contract's schemas here, where they are received, as in main. Events are Server-Sent Events on
// GET /api/events. Every /api request must carry the token (as `Authorization: Bearer <token>`, or `?token=` for
// EventSource, which cannot set headers) or is refused with 401 before anything else is looked at; the static files
// need none, since they hold no data. The server listens on 127.0.0.1 only: reaching it from another computer takes
// an SSH tunnel, which the token then still guards. Pages are sent with `Referrer-Policy: no-referrer`, so the token
// in the address never leaks in a Referer header.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import type { AddressInfo } from 'node:net';
import { CellDeskError } from '../engine/errors';
import { dispatchCall, isEventName, toCallFailure, type EventName, type Handlers } from '../shared/contract';
import { encodeMessage, decodeMessage } from '../shared/wire';

/** Largest request body accepted: an uploaded image file. */
const MAX_BODY_BYTES = 2 ** 30;
/** SSE comment sent this often so proxies and browsers keep an idle event stream open. */
const KEEPALIVE_MS = 15_000;

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

export interface BrowserServerOptions {
  handlers: Handlers;
  /** Calls `emit` with each engine event; returns the function that stops it. */
  subscribe: (emit: (name: EventName, payload: unknown) => void) => () => void;
  /** The built renderer (index.html and assets/). */
  rendererDir: string;
  /** 0 picks a free port. */
  port: number;
  /** Default: a fresh random token. */
  token?: string;
}

export interface BrowserServer {
  /** The address to open, token included. */
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

/** A request body larger than the server accepts. */
class RequestTooLargeError extends CellDeskError {
  constructor() {
    super('REQUEST_TOO_LARGE', `CellDesk's server accepts requests up to ${MAX_BODY_BYTES / 2 ** 30} GiB; open a larger image by its path instead.`, {
      limit: MAX_BODY_BYTES,
    });
  }
}

/** What the desktop app's dialogs answer in the browser, which has none the server could open. */
export class DesktopOnlyError extends CellDeskError {
  /** `instead`: what to do in the browser, as the end of a sentence. */
  constructor(feature: string, instead = "type the image's path or drop the file on the viewer") {
    super('DESKTOP_ONLY', `${feature} works in the desktop app. In the browser, ${instead}.`, { feature });
  }
}

/** The path part of an address, decoded; null when its %-escapes are malformed. */
function decodedPath(text: string): string | null {
  try {
    return decodeURIComponent(text);
  } catch {
    return null;
  }
}

function hasToken(request: IncomingMessage, url: URL, token: Buffer): boolean {
  const header = request.headers.authorization;
  const given = header?.startsWith('Bearer ') === true ? header.slice(7) : (url.searchParams.get('token') ?? '');
  const candidate = Buffer.from(given);
  return candidate.length === token.length && timingSafeEqual(candidate, token);
}

async function readBody(request: IncomingMessage): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    length += chunk.length;
    if (length > MAX_BODY_BYTES) throw new RequestTooLargeError();
    chunks.push(chunk);
  }
  return new Uint8Array(Buffer.concat(chunks, length));
}

function send(response: ServerResponse, status: number, body: string | Uint8Array, contentType: string, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': contentType, 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer', ...headers });
  response.end(body);
}

async function answerCall(options: BrowserServerOptions, name: string, request: IncomingMessage, response: ServerResponse): Promise<void> {
  let outcome;
  try {
    const message = decodeMessage(await readBody(request));
    const input = typeof message === 'object' && message !== null ? (message as { input?: unknown }).input : undefined;
    outcome = await dispatchCall(options.handlers, name, input, (error) => console.error(`CellDesk: "${name}" failed:`, error));
  } catch (error) {
    outcome = { ok: false, error: toCallFailure(error) };
  }
  send(response, 200, encodeMessage(outcome), 'application/octet-stream', { 'cache-control': 'no-store' });
}

function streamEvents(options: BrowserServerOptions, request: IncomingMessage, response: ServerResponse): void {
  response.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    connection: 'keep-alive',
  });
  response.write(': connected\n\n');
  const unsubscribe = options.subscribe((name, payload) => {
    if (isEventName(name)) response.write(`event: ${name}\ndata: ${JSON.stringify(payload)}\n\n`);
  });
  const keepalive = setInterval(() => response.write(': keepalive\n\n'), KEEPALIVE_MS);
  request.on('close', () => {
    clearInterval(keepalive);
    unsubscribe();
  });
}

async function serveFile(rendererDir: string, pathname: string, response: ServerResponse): Promise<void> {
  const decoded = decodedPath(pathname === '/' ? '/index.html' : pathname);
  const relative = decoded === null ? '' : normalize(decoded).replace(/^[/\\]+/, '');
  const path = join(rendererDir, relative);
  if (decoded === null || !path.startsWith(rendererDir + sep)) {
    send(response, 404, 'Not found', 'text/plain; charset=utf-8');
    return;
  }
  let body: Buffer;
  try {
    body = await readFile(path);
  } catch {
    send(response, 404, 'Not found', 'text/plain; charset=utf-8');
    return;
  }
  const cache = relative.startsWith('assets') ? 'max-age=31536000, immutable' : 'no-store';
  send(response, 200, body, CONTENT_TYPES[extname(path)] ?? 'application/octet-stream', { 'cache-control': cache });
}

export async function startBrowserServer(options: BrowserServerOptions): Promise<BrowserServer> {
  const token = options.token ?? randomBytes(32).toString('base64url');
  const tokenBytes = Buffer.from(token);
  const rendererDir = normalize(options.rendererDir).replace(/[/\\]+$/, '');

  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const route = async () => {
      if (url.pathname.startsWith('/api/')) {
        if (!hasToken(request, url, tokenBytes)) return send(response, 401, 'CellDesk needs the token printed by `celldesk serve`.', 'text/plain; charset=utf-8');
        const call = /^\/api\/call\/([^/]+)$/.exec(url.pathname);
        if (call !== null && request.method === 'POST') return answerCall(options, decodedPath(call[1]!) ?? '', request, response);
        if (url.pathname === '/api/events' && request.method === 'GET') return streamEvents(options, request, response);
        return send(response, 404, 'Not found', 'text/plain; charset=utf-8');
      }
      if (request.method !== 'GET' && request.method !== 'HEAD') return send(response, 405, 'Method not allowed', 'text/plain; charset=utf-8');
      // Browsers ask for an icon on their own; the page has none, and a 404 would read as an error in their console.
      if (url.pathname === '/favicon.ico') return send(response, 204, '', 'text/plain; charset=utf-8');
      return serveFile(rendererDir, url.pathname, response);
    };
    route().catch((error: unknown) => {
      console.error('CellDesk: the browser-mode server failed on a request:', error);
      if (!response.headersSent) send(response, 500, 'CellDesk hit an unexpected problem.', 'text/plain; charset=utf-8');
      else response.destroy();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
