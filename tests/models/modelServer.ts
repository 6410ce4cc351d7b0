// Test helper: a real HTTP model server on 127.0.0.1 serving ../shared files under catalogue-like names, with
// Range support and the failures a download must survive (cut connections, slow or late answers).
import { createReadStream, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ServedRequest {
  file: string;
  range: string | undefined;
  status: number;
  /** Body bytes written before the response ended or was cut. */
  bytesSent: number;
}

export interface ServerBehaviour {
  /** Destroys the connection of the first `cutRequests` responses after this many body bytes. */
  cutAfterBytes?: number;
  cutRequests?: number;
  /** Waits this long before answering each request. */
  answerDelayMs?: number;
  /** Sends the body in 64 KiB chunks with this pause between them. */
  chunkPauseMs?: number;
}

export interface ModelServer {
  /** Base URL ending in /models/. */
  url: string;
  requests: ServedRequest[];
  /** Name served -> file on disk; tests may change it between downloads. */
  files: Map<string, string>;
  behaviour: ServerBehaviour;
  close(): Promise<void>;
}

const CHUNK = 64 * 1024;

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function answer(request: IncomingMessage, response: ServerResponse, server: ModelServer): Promise<void> {
  const name = decodeURIComponent((request.url ?? '').replace(/^\/models\//, ''));
  const range = request.headers.range;
  const record: ServedRequest = { file: name, range, status: 0, bytesSent: 0 };
  server.requests.push(record);
  const { cutAfterBytes, cutRequests = 1, answerDelayMs = 0, chunkPauseMs = 0 } = server.behaviour;
  const cut = cutAfterBytes !== undefined && server.requests.length <= cutRequests ? cutAfterBytes : Infinity;
  if (answerDelayMs > 0) await pause(answerDelayMs);

  const path = server.files.get(name);
  if (path === undefined) {
    record.status = 404;
    response.writeHead(404).end('not found');
    return;
  }
  const size = statSync(path).size;
  const start = range === undefined ? 0 : Number(/^bytes=(\d+)-$/.exec(range)?.[1] ?? NaN);
  if (!Number.isInteger(start) || start >= size) {
    record.status = 416;
    response.writeHead(416, { 'Content-Range': `bytes */${size}` }).end();
    return;
  }
  record.status = range === undefined ? 200 : 206;
  response.writeHead(record.status, {
    'Content-Length': size - start,
    ...(range === undefined ? {} : { 'Content-Range': `bytes ${start}-${size - 1}/${size}` }),
  });
  for await (const chunk of createReadStream(path, { start, highWaterMark: CHUNK })) {
    const bytes = chunk as Buffer;
    if (response.destroyed) return;
    if (record.bytesSent + bytes.length >= cut) {
      const head = bytes.subarray(0, cut - record.bytesSent);
      record.bytesSent += head.length;
      response.write(head, () => response.socket?.destroy());
      return;
    }
    record.bytesSent += bytes.length;
    if (!response.write(bytes)) await new Promise((resolve) => response.once('drain', resolve));
    if (chunkPauseMs > 0) await pause(chunkPauseMs);
  }
  response.end();
}

export async function startModelServer(files: Record<string, string>, behaviour: ServerBehaviour = {}): Promise<ModelServer> {
  const httpServer = createServer();
  const server: ModelServer = {
    url: '',
    requests: [],
    files: new Map(Object.entries(files)),
    behaviour,
    close: () =>
      new Promise((resolve) => {
        httpServer.closeAllConnections();
        httpServer.close(() => resolve());
      }),
  };
  httpServer.on('request', (request, response) => {
    answer(request, response, server).catch(() => response.destroy());
  });
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  server.url = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}/models/`;
  return server;
}
