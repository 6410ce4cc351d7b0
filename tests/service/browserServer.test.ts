import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { get, request, type IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { createHandlers } from '../../src/host/router';
import { DesktopOnlyError, startBrowserServer, type BrowserServer } from '../../src/host/browserServer';
import { closeEngineServices, createEngineServices, type EngineServices } from '../../src/host/engineServices';
import type { EventName } from '../../src/shared/contract';
import { decodeMessage, encodeMessage } from '../../src/shared/wire';
import { tempDir } from '../helpers/cli';

let server: BrowserServer;
let services: EngineServices;
let base: string;
let outsideFile: string;
const emitters = new Set<(name: EventName, payload: unknown) => void>();

before(async () => {
  const rendererDir = tempDir('renderer');
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>CellDesk</title>');
  mkdirSync(join(rendererDir, 'assets'));
  writeFileSync(join(rendererDir, 'assets', 'app.js'), 'export {};');
  outsideFile = join(tempDir('outside'), 'secret.txt');
  writeFileSync(outsideFile, 'secret');
  services = createEngineServices({ env: { ...process.env, CELLDESK_HOME: tempDir('server-home') } });
  const handlers = createHandlers({
    version: '9.9.9',
    ...services,
    chooseImageFile: () => Promise.reject(new DesktopOnlyError('Choosing a file with a dialog')),
    chooseModelFile: () => Promise.reject(new DesktopOnlyError('Choosing a model file with a dialog')),
    chooseExportFolder: () => Promise.reject(new DesktopOnlyError('Choosing a folder with a dialog')),
    chooseBatchImages: () => Promise.reject(new DesktopOnlyError('Choosing images with a dialog')),
  });
  server = await startBrowserServer({
    handlers,
    subscribe: (emit) => {
      emitters.add(emit);
      return () => emitters.delete(emit);
    },
    rendererDir,
    port: 0,
  });
  base = `http://127.0.0.1:${server.port}`;
});

after(async () => {
  await server.close();
  await closeEngineServices(services);
});

/** The status of a GET sent with `path` exactly as written (fetch would resolve dot segments first). */
function rawStatus(path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port: server.port, path }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    }).on('error', reject);
  });
}

interface RawAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A request sent with exactly these headers (fetch would set Host and Origin itself). */
function rawRequest(method: string, path: string, headers: Record<string, string>, body?: Uint8Array): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const sent = request({ host: '127.0.0.1', port: server.port, method, path, headers, setHost: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString() }));
    });
    sent.on('error', reject);
    sent.end(body);
  });
}

function call(name: string, input: unknown, token: string | null = server.token): Promise<Response> {
  return fetch(`${base}/api/call/${name}`, {
    method: 'POST',
    headers: token === null ? {} : { authorization: `Bearer ${token}` },
    body: encodeMessage({ input }) as Uint8Array<ArrayBuffer>,
  });
}

async function outcome(response: Response): Promise<unknown> {
  assert.equal(response.status, 200);
  return decodeMessage(new Uint8Array(await response.arrayBuffer()));
}

test('the URL is on 127.0.0.1 and carries the token', () => {
  assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{43}$/);
  assert.equal(server.url, `${base}/?token=${server.token}`);
});

test('every API request without the right token is refused with 401', async () => {
  assert.equal((await call('app:info', undefined, null)).status, 401);
  assert.equal((await call('app:info', undefined, 'wrong')).status, 401);
  assert.equal((await call('app:info', undefined, `${server.token}x`)).status, 401);
  assert.equal((await call('no:such:call', undefined, null)).status, 401);
  assert.equal((await fetch(`${base}/api/events`)).status, 401);
  assert.equal((await fetch(`${base}/api/anything?token=nope`)).status, 401);
});

