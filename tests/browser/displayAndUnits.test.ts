// The Segment view's display and units in headless Chromium against `celldesk serve`, with the demo checkpoint:
// each channel's display range set by hand and put back by its own auto-contrast; Run's progress on screen during a
// run at 1280 x 800; a pixel size the file declares, or one typed, showing the diameter and measurements in µm.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { openImagePath, startBrowserApp, viewerScreenshot, type BrowserApp } from '../helpers/browserApp';
import { DEMO_CHECKPOINT } from '../helpers/demoModel';
import { sharedPath } from '../helpers/shared';

/** 512 x 512, three channels, no pixel size. */
const IMAGE = sharedPath('images', 'neurips22-cellseg', 'cell_00849.png');
/** An ImageJ stack declaring 0.1238 µm pixels. */
const DECLARED = sharedPath('images', 'cellpose-bmz-wrapper', 'test_images.tif');

let app: BrowserApp;
let page: Page;

before(async () => {
  app = await startBrowserApp('display-units-home');
  page = app.page;
  await page.goto(app.url);
});

after(() => app?.close());

/** A channel's range slider thumbs: low and high. */
const thumbs = (channel: number) => page.getByLabel(`Display range of channel ${channel}`).getByRole('slider');
const range = async (channel: number) => Promise.all([0, 1].map(async (i) => Number(await thumbs(channel).nth(i).getAttribute('aria-valuenow'))));

test("each channel's range is set by hand, and a channel's auto-contrast puts back that channel alone", { timeout: 60_000 }, async () => {
  await openImagePath(page, IMAGE);
  await page.getByText('Opened cell_00849.png', { exact: false }).waitFor();
  const initial = await viewerScreenshot(page);
  // Green and blue (the image's red channel is empty: its range has nowhere to go).
  const [green, blue] = [await range(2), await range(3)];
  for (const channel of [2, 3]) {
    await thumbs(channel).nth(0).focus();
    for (let k = 0; k < 20; k++) await page.keyboard.press('ArrowRight');
  }
  const byHand = [await range(2), await range(3)];
  assert.deepEqual(byHand, [[green[0]! + 20, green[1]], [blue[0]! + 20, blue[1]]]);
  const handShot = await viewerScreenshot(page);
  assert.notDeepEqual(handShot, initial, 'the ranges set change the picture');

  await page.getByRole('button', { name: 'Auto-contrast channel 3' }).click();
  assert.deepEqual([await range(2), await range(3)], [byHand[0], blue], 'blue is back at its percentiles, green keeps its range');
  const oneBack = await viewerScreenshot(page);
  assert.notDeepEqual(oneBack, handShot);
  assert.notDeepEqual(oneBack, initial);
  await page.getByRole('button', { name: 'Auto-contrast channel 2' }).click();
  assert.deepEqual(await range(2), green);
  assert.deepEqual(await viewerScreenshot(page), initial);
});

test('at 1280 x 800 the progress of a run is on screen; a pixel size typed shows the diameter and measurements in µm', { timeout: 180_000 }, async () => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.getByRole('combobox', { name: 'Model' }).fill(DEMO_CHECKPOINT);
  await page.getByRole('combobox', { name: 'Execution provider' }).click();
  await page.getByRole('option', { name: 'cpu', exact: true }).click();
  await page.getByRole('button', { name: 'Run' }).click();
  const progress = page.getByLabel('Segmentation progress');
  await progress.waitFor();
  const box = (await progress.boundingBox())!;
  assert.ok(box.y >= 0 && box.y + box.height <= 800 && box.x + box.width <= 1280, `the progress is at ${JSON.stringify(box)}`);
  await page.getByTestId('mask-count').waitFor({ timeout: 150_000 });
  assert.equal(await page.getByRole('columnheader', { name: 'Area (µm²)' }).count(), 0, 'no µm without a pixel size');

  await page.getByLabel('Pixel size (µm)').fill('0.5');
  await page.getByText('Typed.').waitFor();
  await page.getByText('Diameter 30.00 px (≈ 15.0 µm)').waitFor();
  assert.equal(await page.getByRole('columnheader', { name: 'Area (µm²)' }).count(), 1);
  const [, area, , areaUm] = await page.getByRole('table', { name: 'Masks' }).locator('tbody tr').first().locator('td').allTextContents();
  assert.equal(areaUm, (Number(area) * 0.25).toPrecision(4));
});

test('a pixel size the file declares is shown as from the file, with the diameter in µm', { timeout: 60_000 }, async () => {
  await openImagePath(page, DECLARED);
  await page.getByText('Opened test_images.tif', { exact: false }).waitFor();
  await page.getByText('From the file.').waitFor();
  assert.equal(await page.getByLabel('Pixel size (µm)').inputValue(), '0.12381');
  // The diameter field's note: 30 px of 0.1238 µm.
  await page.getByText('≈ 3.71 µm').waitFor();
  assert.deepEqual(app.consoleErrors, []);
});
