import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
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
  const response = await fetch(`${base}/api/events?token=${server.token}`);
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