test('answers contract calls with the token, validating arguments where received', async () => {
  const info = (await outcome(await call('app:info', undefined))) as { ok: boolean; value: { version: string } };
  assert.equal(info.ok, true);
  assert.equal(info.value.version, '9.9.9');
  const refused = (await outcome(await call('image:open', { path: 42 }))) as { ok: boolean; error: { code: string } };
  assert.deepEqual([refused.ok, refused.error.code], [false, 'INVALID_REQUEST']);
  const unknown = (await outcome(await call('app:quit', undefined))) as { error: { code: string } };
  assert.equal(unknown.error.code, 'UNKNOWN_CALL');
  const dialog = (await outcome(await call('image:choose', undefined))) as { error: { code: string; message: string } };
  assert.equal(dialog.error.code, 'DESKTOP_ONLY');
  const damaged = await fetch(`${base}/api/call/app:info`, { method: 'POST', headers: { authorization: `Bearer ${server.token}` }, body: 'not framed' });
  assert.equal(((await outcome(damaged)) as { error: { code: string } }).error.code, 'MALFORMED_MESSAGE');
});

test('a binary upload travels as bytes and comes back as a typed error when it is not an image', async () => {
  const failed = (await outcome(await call('image:upload', { name: 'notes.txt', bytes: new TextEncoder().encode('hello') }))) as { error: { code: string } };
  assert.equal(failed.error.code, 'IMAGE_UNSUPPORTED');
});

test('serves the renderer and nothing outside it', async () => {
  const page = await fetch(`${base}/`);
  assert.equal(page.status, 200);
  assert.equal(page.headers.get('content-type'), 'text/html; charset=utf-8');
  assert.equal(page.headers.get('referrer-policy'), 'no-referrer');
  assert.match(await page.text(), /<title>CellDesk<\/title>/);
  assert.equal((await fetch(`${base}/assets/app.js`)).headers.get('content-type'), 'text/javascript; charset=utf-8');
  const outside = `${basename(join(outsideFile, '..'))}/secret.txt`;
  for (const path of [`/../${outside}`, `/..%2F${outside.replace('/', '%2F')}`, `/assets/..%5C..%5C${outside}`, '/assets/%E0%A4%A', '/missing.js']) {
    assert.equal(await rawStatus(path), 404, path);
  }
  assert.equal(await rawStatus('/assets/app.js'), 200);
  assert.equal((await fetch(`${base}/`, { method: 'DELETE' })).status, 405);
});

test('streams engine events to holders of the token as Server-Sent Events', async () => {
  const response = await fetch(`${base}/api/events`, { headers: { authorization: `Bearer ${server.token}` } });
  assert.equal(response.headers.get('content-type'), 'text/event-stream; charset=utf-8');
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let text = decoder.decode((await reader.read()).value);
  assert.equal(text, ': connected\n\n');
  emitters.forEach((emit) => emit('segment:progress', { imageId: 'a', stage: 'network', done: 1, total: 2 }));
  text = decoder.decode((await reader.read()).value);
  assert.equal(text, 'event: segment:progress\ndata: {"imageId":"a","stage":"network","done":1,"total":2}\n\n');
  await reader.cancel();
});

test('a request whose target is no path (//, *, a full URL) is answered 400 and the server goes on', async () => {
  for (const path of ['//', '//x/y', '*', 'http://127.0.0.1/', '/api//call']) {
    const status = path === '/api//call' ? 401 : 400;
    assert.equal((await rawRequest('GET', path, { host: `127.0.0.1:${server.port}` })).status, status, path);
  }
  assert.equal((await fetch(`${base}/`)).status, 200);
});

test('a request addressed to another host, or sent by another site, is refused with 403 before the token is looked at', async () => {
  const token = { authorization: `Bearer ${server.token}` };
  const port = server.port;
  const body = encodeMessage({ input: undefined });
  for (const host of [`evil.example:${port}`, `127.0.0.1:${port + 1}`, '127.0.0.1', `127.0.0.2:${port}`, `localhost.evil.example:${port}`]) {
    assert.equal((await rawRequest('GET', '/', { host })).status, 403, host);
    assert.equal((await rawRequest('POST', '/api/call/app:info', { host, ...token }, body)).status, 403, host);
  }
  // Node itself answers an HTTP/1.1 request without Host with 400.
  assert.equal((await rawRequest('GET', '/', {})).status, 400, 'no Host header');
  for (const origin of ['http://evil.example', `http://evil.example:${port}`, 'null', `https://127.0.0.1:${port}`, `http://127.0.0.1:${port + 1}`]) {
    assert.equal((await rawRequest('POST', '/api/call/app:info', { host: `127.0.0.1:${port}`, origin, ...token }, body)).status, 403, origin);
  }
  for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST:${port}`, `[::1]:${port}`]) {
    assert.equal((await rawRequest('GET', '/', { host })).status, 200, host);
    const origin = `http://${host.toLowerCase()}`;
    assert.equal((await rawRequest('POST', '/api/call/app:info', { host, origin, ...token }, body)).status, 200, host);
  }
});

