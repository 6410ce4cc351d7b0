// The Segment view's controls in headless Chromium against `celldesk serve`, with the demo checkpoint: model import
// (refused files, then a good one), the Recent menu, Calibrate, the flow / cell probability layer, mask numbers.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { decodeImage } from '../../src/engine/image/decodeImage';
import { PickleWriter, zipCheckpoint } from '../checkpoint/fixtures';
import { pressOnView, settle, startBrowserApp, type BrowserApp } from '../helpers/browserApp';
import { tempDir } from '../helpers/cli';
import { DEMO_CHECKPOINT, DEMO_SIZE_MODEL } from '../helpers/demoModel';
import { sharedPath } from '../helpers/shared';
import { floatingControlsTest } from '../helpers/viewerControls';

const IMAGE = sharedPath('images', 'webgpu-cellseg', 'cellpose_img_075.png');

let app: BrowserApp;
let page: Page;
/** A model folder as a user's training leaves it: the checkpoint and its `<file>_size.npy` (links to ../shared). */
let trainedModel: string;
let notAModel: string;

before(async () => {
  const folder = tempDir('controls-browser-models');
  trainedModel = join(folder, 'lab-demo.pth');
  symlinkSync(DEMO_CHECKPOINT, trainedModel);
  symlinkSync(DEMO_SIZE_MODEL, `${trainedModel}_size.npy`);
  notAModel = join(folder, 'notes.pth');
  writeFileSync(notAModel, 'my lab notes, not a network');
  app = await startBrowserApp('controls-browser-home');
  page = app.page;
});

after(() => app?.close());

/** The error shown over the viewer; closes it. */
async function takeError(): Promise<string> {
  const alert = page.getByRole('alert');
  await alert.waitFor();
  const text = (await alert.textContent()) ?? '';
  await alert.getByRole('button').click();
  await alert.waitFor({ state: 'hidden' });
  return text;
}

/** The model names the Model field offers for `typed`. */
async function modelOptions(typed: string): Promise<string[]> {
  const field = page.getByRole('combobox', { name: 'Model' });
  await field.fill(typed);
  await settle(page);
  const names = await page.getByRole('option').locator('.model-option-name').allTextContents();
  await page.keyboard.press('Escape');
  return names;
}

/** The image's pixels as the viewer shows them: RGB at the centre of each image pixel, away from the zoom tools. */
async function shownImagePixels(): Promise<number[][]> {
  const canvas = page.locator('canvas.viewer-canvas');
  const [scale, offsetX, offsetY] = (await Promise.all(['data-scale', 'data-offset-x', 'data-offset-y'].map((name) => canvas.getAttribute(name)))).map(Number) as [number, number, number];
  const shot = await decodeImage(new Uint8Array(await canvas.screenshot()));
  const plane = shot.width * shot.height;
  const underControls = await floatingControlsTest(page);
  const pixels: number[][] = [];
  for (let y = 0; y < 300; y += 3) {
    for (let x = 0; x < 240; x += 3) {
      const sx = Math.floor(offsetX + (x + 0.5) * scale);
      const sy = Math.floor(offsetY + (y + 0.5) * scale);
      if (underControls(sx, sy)) continue;
      pixels.push([0, 1, 2].map((c) => shot.data[c * plane + sy * shot.width + sx]!));
    }
  }
  return pixels;
}

function differing(a: number[][], b: number[][]): number {
  return a.filter((pixel, i) => pixel.some((v, c) => Math.abs(v - b[i]![c]!) > 3)).length;
}

test('importing a file that is not a model, or a checkpoint that would run code, shows why and registers nothing', { timeout: 60_000 }, async () => {
  await page.goto(app.url);
  await page.getByLabel('Import a model file').fill(notAModel);
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  assert.match(await takeError(), /not a PyTorch model file/);

  const pickle = new PickleWriter().proto(4).stackGlobal('os', 'system').str('echo owned').op(0x85).reduce().stop();
  await page.locator('input[type="file"]:not([accept])').setInputFiles({ name: 'evil.pth', mimeType: 'application/octet-stream', buffer: Buffer.from(zipCheckpoint(pickle)) });
  assert.match(await takeError(), /os\.system/);

  assert.deepEqual(await modelOptions('notes'), []);
  assert.deepEqual(await modelOptions('evil'), []);
});

test('a checkpoint imported by its path appears in the model list and is selected', { timeout: 60_000 }, async () => {
  await page.getByLabel('Import a model file').fill(trainedModel);
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await page.getByText('Imported the model lab-demo; it is now in the model list.').waitFor();
  assert.equal(await page.getByRole('combobox', { name: 'Model' }).inputValue(), 'lab-demo');
  assert.deepEqual(await modelOptions('lab'), ['lab-demo']);
  await page.getByRole('combobox', { name: 'Model' }).fill('lab-demo');
});

test('an opened image is listed under Recent, also after a reload, and reopens from there', { timeout: 60_000 }, async () => {
  await page.getByRole('button', { name: 'Recent' }).click();
  await page.getByRole('menuitem', { name: 'No recent images' }).waitFor();
  await page.keyboard.press('Escape');

  await page.getByLabel('Image path').fill(IMAGE);
  await page.getByRole('button', { name: 'Open', exact: true }).click();
  await page.getByText('Opened cellpose_img_075.png (240 x 300, 3 channels, uint8).').waitFor();

  await page.reload();
  await page.getByRole('button', { name: 'Recent' }).click();
  const item = page.getByRole('menuitem', { name: 'cellpose_img_075.png' });
  assert.equal(await item.getAttribute('title'), IMAGE);
  await item.click();
  await page.getByText('Opened cellpose_img_075.png (240 x 300, 3 channels, uint8).').waitFor();
});

