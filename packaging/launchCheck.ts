// `tsx packaging/launchCheck.ts <executable>`: launches a packaged or installed CellDesk once under Playwright's
// Electron support and checks what no test without Electron can: the window loads CellDesk's page from app://, the
// preload bridge is there, the engine answers, the database opens (better-sqlite3 built for this Electron), and a
// second launch with an image hands it to the first and quits. The release workflow (.github/workflows/release.yml)
// runs it on each operating system after building the installers; it needs the real Electron, so it cannot run
// where only npm is reachable. Node side.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { _electron as electron } from 'playwright-core';
import { encodePng } from '../src/engine/image/encodePng';

const executablePath = process.argv[2];
if (executablePath === undefined) throw new Error('usage: tsx packaging/launchCheck.ts <path of the packaged CellDesk executable>');

const home = mkdtempSync(join(tmpdir(), 'celldesk-launch-'));
const env = { ...process.env, CELLDESK_HOME: home } as Record<string, string>;
const app = await electron.launch({ executablePath, args: [], env, timeout: 120_000 });
try {
  const window = await app.firstWindow({ timeout: 120_000 });
  await window.waitForLoadState('domcontentloaded');
  assert.match(window.url(), /^app:\/\/celldesk\//, 'the page comes from app://');
  await window.getByText('desktop app').waitFor({ timeout: 60_000 });

  const call = (name: string, input?: unknown) =>
    window.evaluate(async ([n, i]) => (window as unknown as { celldesk: { call: (n: string, i: unknown) => Promise<unknown> } }).celldesk.call(n as string, i), [name, input] as const);
  const info = (await call('app:info')) as { ok: boolean; value: { electron: string | null; version: string } };
  assert.ok(info.ok && info.value.electron !== null, `app:info: ${JSON.stringify(info)}`);
  const models = (await call('models:list')) as { ok: boolean; error?: { message: string } };
  assert.ok(models.ok, `models:list opens the database: ${JSON.stringify(models.error)}`);

  // A second launch naming an image opens it in the first window and exits at once.
  const image = join(home, 'launch sample.png');
  const side = 64;
  const pixels = Uint8Array.from({ length: side * side }, (_, i) => (Math.hypot((i % side) - 32, Math.floor(i / side) - 32) < 12 ? 200 : 20));
  writeFileSync(image, encodePng({ width: side, height: side, channels: 1, data: pixels }));
  const second = spawnSync(executablePath, [image], { env, timeout: 60_000 });
  assert.equal(second.status, 0, `the second launch quits: ${second.stderr?.toString() ?? ''}`);
  await window.getByText('launch sample.png').first().waitFor({ timeout: 60_000 });
  console.log(`launch ok: CellDesk ${info.value.version} on Electron ${info.value.electron}, page from app://, database open, second launch handed over its image`);
} finally {
  await app.close();
}
