// The browser mode's HTTP server (`celldesk serve`): serves the built renderer and answers the same contract calls
// as the desktop app's main process, on 127.0.0.1, to holders of a random token. Node side (the serve command).
//
// [Note: browser mode] The page is the desktop app's renderer, unchanged; only its engine client differs
// (src/renderer/src/httpClient.ts). Calls are POST /api/call/<name>, bodies framed by src/shared/wire.ts (see
// [Note: binary over HTTP]), each answered by the router's handlers through dispatchCall, so arguments are validated
// by the contract's schemas here, where they are received, as in main. Answers carry label images as the engine's
// runs; requests may not (see [Note: label runs]). Events are Server-Sent Events on GET /api/events. Every request is
// first checked for this server's Host and Origin, then every /api request for the token (see
// [Note: browser-mode requests] in requestGuard.ts), before anything else is looked at; the static files need no
// token, since they hold no data. The server listens on 127.0.0.1 only: reaching it from another computer takes an
// SSH tunnel, which the token then still guards. Nothing a request holds may end the server: the request is parsed
// inside the same error boundary that answers it, and a failure becomes a 400 or 500 for that request alone.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import type { AddressInfo } from 'node:net';
import { CellDeskError } from '../engine/errors';
import { dispatchCall, isEventName, toCallFailure, type EventName, type Handlers } from '../shared/contract';
import { encodeMessage, decodeMessage } from '../shared/wire';
import { receiveBody, SpoolFolder } from './requestBody';
import { carriesToken, foreignRequestReason, isToken, tokenCookie } from './requestGuard';

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

/** Sent with every answer: no sniffing, no Referer, and no page of another site may frame CellDesk's. */
const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'content-security-policy': "frame-ancestors 'none'",
  'x-frame-options': 'DENY',
};

const TEXT = 'text/plain; charset=utf-8';

function send(response: ServerResponse, status: number, body: string | Uint8Array, contentType: string, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': contentType, ...SECURITY_HEADERS, ...headers });
  response.end(body);
}

async function answerCall(options: BrowserServerOptions, spool: SpoolFolder, name: string, request: IncomingMessage, response: ServerResponse): Promise<void> {
  let outcome;
  try {
    const message = decodeMessage(await receiveBody(request, MAX_BODY_BYTES, spool), { unpackRuns: false });
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
    ...SECURITY_HEADERS,
    connection: 'keep-alive',
  });
  // A stream whose browser went away must not turn a later write into an unhandled error.
  response.on('error', () => undefined);
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
  if (decoded === null || decoded.includes('\0') || !path.startsWith(rendererDir + sep)) {
    send(response, 404, 'Not found', TEXT);
    return;
  }
  let body: Buffer;
  try {
    body = await readFile(path);
  } catch {
    send(response, 404, 'Not found', TEXT);
    return;
  }
  const cache = relative.startsWith('assets') ? 'max-age=31536000, immutable' : 'no-store';
  send(response, 200, body, CONTENT_TYPES[extname(path)] ?? 'application/octet-stream', { 'cache-control': cache });
}

/** The path and query of a request target, or null when it is not an absolute path (`//x`, `*`, a full URL). */
function requestTarget(target: string | undefined): { pathname: string; query: URLSearchParams } | null {
  if (target === undefined || !target.startsWith('/') || target.startsWith('//')) return null;
  const queryStart = target.indexOf('?');
  const pathname = queryStart < 0 ? target : target.slice(0, queryStart);
  return { pathname, query: new URLSearchParams(queryStart < 0 ? '' : target.slice(queryStart + 1)) };
}

interface ServerState {
  options: BrowserServerOptions;
  rendererDir: string;
  /** Known once the server listens, before any request can arrive. */
  port: number;
  token: Buffer;
  spool: SpoolFolder;
}

async function route(state: ServerState, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const { options, port, token } = state;
  const refusal = foreignRequestReason(request.headers, port);
  if (refusal !== null) return send(response, 403, refusal, TEXT);
  const target = requestTarget(request.url);
  if (target === null) return send(response, 400, 'Bad request', TEXT);
  const { pathname, query } = target;
  if (pathname.startsWith('/api/')) {
    if (!carriesToken(request.headers, port, token)) return send(response, 401, 'CellDesk needs the token printed by `celldesk serve`.', TEXT);
    const call = /^\/api\/call\/([^/]+)$/.exec(pathname);
    if (call !== null && request.method === 'POST') return answerCall(options, state.spool, decodedPath(call[1]!) ?? '', request, response);
    if (pathname === '/api/events' && request.method === 'GET') return streamEvents(options, request, response);
    return send(response, 404, 'Not found', TEXT);
  }
  if (request.method !== 'GET' && request.method !== 'HEAD') return send(response, 405, 'Method not allowed', TEXT);
  if (query.has('token')) {
    // The first load: the token becomes the page's cookie and leaves the address (see [Note: browser-mode requests]).
    const headers: Record<string, string> = { location: '/', 'cache-control': 'no-store' };
    if (isToken(query.get('token'), token)) headers['set-cookie'] = tokenCookie(port, query.get('token')!);
    return send(response, 303, '', TEXT, headers);
  }
  // Browsers ask for an icon on their own; the page has none, and a 404 would read as an error in their console.
  if (pathname === '/favicon.ico') return send(response, 204, '', TEXT);
  return serveFile(state.rendererDir, pathname, response);
}

export async function startBrowserServer(options: BrowserServerOptions): Promise<BrowserServer> {
  const token = options.token ?? randomBytes(32).toString('base64url');
  const spool = new SpoolFolder();
  const rendererDir = normalize(options.rendererDir).replace(/[/\\]+$/, '');
  const state: ServerState = { options, rendererDir, port: 0, token: Buffer.from(token), spool };

  const server = createServer((request, response) => {
    route(state, request, response).catch((error: unknown) => {
      console.error('CellDesk: the browser-mode server failed on a request:', error);
      if (response.headersSent) response.destroy();
      else {
        try {
          send(response, 500, 'CellDesk hit an unexpected problem.', TEXT);
        } catch {
          response.destroy();
        }
      }
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  state.port = port;
  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
      await spool.remove();
    },
  };
}