test('Calibrate fills the diameter with the size model estimate and says it in the status bar', { timeout: 120_000 }, async () => {
  await page.getByRole('combobox', { name: 'Model' }).fill('lab-demo');
  await page.getByRole('combobox', { name: 'Execution provider' }).click();
  await page.getByRole('option', { name: 'cpu', exact: true }).click();
  await page.getByRole('button', { name: 'Calibrate' }).click();
  const status = page.getByRole('status');
  await status.getByText(/^Calibrated/).waitFor({ timeout: 110_000 });
  const said = Number(/estimates a cell diameter of ([\d.]+) px/.exec((await status.textContent()) ?? '')?.[1]);
  assert.ok(said > 5 && said < 100 && said !== 30, `calibrated diameter ${said}`);
  assert.equal(Number(await page.getByLabel('Cell diameter (px)').inputValue()), said);
});

test('after segmenting, F shows the flow field and P the cell probability in place of the image', { timeout: 180_000 }, async () => {
  const flowsRadio = page.getByRole('radio', { name: 'Flows (F)' });
  assert.equal(await flowsRadio.isDisabled(), true, 'no network output before the first run');
  await page.getByRole('button', { name: 'Run' }).click();
  await page.getByText(/^Segmented with lab-demo/).waitFor({ timeout: 170_000 });
  assert.equal(await flowsRadio.isDisabled(), false);

  // Masks and outlines off, so the canvas shows the image layer alone, then the network output alone.
  await pressOnView(page, 'x');
  await pressOnView(page, 'z');
  const image = await shownImagePixels();
  await pressOnView(page, 'f');
  assert.equal(await flowsRadio.isChecked(), true);
  // The output is fetched from the engine the first time it is shown: wait for the canvas to change.
  let flows = await shownImagePixels();
  for (let tries = 0; differing(flows, image) === 0 && tries < 50; tries++) {
    await page.waitForTimeout(100);
    flows = await shownImagePixels();
  }
  assert.ok(differing(flows, image) > image.length / 2, `${differing(flows, image)} of ${image.length} pixels changed with the flows shown`);
  assert.ok(flows.filter(([r, g, b]) => Math.max(r!, g!, b!) - Math.min(r!, g!, b!) > 60).length > image.length / 10, 'the flow field is in colour');

  await pressOnView(page, 'p');
  assert.equal(await page.getByRole('radio', { name: 'Cell probability (P)' }).isChecked(), true);
  const cellprob = await shownImagePixels();
  assert.ok(cellprob.every(([r, g, b]) => Math.abs(r! - g!) <= 1 && Math.abs(g! - b!) <= 1), 'the cell probability is grey');
  assert.ok(differing(cellprob, image) > image.length / 2);

  await pressOnView(page, 'p');
  assert.equal(await page.getByRole('radio', { name: 'None' }).isChecked(), true);
  assert.equal(differing(await shownImagePixels(), image), 0, 'pressing P again shows the image as it was');
});

test('N writes each mask\'s number on the image, in white, hidden once zoomed out too far for them; the switch turns them off', { timeout: 60_000 }, async () => {
  const canvas = page.locator('canvas.viewer-canvas');
  const numbersSwitch = page.getByRole('switch', { name: 'Numbers (N)' });
  assert.equal(await numbersSwitch.isChecked(), false);
  assert.equal(await canvas.getAttribute('data-mask-numbers'), '0');
  const without = await decodeImage(new Uint8Array(await canvas.screenshot()));

  await pressOnView(page, 'n');
  assert.equal(await numbersSwitch.isChecked(), true);
  const written = Number(await canvas.getAttribute('data-mask-numbers'));
  assert.ok(written > 20, `${written} numbers written at fit`);
  const withNumbers = await decodeImage(new Uint8Array(await canvas.screenshot()));
  const plane = without.width * without.height;
  let changed = 0;
  let white = 0;
  for (let i = 0; i < plane; i++) {
    const rgb = [0, 1, 2].map((c) => withNumbers.data[c * plane + i]!);
    if ([0, 1, 2].some((c) => Math.abs(rgb[c]! - without.data[c * plane + i]!) > 30)) changed++;
    if (rgb.every((v) => v > 240)) white++;
  }
  assert.ok(changed > written * 10, `${changed} pixels changed for ${written} numbers`);
  assert.ok(white > written * 5, `${white} white pixels`);

  const box = (await canvas.boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  for (let i = 0; i < 6; i++) await page.mouse.wheel(0, 500);
  await settle(page);
  assert.ok(Number(await canvas.getAttribute('data-scale')) < 0.1);
  assert.equal(await canvas.getAttribute('data-mask-numbers'), '0', 'masks a pixel across carry no number');
  await page.getByRole('button', { name: 'Fit' }).click();
  await settle(page);
  assert.equal(Number(await canvas.getAttribute('data-mask-numbers')), written);

  await numbersSwitch.click();
  await settle(page);
  assert.equal(await canvas.getAttribute('data-mask-numbers'), '0');
});

test('the page ran without errors (none from its Content-Security-Policy either)', () => {
  assert.deepEqual(app.consoleErrors, []);
});
