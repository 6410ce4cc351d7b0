// Which engine client the page runs on ([Note: missing bridge] in src/shared/clientChoice.ts), and what the preload
// bridge says of a dropped file: its path on disk, so the desktop app opens it where it lies, or none.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createBridge } from '../../src/preload/bridge';
import { chooseClient } from '../../src/shared/clientChoice';

const ELECTRON_UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) CellDesk/0.1.0 Chrome/142.0.0.0 Electron/45.4.1 Safari/537.36';
const BROWSER_UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36';

/** A bridge as the preload builds it, answering every file's path with `path`. */
function bridgeWithPaths(path: string) {
  return createBridge(async () => ({ ok: true, value: null }), () => () => {}, () => path);
}

test('a page with the preload bridge runs on it', () => {
  const bridge = bridgeWithPaths('');
  assert.deepEqual(chooseClient({ bridge, href: 'app://celldesk/index.html', userAgent: ELECTRON_UA }), { kind: 'desktop', bridge });
});

test('a desktop window whose preload did not load says so instead of posing as the browser mode', () => {
  assert.deepEqual(chooseClient({ bridge: undefined, href: 'app://celldesk/index.html', userAgent: ELECTRON_UA }), { kind: 'missing-bridge' });
  // Under `electron-vite dev` the page comes from the dev server, over http; Electron's user agent gives it away.
  assert.deepEqual(chooseClient({ bridge: undefined, href: 'http://localhost:5173/', userAgent: ELECTRON_UA }), { kind: 'missing-bridge' });
});

test("a browser page uses the HTTP API of its own origin and never reads a token from its address (the server's cookie carries it)", () => {
  assert.deepEqual(chooseClient({ bridge: undefined, href: 'http://127.0.0.1:8765/?token=abc123', userAgent: BROWSER_UA }), {
    kind: 'browser',
    origin: 'http://127.0.0.1:8765',
  });
  assert.deepEqual(chooseClient({ bridge: undefined, href: 'http://127.0.0.1:8765/', userAgent: BROWSER_UA }), { kind: 'browser', origin: 'http://127.0.0.1:8765' });
});

test("the preload bridge gives a dropped file's path on disk, and none for a file that has no path (dragged from a web page)", () => {
  const file = new File([new Uint8Array([1, 2, 3])], 'cells.tif');
  assert.equal(bridgeWithPaths('/data/plate 1/cells.tif').pathForFile(file), '/data/plate 1/cells.tif');
  assert.equal(bridgeWithPaths('').pathForFile(file), null);
});
