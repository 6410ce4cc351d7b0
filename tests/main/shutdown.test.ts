// Quitting waits for the engine to stop, but only so long (src/main/shutdown.ts). Electron's app cannot load
// outside Electron; an EventEmitter with its quit() stands in for it, as Electron emits 'will-quit'.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type { App } from 'electron';
import { settleWithin, stopBeforeQuit } from '../../src/main/shutdown';

/** An app that records its quits and emits 'will-quit' for each, as Electron does, until one is not prevented. */
function quittingApp() {
  const emitter = new EventEmitter();
  const app = {
    quits: 0,
    exited: false,
    on: (event: string, listener: (...args: unknown[]) => void) => emitter.on(event, listener),
    quit() {
      app.quits += 1;
      let prevented = false;
      emitter.emit('will-quit', { preventDefault: () => (prevented = true) });
      if (!prevented) app.exited = true;
    },
  };
  return app;
}

const asApp = (app: ReturnType<typeof quittingApp>) => app as unknown as Pick<App, 'on' | 'quit'>;
const tick = () => new Promise((resolve) => setImmediate(resolve));

test('quitting waits until the engine has stopped, then quits once', async () => {
  const app = quittingApp();
  let finishStop: () => void = () => {};
  let stops = 0;
  stopBeforeQuit(asApp(app), () => {
    stops += 1;
    return new Promise<void>((resolve) => (finishStop = resolve));
  });
  app.quit();
  app.quit(); // a second Quit while the engine stops starts no second stop
  await tick();
  assert.equal(app.exited, false, 'still running while the engine stops');
  finishStop();
  await tick();
  await tick();
  assert.equal(app.exited, true);
  assert.equal(stops, 1);
});

test('an engine that never stops delays quitting only by the limit', async () => {
  const app = quittingApp();
  stopBeforeQuit(asApp(app), () => new Promise<void>(() => {}), 30);
  app.quit();
  await new Promise((resolve) => setTimeout(resolve, 60));
  assert.equal(app.exited, true);
});

test('an engine that fails to stop does not keep the app from quitting', async () => {
  const app = quittingApp();
  stopBeforeQuit(asApp(app), () => {
    throw new Error('worker already gone');
  });
  app.quit();
  await tick();
  await tick();
  assert.equal(app.exited, true);
});

test('settleWithin says whether the work settled or the limit came first', async () => {
  assert.equal(await settleWithin(Promise.resolve(1), 1000), 'settled');
  assert.equal(await settleWithin(Promise.reject(new Error('x')), 1000), 'settled');
  assert.equal(await settleWithin(new Promise(() => {}), 10), 'timed-out');
});
