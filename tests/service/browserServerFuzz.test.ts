// The browser-mode server under a seeded stream of malformed requests over raw sockets (request lines, targets,
// headers, methods, bodies, with and without the token): it answers each with a status of its own choosing, never
// fails on one (no 500, nothing logged as unexpected) and is still answering at the end.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { createHandlers } from '../../src/host/router';
import { DesktopOnlyError, startBrowserServer, type BrowserServer } from '../../src/host/browserServer';
import { closeEngineServices, createEngineServices, type EngineServices } from '../../src/host/engineServices';
import { encodeMessage } from '../../src/shared/wire';
import { tempDir } from '../helpers/cli';
import { SeededRandom } from '../helpers/random';

const SEED = 0x5eed14;
const REQUESTS = 3000;
const PARALLEL = 24;
/** A connection the server keeps open (an event stream, a body it still waits for) is closed by us after this. */
const PATIENCE_MS = 400;

let server: BrowserServer;
let services: EngineServices;

before(async () => {
  const rendererDir = tempDir('fuzz-renderer');
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>CellDesk</title>');
  mkdirSync(join(rendererDir, 'assets'));
  writeFileSync(join(rendererDir, 'assets', 'app.js'), 'export {};');
  services = createEngineServices({ env: { ...process.env, CELLDESK_HOME: tempDir('fuzz-home'), CELLPOSE_LOCAL_MODELS_PATH: tempDir('fuzz-cellpose') } });
  const handlers = createHandlers({
    version: '9.9.9',
    ...services,
    chooseImageFile: () => Promise.reject(new DesktopOnlyError('Choosing a file with a dialog')),
    chooseModelFile: () => Promise.reject(new DesktopOnlyError('Choosing a model file with a dialog')),
    chooseExportFolder: () => Promise.reject(new DesktopOnlyError('Choosing a folder with a dialog')),
    chooseBatchImages: () => Promise.reject(new DesktopOnlyError('Choosing images with a dialog')),
  });
  server = await startBrowserServer({ handlers, subscribe: () => () => undefined, rendererDir, port: 0 });
});

after(async () => {
  await server.close();
  await closeEngineServices(services);
});

/** Calls that only read or refuse, so the fuzzer's valid frames cannot start heavy work or write files. */
const HARMLESS_CALLS = ['app:info', 'history:list', 'image:recent', 'bench:cancel', 'image:choose', 'image:upload', 'image:open', 'image:close', 'image:pixels', 'no:such:call'];

