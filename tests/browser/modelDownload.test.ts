// The model picker in headless Chromium against `celldesk serve`, with a real HTTP server on 127.0.0.1 standing in for
// the model host (CELLDESK_MODEL_URL) and serving the demo checkpoint under cyto2's file names: which models are here
// and which would be downloaded (with their size), a download's progress and cancel, a download to the end, and a
// server that never answers (a network that drops packets) told within seconds.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { settle, startBrowserApp, type BrowserApp } from '../helpers/browserApp';
import { tempDir } from '../helpers/cli';
import { DEMO_CHECKPOINT, DEMO_SIZE_MODEL } from '../helpers/demoModel';
import { startModelServer, type ModelServer } from '../models/modelServer';

let server: ModelServer;
let app: BrowserApp;
let page: Page;

before(async () => {
  // About 8 s for the whole file: time to see its progress and cancel it.
  server = await startModelServer({ cyto2torch_0: DEMO_CHECKPOINT, 'size_cyto2torch_0.npy': DEMO_SIZE_MODEL }, { chunkPauseMs: 20 });
  app = await startBrowserApp('model-download-home', { CELLDESK_MODEL_URL: server.url, CELLPOSE_LOCAL_MODELS_PATH: tempDir('model-download-cellpose') });
  page = app.page;
});

after(async () => {
  await app?.close();
  await server?.close();
});

/** Each model the Model field offers for `typed`, with where it is. */
async function offered(typed: string): Promise<Map<string, string>> {
  const field = page.getByRole('combobox', { name: 'Model' });
  await field.fill(typed);
  // The list arrives from the engine after the page opens.
  await page.getByRole('option').first().waitFor();
  await settle(page);
  const options = await page.getByRole('option').all();
  const rows = new Map<string, string>();
  for (const option of options) {
    const name = (await option.locator('.model-option-name').textContent()) ?? '';
    rows.set(name, ((await option.textContent()) ?? '').slice(name.length));
  }
  await page.keyboard.press('Escape');
  return rows;
}

const downloadRow = () => page.getByLabel('Model download').first();

test('the picker says which models are on this computer and which would be downloaded, with their size', { timeout: 300_000 }, async () => {
  await page.goto(app.url);
  const models = await offered('cyto');
  assert.equal(models.get('cyto3'), 'to download, 26.6 MB');
  assert.equal(models.get('cyto2'), 'to download', 'no size published for cyto2');
  await page.getByRole('combobox', { name: 'Model' }).fill('cyto3');
  await downloadRow().getByText('Not on this computer yet: 26.6 MB. A run downloads it first.').waitFor();
});

test('a download shows its progress and can be cancelled, leaving nothing usable behind', { timeout: 120_000 }, async () => {
  await page.getByRole('combobox', { name: 'Model' }).fill('cyto2');
  await downloadRow().getByRole('button', { name: 'Download' }).click();
  const progress = page.getByTestId('model-download-progress');
  await progress.getByText(/^cyto2torch_0: [1-9][\d.]* MB of 26\.6 MB$/).waitFor({ timeout: 60_000 });
  await page.getByRole('button', { name: 'Cancel download' }).click();
  await page.getByRole('alert').getByText('The download of cyto2 was cancelled.').waitFor({ timeout: 30_000 });
  assert.ok(!existsSync(join(app.home, 'models', 'cyto2torch_0')));
  assert.equal((await offered('cyto2')).get('cyto2'), 'to download');
});

test('a download to the end puts the model on this computer', { timeout: 180_000 }, async () => {
  await page.getByRole('combobox', { name: 'Model' }).fill('cyto2');
  await downloadRow().getByRole('button', { name: 'Download' }).click();
  await page.getByText('Downloaded cyto2; it is on this computer now.').waitFor({ timeout: 170_000 });
  assert.ok(existsSync(join(app.home, 'models', 'cyto2torch_0')));
  assert.ok(existsSync(join(app.home, 'models', 'size_cyto2torch_0.npy')));
  assert.equal((await offered('cyto2')).get('cyto2'), 'on this computer');
});

test('offline (a model host that never answers), the download says so within seconds', { timeout: 60_000 }, async () => {
  server.behaviour.answerDelayMs = 120_000;
  await page.getByRole('combobox', { name: 'Model' }).fill('cyto3');
  const started = Date.now();
  await downloadRow().getByRole('button', { name: 'Download' }).click();
  const alert = page.getByRole('alert');
  await alert.getByText(/could not download cyto3/).waitFor({ timeout: 15_000 });
  const seconds = (Date.now() - started) / 1000;
  assert.ok(seconds < 12, `answered after ${seconds} s`);
  const text = (await alert.textContent()) ?? '';
  assert.match(text, /did not answer within 6 s: no internet connection\?/);
  assert.match(text, /If this computer is offline/);
});

test('the page ran without errors (none from its Content-Security-Policy either)', () => {
  assert.deepEqual(app.consoleErrors, []);
});
