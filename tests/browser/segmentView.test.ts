// The Segment view in headless Chromium against `celldesk serve`, with the demo checkpoint: open, segment, see the
// overlay, delete and undo, re-threshold without the network, export; and the API's token check.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import type { Page } from 'playwright-core';
import { decodeImage } from '../../src/engine/image/decodeImage';
import { readSegFile } from '../../src/engine/sessionFile/readSegFile';
import { EXPORT_FORMATS } from '../../src/shared/contract';
import { maskColour } from '../../src/shared/viewer/colours';
import { exportThroughDialog, pressOnView, settle, startBrowserApp, type BrowserApp } from '../helpers/browserApp';
import { tempDir } from '../helpers/cli';
import { DEMO_CHECKPOINT } from '../helpers/demoModel';
import { floatingControlsTest } from '../helpers/viewerControls';
import { sharedPath } from '../helpers/shared';

const IMAGE = sharedPath('images', 'webgpu-cellseg', 'cellpose_img_075.png');
/** Masks official-equivalent CellDesk finds in this image with the demo model at diameter 30 (tests/service). */
const EXPECTED_MASKS = 44;

let app: BrowserApp;
let page: Page;

before(async () => {
  app = await startBrowserApp('browser-home');
  page = app.page;
});

after(() => app?.close());

async function maskCount(): Promise<number> {
  const text = (await page.getByTestId('mask-count').textContent()) ?? '';
  return Number(/^(\d+) masks?$/.exec(text)?.[1] ?? NaN);
}

async function waitForMaskCount(predicate: (count: number) => boolean): Promise<number> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const count = await maskCount();
    if (predicate(count)) return count;
    if (Date.now() > deadline) assert.fail(`the mask count stayed at ${count}`);
    await page.waitForTimeout(100);
  }
}

async function viewport(): Promise<{ scale: number; offsetX: number; offsetY: number }> {
  const canvas = page.locator('canvas.viewer-canvas');
  const [scale, offsetX, offsetY] = await Promise.all(['data-scale', 'data-offset-x', 'data-offset-y'].map((name) => canvas.getAttribute(name)));
  return { scale: Number(scale), offsetX: Number(offsetX), offsetY: Number(offsetY) };
}

/** The viewer canvas as RGB planes. */
async function canvasPixels() {
  const raster = await decodeImage(new Uint8Array(await page.locator('canvas.viewer-canvas').screenshot()));
  const plane = raster.width * raster.height;
  return { width: raster.width, at: (x: number, y: number) => [0, 1, 2].map((c) => raster.data[c * plane + y * raster.width + x]!) };
}


async function readLabels(path: string): Promise<Uint32Array> {
  return Uint32Array.from((await decodeImage(new Uint8Array(readFileSync(path)))).data);
}

/** A pixel deep inside mask `label` (all 8 neighbours in it), nearest the mask's mean position. */
function innerPixel(labels: Uint32Array, width: number, label: number): [number, number] {
  let sx = 0;
  let sy = 0;
  let n = 0;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] !== label) continue;
    sx += i % width;
    sy += Math.floor(i / width);
    n++;
  }
  let best: [number, number] = [-1, -1];
  let bestDistance = Infinity;
  for (let i = 0; i < labels.length; i++) {
    const x = i % width;
    const y = Math.floor(i / width);
    const inner = [-1, 0, 1].every((dy) => [-1, 0, 1].every((dx) => labels[(y + dy) * width + x + dx] === label));
    const distance = Math.hypot(x - sx / n, y - sy / n);
    if (labels[i] === label && inner && distance < bestDistance) {
      best = [x, y];
      bestDistance = distance;
    }
  }
  return best;
}

/** The label covering the most pixels. */
function largestMask(labels: Uint32Array): number {
  const areas = new Map<number, number>();
  for (const label of labels) if (label !== 0) areas.set(label, (areas.get(label) ?? 0) + 1);
  return [...areas].sort((a, b) => b[1] - a[1])[0]![0];
}

async function clickImagePixel(x: number, y: number, modifiers: ('Shift')[] = []): Promise<void> {
  const view = await viewport();
  await page.locator('canvas.viewer-canvas').click({ position: { x: view.offsetX + (x + 0.5) * view.scale, y: view.offsetY + (y + 0.5) * view.scale }, modifiers });
  await settle(page);
}