function requestBytes(random: SeededRandom): Uint8Array {
  const port = server.port;
  // Each part is well formed more often than not, so that most requests get past Node's parser to CellDesk's code.
  const method = random.below(4) !== 0 ? random.pick(['GET', 'POST', 'HEAD']) : random.pick(['PUT', 'DELETE', 'OPTIONS', 'PATCH', 'TRACE', 'get', 'G ET', '', 'BREW', 'GET\0', 'X'.repeat(300)]);
  const target = random.below(4) === 0 ? `/api/call/${random.pick(HARMLESS_CALLS)}` : random.pick([
    '/', '//', '///x', '//api/call/app:info', '*', 'http://127.0.0.1/', '/index.html', '/favicon.ico', '/assets/app.js',
    '/assets/../../../etc/passwd', '/..%2F..%2Fetc%2Fpasswd', '/%00', '/%', '/%E0%A4%A', '/\\..\\..\\', `/?token=${server.token}`,
    '/?token=', '/?token=%zz', '/api/', '/api/call/', '/api/call/app:info', '/api/call/%', '/api/call/%E0%A4%A', '/api/call/a/b',
    '/api/events', `/api/events?token=${server.token}`, `/${'a'.repeat(9000)}`, '/\u00e9\u4e2d', '', ' / ', '/?a=1&a=2&token=x&token=y',
  ]);
  const version = random.below(5) !== 0 ? random.pick(['HTTP/1.1', 'HTTP/1.0']) : random.pick(['HTTP/2.0', 'HTTP/9', 'HTTX/1.1', '', 'HTTP/1.1 extra']);
  const headers: string[] = [];
  const hostChoice = random.below(8);
  if (hostChoice < 5) headers.push(`Host: 127.0.0.1:${port}`);
  else if (hostChoice === 5) headers.push(`Host: evil.example:${port}`);
  else if (hostChoice === 6) headers.push(`Host: localhost:${port}`, `Host: 127.0.0.1:${port}`);
  if (random.below(3) === 0) headers.push(`Origin: ${random.pick([`http://127.0.0.1:${port}`, 'http://evil.example', 'null', '', '\u00ff'])}`);
  const auth = random.below(4);
  if (auth === 0 || auth === 1) headers.push(`Authorization: Bearer ${server.token}`);
  else if (auth === 2) headers.push(`Authorization: ${random.pick(['Bearer', 'Bearer ', 'Basic abc', `Bearer ${server.token}x`, 'Bearer \u00e9'])}`);
  if (random.below(4) === 0) headers.push(`Cookie: ${random.pick([`celldesk-token-${port}=${server.token}`, `celldesk-token-${port}`, '=;;=', `a=b; celldesk-token-${port}=x`])}`);
  const body = randomBody(random);
  const length = random.below(8);
  if (length < 4) headers.push(`Content-Length: ${body.length}`);
  else if (length === 4) headers.push(`Content-Length: ${random.pick(['-1', 'abc', '99999999999999999999', String(body.length + 100), `${body.length}, 5`, ''])}`);
  else if (length === 5) headers.push('Transfer-Encoding: chunked');
  else if (length === 6) headers.push(`Content-Length: ${body.length}`, 'Transfer-Encoding: chunked');
  for (let i = random.below(3) === 0 ? 1 + random.below(3) : 0; i > 0; i--) {
    headers.push(random.pick(['X-A: b', 'NoColon', ': empty name', 'Bad Name: x', `Long: ${'v'.repeat(random.below(20_000))}`, ' folded: x', 'X-Ctl: \u0001', 'Connection: close', 'Expect: 100-continue', 'Content-Type: text/plain']));
  }
  const head = `${method} ${target} ${version}`.trimEnd();
  const chunked = length === 5 || (length === 6 && random.below(2) === 0);
  const lastChunk = random.below(4) === 0 ? random.pick(['\r\nzz\r\n', '']) : '\r\n0\r\n\r\n';
  const framedBody = chunked ? Buffer.concat([Buffer.from(`${body.length.toString(16)}\r\n`), body, Buffer.from(lastChunk)]) : body;
  const lineEnd = random.below(20) === 0 ? '\n' : '\r\n';
  const bytes = Buffer.concat([Buffer.from(`${head}${lineEnd}${headers.join(lineEnd)}${lineEnd}${lineEnd}`, 'latin1'), framedBody]);
  if (random.below(12) === 0) return bytes.subarray(0, random.below(bytes.length + 1));
  if (random.below(12) === 0) {
    const flipped = Buffer.from(bytes);
    for (let i = 1 + random.below(4); i > 0 && flipped.length > 0; i--) flipped[random.below(flipped.length)]! ^= 1 << random.below(8);
    return flipped;
  }
  return bytes;
}

function randomBody(random: SeededRandom): Buffer {
  switch (random.below(5)) {
    case 0:
      return Buffer.alloc(0);
    case 1:
      return Buffer.from(random.bytes(random.below(3000)));
    case 2: {
      const frame = Buffer.from(encodeMessage({ input: { imageId: 'x', path: '/nonexistent', name: 'a.png', bytes: random.bytes(random.below(200)) } }));
      return frame.subarray(0, random.below(frame.length + 1));
    }
    case 3: {
      const json = Buffer.from(random.pick(['{"input":', '[1,2', '{"$binary":"Uint8Array","offset":-1,"length":99}', '{"input":{"$binary":"Float64Array","offset":3,"length":7}}', '\u0000', 'null']));
      const header = Buffer.alloc(4);
      header.writeUInt32LE(random.pick([json.length, json.length + 5, 0xffffffff, 0]));
      return Buffer.concat([header, json, Buffer.from(random.bytes(random.below(64)))]);
    }
    default:
      return Buffer.from(encodeMessage({ input: random.pick([undefined, null, 42, 'x', { imageId: '' }, { name: 'x.tif', bytes: random.bytes(50) }]) }));
  }
}

/** Sends one request's bytes in a few pieces; resolves with the status line's code (0: no answer in time). */
function exchange(bytes: Uint8Array, random: SeededRandom): Promise<number> {
  return new Promise((resolve) => {
    const socket = connect(server.port, '127.0.0.1');
    const received: Buffer[] = [];
    let settled = false;
    const finish = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(Buffer.concat(received).toString('latin1'));
      resolve(status === null ? 0 : Number(status[1]));
    };
    const timer = setTimeout(finish, PATIENCE_MS);
    socket.on('data', (chunk: Buffer) => received.push(chunk));
    socket.on('error', finish);
    socket.on('close', finish);
    socket.on('connect', () => {
      let offset = 0;
      while (offset < bytes.length) {
        const piece = Math.min(bytes.length - offset, 1 + random.below(4096));
        socket.write(bytes.subarray(offset, offset + piece));
        offset += piece;
      }
      if (random.below(3) !== 0) socket.end();
    });
  });
}

test(`the server answers ${REQUESTS} malformed requests (seed ${SEED}) without failing and still answers after`, { timeout: 240_000 }, async (t) => {
  const random = new SeededRandom(SEED);
  // Each case's bytes and the way they are cut into pieces depend on the seed alone, not on timing.
  const cases = Array.from({ length: REQUESTS }, (_, i) => ({ bytes: requestBytes(random), pieces: new SeededRandom(SEED + i) }));
  const statuses = new Map<number, number>();
  const unexpected: unknown[] = [];
  const logError = console.error;
  console.error = (...args: unknown[]) => unexpected.push(args);
  try {
    let next = 0;
    const worker = async () => {
      while (next < cases.length) {
        const { bytes, pieces } = cases[next++]!;
        const status = await exchange(bytes, pieces);
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
      }
    };
    await Promise.all(Array.from({ length: PARALLEL }, worker));
  } finally {
    console.error = logError;
  }
  const counts = [...statuses].sort((a, b) => a[0] - b[0]).map(([status, n]) => `${status === 0 ? 'no answer' : status}: ${n}`).join(', ');
  t.diagnostic(`${REQUESTS} requests, by status: ${counts}`);
  console.log(`browser-server fuzz: ${REQUESTS} requests, by status: ${counts}`);
  assert.equal(statuses.get(500) ?? 0, 0, counts);
  assert.deepEqual(unexpected, []);
  assert.ok((statuses.get(403) ?? 0) > 0 && (statuses.get(400) ?? 0) > 0 && (statuses.get(200) ?? 0) > 0, counts);
  const page = await fetch(`http://127.0.0.1:${server.port}/`);
  assert.equal(page.status, 200);
  const info = await fetch(`http://127.0.0.1:${server.port}/api/call/app:info`, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.token}` },
    body: encodeMessage({ input: undefined }) as Uint8Array<ArrayBuffer>,
  });
  assert.equal(info.status, 200);
});
