import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IpcMainInvokeEvent } from 'electron';
import { InvalidSettingError } from '../../src/engine/errors';
import { createEngineServices } from '../../src/host/engineServices';
import { createHandlers } from '../../src/host/router';
import { registerIpc } from '../../src/main/ipc';
import { APP_PAGE, isTrustedPage } from '../../src/main/rendererLocation';
import { createEngineHandlers } from '../../src/engine/service/engineHandlers';
import { EngineWorkspace } from '../../src/engine/service/workspace';
import { callNames, contract, dispatchCall, type AppInfo, type Handlers } from '../../src/shared/contract';
import { REPO_ROOT } from '../helpers/shared';

/** The app context of the desktop app, minus the dialog; the engine starts its worker only when a call needs it. */
function appContext() {
  return { version: '1.2.3', ...createEngineServices(), chooseImageFile: async () => null, chooseModelFile: async () => null, chooseExportFolder: async () => null, chooseBatchImages: async () => [] };
}

const installedOnnxRuntime = (JSON.parse(readFileSync(join(REPO_ROOT, 'node_modules/onnxruntime-node/package.json'), 'utf8')) as { version: string }).version;

type Listener = (event: IpcMainInvokeEvent, input: unknown) => unknown;

/** Electron's ipcMain cannot load outside Electron; this keeps what registerIpc registers, to call it as IPC would. */
function recordingIpcMain() {
  const listeners = new Map<string, Listener>();
  return {
    listeners,
    handle(channel: string, listener: Listener) {
      listeners.set(channel, listener);
    },
  };
}

function senderAt(url: string): IpcMainInvokeEvent {
  return { senderFrame: { url } } as unknown as IpcMainInvokeEvent;
}

test('every contract call has a handler, and every handler a contract call', () => {
  const handled = Object.keys(createHandlers(appContext())).sort();
  assert.deepEqual(handled, [...callNames].sort());
  assert.ok(callNames.includes('app:info'));
});

test("the engine worker has a handler for every call the contract marks answeredBy 'engine', and for no other", () => {
  const handled = Object.keys(createEngineHandlers(new EngineWorkspace(process.env))).sort();
  assert.deepEqual(handled, callNames.filter((name) => contract[name].answeredBy === 'engine').sort());
  assert.ok(handled.includes('segment:run') && !handled.includes('bench:start') && !handled.includes('history:list'));
});

test('registers every contract call on ipcMain', () => {
  const ipcMain = recordingIpcMain();
  registerIpc(ipcMain, createHandlers(appContext()), () => true);
  assert.deepEqual([...ipcMain.listeners.keys()].sort(), [...callNames].sort());
});

test('app:info reports the app version, the installed onnxruntime-node and the platform', async () => {
  const ipcMain = recordingIpcMain();
  registerIpc(ipcMain, createHandlers(appContext()), () => true);
  const outcome = await ipcMain.listeners.get('app:info')!(senderAt('app://celldesk/index.html'), undefined);
  const expected: AppInfo = {
    version: '1.2.3',
    onnxruntime: installedOnnxRuntime,
    node: process.versions.node,
    electron: null,
    chrome: null,
    platform: process.platform,
    arch: process.arch,
  };
  assert.deepEqual(outcome, { ok: true, value: expected });
});

test('refuses an argument that does not match the schema, with a clear error, before the handler runs', async () => {
  let runs = 0;
  const handlers: Handlers = {
    ...createHandlers(appContext()),
    'app:info': () => {
      runs += 1;
      throw new Error('the handler must not run');
    },
  };
  const outcome = await dispatchCall(handlers, 'app:info', { path: '/etc/passwd' });
  assert.equal(runs, 0);
  assert.equal(outcome.ok, false);
  if (outcome.ok) return;
  assert.equal(outcome.error.code, 'INVALID_REQUEST');
  assert.equal(outcome.error.message, 'CellDesk refused the request "app:info": ✖ Invalid input: expected undefined, received object');
  assert.deepEqual(outcome.error.details, {
    call: 'app:info',
    issues: [{ path: [], message: 'Invalid input: expected undefined, received object' }],
  });
});

test('refuses names the contract does not declare, including inherited object keys', async () => {
  const handlers = createHandlers(appContext());
  for (const name of ['app:quit', 'toString', '__proto__', 'constructor', 42, undefined]) {
    const outcome = await dispatchCall(handlers, name, undefined);
    assert.equal(outcome.ok, false, String(name));
    if (outcome.ok) continue;
    assert.equal(outcome.error.code, 'UNKNOWN_CALL');
    assert.equal(outcome.error.message, `CellDesk has no operation named ${JSON.stringify(String(name))}.`);
  }
});

test("keeps a CellDeskError's code and details; other errors become INTERNAL and are reported", async () => {
  const handlers = createHandlers(appContext());
  const typed = await dispatchCall({ ...handlers, 'app:info': () => Promise.reject(new InvalidSettingError('Diameter must be positive.', { diameter: -3 })) }, 'app:info', undefined);
  assert.deepEqual(typed, { ok: false, error: { code: 'INVALID_SETTING', message: 'Diameter must be positive.', details: { diameter: -3 } } });

  const reported: unknown[] = [];
  const bug = new TypeError('x is undefined');
  const internal = await dispatchCall({ ...handlers, 'app:info': () => { throw bug; } }, 'app:info', undefined, (error) => reported.push(error));
  assert.deepEqual(internal, { ok: false, error: { code: 'INTERNAL', message: 'CellDesk hit an unexpected problem: x is undefined', details: {} } });
  assert.deepEqual(reported, [bug]);
});

test("refuses calls from a page that is not CellDesk's own", async () => {
  const ipcMain = recordingIpcMain();
  registerIpc(ipcMain, createHandlers(appContext()), (event) => isTrustedPage(event.senderFrame?.url, APP_PAGE));
  const outcome = await ipcMain.listeners.get('app:info')!(senderAt('https://example.org/'), undefined);
  assert.deepEqual(outcome, {
    ok: false,
    error: {
      code: 'UNTRUSTED_SENDER',
      message: 'CellDesk refused a request from a page that is not its own (https://example.org/).',
      details: { url: 'https://example.org/' },
    },
  });
});
