// The Batch view in the browser mode: a folder of three images (one of them a truncated copy) segmented with the
// Segment view's model, the queue filled in as it runs, a summary and a results table at the end with the broken
// image's reason, the images in the History view, and a result opened in the Segment view with the masks the batch
// wrote; files in the output folder the batch did not write replaced only once the user confirms. Headless Chromium
// against `celldesk serve`, with the demo checkpoint.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { countMasks } from '../../src/engine/core/metrics';
import { MANIFEST_NAME } from '../../src/engine/batch/batchManifest';
import { decodeImage } from '../../src/engine/image/decodeImage';
import { startBrowserApp, type BrowserApp } from '../helpers/browserApp';
import { tempDir } from '../helpers/cli';
import { DEMO_CHECKPOINT } from '../helpers/demoModel';
import { readShared, sharedPath } from '../helpers/shared';

let app: BrowserApp;
let page: Page;
const images = tempDir('batch-browser-images');
const output = join(tempDir('batch-browser-out'), 'masks');

before(async () => {
  copyFileSync(sharedPath('images', 'neurips22-cellseg', 'cell_00528.tif'), join(images, 'cells.tif'));
  copyFileSync(sharedPath('images', 'webgpu-cellseg', 'cellpose_img_075.png'), join(images, 'culture.png'));
  const png = readShared('images', 'omnipose-docs', 'img02.png');
  writeFileSync(join(images, 'damaged.png'), png.subarray(0, Math.floor(png.length / 2)));
  app = await startBrowserApp('batch-browser-home');
  page = app.page;
});

after(() => app?.close());

const results = () => page.getByRole('table', { name: 'Batch results' }).locator('tbody tr');

test('a batch of a folder runs from the Batch view and ends with its summary, the broken image reported and the others done', { timeout: 600_000 }, async () => {
  await page.goto(app.url);
  // The batch segments with the Segment view's model and settings.
  await page.getByRole('combobox', { name: 'Model' }).fill(DEMO_CHECKPOINT);
  await page.getByRole('combobox', { name: 'Execution provider' }).click();
  await page.getByRole('option', { name: 'cpu', exact: true }).click();

  await page.getByRole('tab', { name: 'Batch' }).click();
  await page.getByText('Model celldesk-demo.zip.pth on cpu').waitFor();
  await page.getByLabel('Images or folders').fill(images);
  await page.getByLabel('Output folder').fill(output);
  await page.getByLabel('Measurements (_cp_measurements.csv)').check();
  await page.getByRole('button', { name: 'Run' }).click();

  const summary = page.getByTestId('batch-summary');
  await summary.getByText('completed').waitFor({ timeout: 540_000 });
  assert.equal(await summary.textContent(), '3 of 3 images: 2 done, 1 failed, 0 left · completed');
  assert.equal(await results().count(), 3);
  const rows = await results().allTextContents();
  assert.match(rows[0]!, /^cells\.tifdone\d+30\.0[\d.]+cells_cp_masks\.tif, cells_cp_measurements\.csvOpen$/);
  assert.match(rows[1]!, /^culture\.pngdone\d+30\.0[\d.]+culture_cp_masks\.tif, culture_cp_measurements\.csvOpen$/);
  assert.match(rows[2]!, /^damaged\.pngfailedThis PNG file ends early .*copy it again from the original\.$/);
  for (const name of ['cells_cp_masks.tif', 'cells_cp_measurements.csv', 'culture_cp_masks.tif', 'culture_cp_measurements.csv']) assert.ok(existsSync(join(output, name)), name);
  assert.equal(existsSync(join(output, 'damaged_cp_masks.tif')), false);
  assert.equal(await page.getByRole('button', { name: 'Run' }).isEnabled(), true, 'a completed batch offers Run, not Resume');

  await page.getByRole('tab', { name: 'History' }).click();
  const runs = page.getByRole('table', { name: 'Segmentation runs' }).locator('tbody tr');
  await runs.nth(1).waitFor();
  assert.deepEqual((await runs.allTextContents()).map((row) => /cells\.tif|culture\.png/.exec(row)?.[0]).sort(), ['cells.tif', 'culture.png']);
});

test("a result's Open shows its image in the Segment view with the masks the batch wrote", { timeout: 120_000 }, async () => {
  await page.getByRole('tab', { name: 'Batch' }).click();
  const masks = /^cells\.tifdone(\d+)30\.0/.exec((await results().first().textContent()) ?? '')?.[1];
  assert.ok(masks !== undefined);
  await page.getByRole('button', { name: 'Open cells.tif in the Segment view' }).click();
  await page.getByText(`Showing the ${masks} masks the batch wrote to cells_cp_masks.tif.`).waitFor({ timeout: 60_000 });
  assert.equal(await page.getByTestId('mask-count').textContent(), `${masks} masks`);
  assert.deepEqual(app.consoleErrors, []);
});

test('files in the output folder that the batch did not write are named before anything runs: Keep them leaves them, Replace runs over them, and "Redo" redoes without asking', { timeout: 300_000 }, async () => {
  const folder = join(tempDir('batch-browser-replace'), 'masks');
  mkdirSync(folder);
  const byHand = join(folder, 'culture_cp_masks.tif');
  writeFileSync(byHand, 'masks drawn by hand');
  await page.getByRole('tab', { name: 'Batch' }).click();
  await page.getByLabel('Images or folders').fill(join(images, 'culture.png'));
  await page.getByLabel('Output folder').fill(folder);
  const question = page.getByLabel('Replace files');
  await page.getByRole('button', { name: 'Run' }).click();
  await question.getByText(byHand).waitFor();
  assert.equal(await question.getByText('This file is there already:').count(), 1);
  assert.deepEqual(readdirSync(folder), ['culture_cp_masks.tif'], 'nothing was written before the answer');

  await question.getByRole('button', { name: 'Keep them' }).click();
  await page.getByText(`Nothing was run: the files in ${folder} were kept.`, { exact: false }).waitFor();
  assert.equal(await question.count(), 0);
  assert.equal(readFileSync(byHand, 'utf8'), 'masks drawn by hand');

  await page.getByRole('button', { name: 'Run' }).click();
  await question.getByRole('button', { name: 'Replace' }).click();
  const summary = page.getByTestId('batch-summary');
  await summary.getByText('1 of 1 image: 1 done, 0 failed, 0 left · completed').waitFor({ timeout: 240_000 });
  const masks = Number(/^culture\.pngdone(\d+)30\.0/.exec((await results().first().textContent()) ?? '')?.[1]);
  assert.ok(masks > 0);
  assert.equal(countMasks((await decodeImage(readFileSync(byHand))).data as Uint16Array), masks, 'the batch\'s masks replaced the file');

  // The batch's own files now: run again with "Redo images already done", the image is done again without a question.
  const finishedAt = () => readFileSync(join(folder, MANIFEST_NAME), 'utf8');
  const before = finishedAt();
  await page.getByLabel('Redo images already done').check();
  await page.getByRole('button', { name: 'Run' }).click();
  for (let waited = 0; finishedAt() === before; waited += 200) {
    assert.ok(waited < 240_000, 'the redone image was recorded');
    assert.equal(await question.count(), 0, 'no question about its own files');
    await page.waitForTimeout(200);
  }
  await summary.getByText('1 of 1 image: 1 done, 0 failed, 0 left · completed').waitFor({ timeout: 60_000 });
  assert.deepEqual(app.consoleErrors, []);
});
