import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CellDeskError } from '../../src/engine/errors';
import { createEngineServices } from '../../src/host/engineServices';
import { createHandlers } from '../../src/host/router';
import { createBridge } from '../../src/preload/bridge';
import { CallFailedError, dispatchCall, unwrapOutcome, type CallName } from '../../src/shared/contract';

/** webUtils.getPathForFile's answer for a file that is not on disk. */
const noPath = () => '';

/** The app context of the desktop app, minus the dialog; the engine starts its worker only when a call needs it. */
function appContext() {
  return { version: '1.2.3', ...createEngineServices(), chooseImageFile: async () => null, chooseModelFile: async () => null, chooseExportFolder: async () => null, chooseBatchImages: async () => [] };
}

test('the preload bridge carries a contract call to the router and its answer back', async () => {
  const handlers = createHandlers(appContext());
  const sent: [string, unknown][] = [];
  const bridge = createBridge(
    (channel, input) => {
      sent.push([channel, input]);
      return dispatchCall(handlers, channel, input);
    },
    () => () => {},
    noPath,
  );
  const info = unwrapOutcome(await bridge.call('app:info'));
  assert.equal(info.version, '1.2.3');
  assert.equal(info.platform, process.platform);
  assert.deepEqual(sent, [['app:info', undefined]]);
});

test('the preload bridge sends nothing for a name outside the contract', async () => {
  const sent: string[] = [];
  const bridge = createBridge(
    async (channel) => {
      sent.push(channel);
      return { ok: true, value: null };
    },
    () => () => {},
    noPath,
  );
  const outcome = await bridge.call('ipc:raw' as CallName);
  assert.deepEqual(sent, []);
  assert.deepEqual(outcome, {
    ok: false,
    error: { code: 'UNKNOWN_CALL', message: 'CellDesk has no operation named "ipc:raw".', details: { call: 'ipc:raw' } },
  });
});

test('the preload bridge passes on the events a listener asked for, until it unsubscribes', () => {
  const listeners = new Set<(name: unknown, payload: unknown) => void>();
  const bridge = createBridge(
    async () => ({ ok: true, value: null }),
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    noPath,
  );
  const received: unknown[] = [];
  const stop = bridge.on('segment:progress', (event) => received.push(event.done));
  const emit = (name: string, payload: unknown) => listeners.forEach((listener) => listener(name, payload));
  emit('segment:progress', { imageId: 'a', stage: 'network', done: 1, total: 4 });
  emit('other:event', { done: 99 });
  stop();
  emit('segment:progress', { imageId: 'a', stage: 'network', done: 2, total: 4 });
  assert.deepEqual(received, [1]);
  assert.throws(() => bridge.on('ipc:raw' as 'segment:progress', () => {}), /no event named "ipc:raw"/);
});

test("a failed outcome is thrown on the caller's side as a CellDeskError with the remote code and details", () => {
  const failure = { code: 'INVALID_SETTING', message: 'Diameter must be positive.', details: { diameter: -3 } };
  assert.throws(
    () => unwrapOutcome({ ok: false, error: failure }),
    (error: unknown) =>
      error instanceof CallFailedError &&
      error instanceof CellDeskError &&
      error.code === failure.code &&
      error.message === failure.message &&
      (error.details as { diameter?: number }).diameter === -3,
  );
  assert.equal(unwrapOutcome({ ok: true, value: 7 }), 7);
});

test("the desktop menu's commands reach the page as 'app:command' events", () => {
  let relay: (name: unknown, payload: unknown) => void = () => {};
  const bridge = createBridge(
    async () => ({ ok: true, value: null }),
    (listener) => {
      relay = listener;
      return () => {};
    },
    noPath,
  );
  const received: unknown[] = [];
  bridge.on('app:command', (command) => received.push(command));
  relay('app:command', { command: 'open-recent', path: '/data/a.tif' });
  relay('segment:progress', { imageId: 'a', stage: 'network', done: 1, total: 4 });
  assert.deepEqual(received, [{ command: 'open-recent', path: '/data/a.tif' }]);
});