test('the API refuses every call without the right token (401)', async () => {
  const origin = new URL(app.url).origin;
  assert.equal((await fetch(`${origin}/api/call/app:info`, { method: 'POST' })).status, 401);
  assert.equal((await fetch(`${origin}/api/call/app:info`, { method: 'POST', headers: { authorization: 'Bearer not-the-token' } })).status, 401);
  assert.equal((await fetch(`${origin}/api/events`)).status, 401);
  assert.equal((await fetch(`${origin}/`)).status, 200);
});

test('opens an image typed as a path and shows it fitted in the viewer', { timeout: 60_000 }, async () => {
  await page.goto(app.url);
  await page.getByLabel('Image path').fill(IMAGE);
  await page.getByRole('button', { name: 'Open', exact: true }).click();
  await page.getByText('Opened cellpose_img_075.png (240 x 300, 3 channels, uint8).').waitFor();
  await settle(page);
  const view = await viewport();
  const box = (await page.locator('canvas.viewer-canvas').boundingBox())!;
  assert.ok(Math.abs(view.scale - Math.min(box.width / 240, box.height / 300)) < 1e-9, `fit scale ${view.scale}`);
});

let labels: Uint32Array;

test('segments with the demo checkpoint and draws each mask in its colour over the image', { timeout: 180_000 }, async () => {
  await page.getByRole('combobox', { name: 'Model' }).fill(DEMO_CHECKPOINT);
  await page.getByRole('combobox', { name: 'Execution provider' }).click();
  await page.getByRole('option', { name: 'cpu', exact: true }).click();
  await page.getByRole('button', { name: 'Run' }).click();
  assert.equal(await waitForMaskCount((n) => n > 0), EXPECTED_MASKS);
  assert.equal(await page.getByTestId('network-runs').textContent(), 'network runs: 1');
  assert.equal(await page.getByTestId('diameter').textContent(), 'Diameter 30.00 px');

  labels = await readLabels((await exportThroughDialog(page, tempDir('first-export'), ['labels-tiff']))[0]!);
  assert.equal(new Set(labels).size - 1, EXPECTED_MASKS);

  // Outlines off (Z); a screenshot with masks (default opacity 0.5) and one without (X).
  await pressOnView(page, 'z');
  const withMasks = await canvasPixels();
  await pressOnView(page, 'x');
  const withoutMasks = await canvasPixels();
  await pressOnView(page, 'x');
  await pressOnView(page, 'z');

  const view = await viewport();
  const underTools = await floatingControlsTest(page);
  let maskPixels = 0;
  let mismatches = 0;
  for (let y = 0; y < 300; y++) {
    for (let x = 0; x < 240; x++) {
      const sx = Math.floor(view.offsetX + (x + 0.5) * view.scale);
      const sy = Math.floor(view.offsetY + (y + 0.5) * view.scale);
      if (underTools(sx, sy)) continue;
      const shown = withMasks.at(sx, sy);
      const image = withoutMasks.at(sx, sy);
      const label = labels[y * 240 + x]!;
      const expected = label === 0 ? image : image.map((v, c) => v * 0.5 + maskColour(label)[c]! * 0.5);
      if (label !== 0) maskPixels++;
      if (expected.some((v, c) => Math.abs(v - shown[c]!) > 3)) mismatches++;
    }
  }
  assert.ok(maskPixels > 20_000, `${maskPixels} mask pixels`);
  assert.equal(mismatches, 0, `${mismatches} of 72000 pixels differ from image blended with their mask's colour`);
});

test('deletes a clicked mask (count drops by one) and undo brings it back; shift-click deletes several', { timeout: 60_000 }, async () => {
  const [x, y] = innerPixel(labels, 240, largestMask(labels));
  await clickImagePixel(x, y);
  await pressOnView(page, 'Delete');
  assert.equal(await maskCount(), EXPECTED_MASKS - 1);
  await pressOnView(page, 'Control+z');
  assert.equal(await maskCount(), EXPECTED_MASKS);
  await pressOnView(page, 'Control+Shift+z');
  assert.equal(await maskCount(), EXPECTED_MASKS - 1);
  await pressOnView(page, 'Control+z');
  assert.equal(await maskCount(), EXPECTED_MASKS);

  const others = [...new Set(labels)].filter((label) => label !== 0).slice(0, 3);
  await page.keyboard.press('Escape');
  for (const label of others) await clickImagePixel(...innerPixel(labels, 240, label), ['Shift']);
  await page.getByRole('button', { name: 'Delete 3 masks' }).click();
  assert.equal(await maskCount(), EXPECTED_MASKS - 3);
  await page.getByRole('button', { name: 'Undo' }).click();
  assert.equal(await maskCount(), EXPECTED_MASKS);
});

