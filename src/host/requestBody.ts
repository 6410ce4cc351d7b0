// Receives an HTTP request body for the browser-mode server: small bodies in memory, larger ones streamed into a
// private spool file as they arrive and read back whole once complete. Node side (the serve command).
//
// [Note: spooled request bodies] An upload (an image, a model) may be a gigabyte and may arrive slowly. Held in
// memory as it arrives, each upload in flight would keep its chunks and then a second, joined copy; a few at once
// could exhaust the server's memory before any was complete. So above SPOOL_THRESHOLD a body goes to disk chunk by
// chunk (waiting for each write, so a fast sender cannot pile chunks up in memory), and only the complete body is
// read back, once, for the handler that needs its bytes. A body larger than the limit is refused as soon as it
// crosses it, and a spool file never outlives its request.
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CellDeskError } from '../engine/errors';

/** Bodies up to this size stay in memory. */
export const SPOOL_THRESHOLD = 1 << 20;

/** A request body larger than the server accepts. */
export class RequestTooLargeError extends CellDeskError {
  constructor(limit: number) {
    super('REQUEST_TOO_LARGE', `CellDesk's server accepts requests up to ${limit / 2 ** 30} GiB; open a larger image by its path instead.`, { limit });
  }
}

/** Where spool files go: one private folder per server, made on first use and removed on close. */
export class SpoolFolder {
  private folder: Promise<string> | null = null;
  private next = 0;

  /** A fresh file path in the folder. */
  async newFile(): Promise<string> {
    this.folder ??= mkdtemp(join(tmpdir(), 'celldesk-serve-'));
    return join(await this.folder, `body-${this.next++}`);
  }

  async remove(): Promise<void> {
    if (this.folder !== null) await rm(await this.folder, { recursive: true, force: true });
  }
}

function write(stream: WriteStream, chunk: Buffer): Promise<void> {
  return new Promise((resolve, reject) => stream.write(chunk, (error) => (error ? reject(error) : resolve())));
}

function finish(stream: WriteStream): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.once('error', reject);
    stream.end(resolve);
  });
}

/** The whole body of `request`, at most `limit` bytes (see [Note: spooled request bodies]). */
export async function receiveBody(request: IncomingMessage, limit: number, spool: SpoolFolder): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let length = 0;
  let file: string | null = null;
  let stream: WriteStream | null = null;
  try {
    for await (const chunk of request as AsyncIterable<Buffer>) {
      length += chunk.length;
      if (length > limit) throw new RequestTooLargeError(limit);
      if (stream === null && length <= SPOOL_THRESHOLD) {
        chunks.push(chunk);
        continue;
      }
      if (stream === null) {
        file = await spool.newFile();
        stream = createWriteStream(file, { flags: 'wx', mode: 0o600 });
        for (const held of chunks.splice(0)) await write(stream, held);
      }
      await write(stream, chunk);
    }
    if (stream === null) return new Uint8Array(Buffer.concat(chunks, length));
    await finish(stream);
    stream = null;
    return new Uint8Array(await readFile(file!));
  } finally {
    stream?.destroy();
    if (file !== null) await rm(file, { force: true });
  }
}