test('the token in the address becomes an HttpOnly SameSite=Strict cookie and leaves the address', async () => {
  const host = { host: `127.0.0.1:${server.port}` };
  const first = await rawRequest('GET', `/?token=${server.token}`, host);
  assert.equal(first.status, 303);
  assert.equal(first.headers.location, '/');
  const [cookie] = first.headers['set-cookie'] ?? [];
  assert.match(cookie!, new RegExp(`^celldesk-token-${server.port}=${server.token}; Path=/; HttpOnly; SameSite=Strict$`));
  const pair = cookie!.split(';')[0]!;
  const info = await rawRequest('POST', '/api/call/app:info', { ...host, cookie: `other=1; ${pair}` }, encodeMessage({ input: undefined }));
  assert.equal(info.status, 200);
  const wrong = await rawRequest('GET', '/?token=not-the-token', host);
  assert.deepEqual([wrong.status, wrong.headers.location, wrong.headers['set-cookie']], [303, '/', undefined]);
  assert.equal((await rawRequest('POST', `/api/call/app:info?token=${server.token}`, host, encodeMessage({ input: undefined }))).status, 401);
  assert.equal((await rawRequest('GET', `/api/events?token=${server.token}`, host)).status, 401);
  assert.equal((await rawRequest('POST', '/api/call/app:info', { ...host, cookie: `celldesk-token-${server.port + 1}=${server.token}` })).status, 401);
});

test('no other site may frame the page or any answer', async () => {
  for (const path of ['/', '/missing.js', '/api/events']) {
    const answer = await rawRequest('GET', path, { host: `127.0.0.1:${server.port}` });
    assert.equal(answer.headers['content-security-policy'], "frame-ancestors 'none'", path);
    assert.equal(answer.headers['x-frame-options'], 'DENY', path);
  }
});

/** The spool files of this process's servers: celldesk-serve-* folders in the temporary folder. */
function spooledBytes(): number {
  let total = 0;
  for (const folder of readdirSync(tmpdir()).filter((name) => name.startsWith('celldesk-serve-'))) {
    for (const file of readdirSync(join(tmpdir(), folder))) total += statSync(join(tmpdir(), folder, file)).size;
  }
  return total;
}

test('an upload above 1 MiB is streamed to a spool file as it arrives, not held in memory, and the file is removed after', async () => {
  const total = 64 << 20;
  const before = spooledBytes();
  const sent = request({ host: '127.0.0.1', port: server.port, method: 'POST', path: '/api/call/image:upload', headers: { authorization: `Bearer ${server.token}`, 'content-length': String(total) } });
  const answered = new Promise<number>((resolve, reject) => {
    sent.on('response', (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    sent.on('error', reject);
  });
  try {
    const chunk = Buffer.alloc(1 << 20, 7);
    const memoryBefore = process.memoryUsage().arrayBuffers;
    for (let i = 0; i < 48; i++) {
      if (!sent.write(chunk)) await new Promise((resolve) => sent.once('drain', resolve));
    }
    let spooled = 0;
    for (let wait = 0; wait < 200 && spooled < 40 << 20; wait++) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      spooled = spooledBytes() - before;
    }
    // Held in memory, the 48 MiB in flight would count twice over (chunks, then joined); other tests' garbage not yet
    // collected accounts for a few MiB.
    const held = process.memoryUsage().arrayBuffers - memoryBefore;
    assert.ok(spooled >= 40 << 20, `only ${spooled} bytes spooled of the 48 MiB sent`);
    assert.ok(held < 32 << 20, `${held} bytes of array buffers held while 48 MiB were in flight`);
    for (let i = 48; i < 64; i++) sent.write(chunk);
    sent.end();
    assert.equal(await answered, 200);
    assert.equal(spooledBytes() - before, 0);
  } finally {
    sent.destroy();
    await answered.catch(() => undefined);
  }
});