let rethresholdCount: number;

test('changing the cell probability threshold recomputes the masks without running the network', { timeout: 60_000 }, async () => {
  await page.getByLabel('Cell probability threshold').fill('3');
  rethresholdCount = await waitForMaskCount((n) => n !== EXPECTED_MASKS);
  assert.ok(rethresholdCount < EXPECTED_MASKS, `${rethresholdCount} masks at threshold 3`);
  await page.getByTestId('rethreshold-note').waitFor();
  assert.equal(await page.getByTestId('network-runs').textContent(), 'network runs: 1');
});

test('exports the edited masks: label TIFF and PNG, outlines, ImageJ ROIs and CSV hold what the view shows', { timeout: 60_000 }, async () => {
  const current = await readLabels((await exportThroughDialog(page, tempDir('probe'), ['labels-tiff']))[0]!);
  const doomed = [...new Set(current)].find((label) => label !== 0)!;
  const doomedPixel = innerPixel(current, 240, doomed);
  await clickImagePixel(...doomedPixel);
  await pressOnView(page, 'Delete');
  const shown = await maskCount();
  assert.equal(shown, rethresholdCount - 1);

  const folder = tempDir('export');
  const files = await exportThroughDialog(page, folder, EXPORT_FORMATS);
  const names = ['_cp_masks.tif', '_cp_masks.png', '_outlines.png', '_rois.zip', '_cp_measurements.csv', '_seg.npy'].map((suffix) => join(folder, `cellpose_img_075${suffix}`));
  assert.deepEqual(files, names);
  const tiff = await readLabels(names[0]!);
  // Numbered 1..N without gaps after the delete, as the Cellpose GUI numbers them ([Note: label numbering]).
  assert.deepEqual([...new Set(tiff)].sort((a, b) => a - b), Array.from({ length: shown + 1 }, (_, i) => i));
  assert.equal(tiff[doomedPixel[1] * 240 + doomedPixel[0]], 0, 'the deleted mask is background');
  assert.deepEqual(await readLabels(names[1]!), tiff);
  const outlines = await decodeImage(new Uint8Array(readFileSync(names[2]!)));
  assert.deepEqual([outlines.width, outlines.height, outlines.channels], [240, 300, 3]);
  assert.equal(Object.keys(unzipSync(new Uint8Array(readFileSync(names[3]!)))).length, shown);
  assert.equal(readFileSync(names[4]!, 'utf8').trim().split('\n').length, shown + 1);
  assert.deepEqual(Uint32Array.from(readSegFile(new Uint8Array(readFileSync(names[5]!))).masks.data), tiff, 'the session file holds the same masks');
});

test('exporting onto files already there asks first; in the browser mode each written file downloads to this computer', { timeout: 60_000 }, async () => {
  const folder = tempDir('export-again');
  const [first] = await exportThroughDialog(page, folder, ['labels-png']);
  const before = readFileSync(first!);
  await page.getByRole('button', { name: 'Export…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Export masks' });
  await dialog.getByLabel('Folder').fill(folder);
  await dialog.getByRole('button', { name: 'Export', exact: true }).click();
  const question = dialog.getByLabel('Replace files');
  await question.getByText(first!, { exact: true }).waitFor();
  await question.getByRole('button', { name: 'Keep them' }).click();
  await page.getByText('Nothing exported: the files there were kept.').waitFor();
  assert.deepEqual(readFileSync(first!), before);

  await dialog.getByRole('button', { name: 'Export', exact: true }).click();
  await question.getByRole('button', { name: 'Replace' }).click();
  const link = dialog.getByLabel('Written files').getByRole('link', { name: first!, exact: true });
  const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
  assert.equal(download.suggestedFilename(), 'cellpose_img_075_cp_masks.png');
  assert.deepEqual(readFileSync((await download.path())!), readFileSync(first!));
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'hidden' });
});

test('the page ran without errors (none from its Content-Security-Policy either)', () => {
  assert.deepEqual(app.consoleErrors, []);
});
