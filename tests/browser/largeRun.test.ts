// Before a segmentation estimated to be large, the page shows what it would take and asks (headless Chromium
// against `celldesk serve`): Cancel starts nothing, Segment anyway starts it. A diameter of 1 px makes the demo
// image 30 times larger for the network, about 1,900 tiles.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { startBrowserApp, type BrowserApp } from '../helpers/browserApp';
import { DEMO_CHECKPOINT } from '../helpers/demoModel';
import { sharedPath } from '../helpers/shared';

const IMAGE = sharedPath('images', 'webgpu-cellseg', 'cellpose_img_075.png');
let app: BrowserApp;
let page: Page;

before(async () => {
  app = await startBrowserApp('large-run-browser-home');
  page = app.page;
});

after(() => app?.close());

test('before a large run the page shows its estimate and asks: Cancel starts nothing, Segment anyway starts it', { timeout: 240_000 }, async () => {
  await page.goto(app.url);
  await page.getByLabel('Image path').fill(IMAGE);
  await page.getByRole('button', { name: 'Open', exact: true }).click();
  await page.getByText('Opened cellpose_img_075.png').waitFor();
  await page.getByRole('combobox', { name: 'Model' }).fill(DEMO_CHECKPOINT);
  await page.getByRole('combobox', { name: 'Execution provider' }).click();
  await page.getByRole('option', { name: 'cpu', exact: true }).click();
  await page.getByLabel('Cell diameter (px)').fill('1');

  await page.getByRole('button', { name: 'Run' }).click();
  const question = page.getByRole('dialog', { name: 'A large segmentation' });
  await question.waitFor({ timeout: 120_000 });
  assert.match((await question.textContent()) ?? '', /Segmenting this 240 x 300 image at a diameter of 1 px would take about .* of memory on cpu/);
  await question.getByRole('button', { name: 'Cancel' }).click();
  await page.getByText('Segmentation not started.').waitFor();
  assert.equal(await page.getByTestId('mask-count').count(), 0);

  await page.getByRole('button', { name: 'Run' }).click();
  await question.waitFor({ timeout: 120_000 });
  await question.getByRole('button', { name: 'Segment anyway' }).click();
  await page.getByText(/of \d{4} tiles/).waitFor({ timeout: 120_000 });
  await page.getByLabel('Segmentation progress').waitFor();
  await page.getByRole('button', { name: 'Cancel', exact: true }).click();
  await page.getByText('Segmentation cancelled.').waitFor({ timeout: 120_000 });
  assert.deepEqual(app.consoleErrors, []);
});
