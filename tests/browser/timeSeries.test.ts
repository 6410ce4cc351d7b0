// Issue 12's time series in headless Chromium against `celldesk serve`, with the demo checkpoint: an ImageJ hyperstack
// of 2 slices x 3 frames (made here from squares of the shared drift stack) opens with a Z and a T slider; moving T
// shows that time point, Run segments that time point's planes (the same masks as the same planes in a file of their
// own), and each time point keeps its own masks.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { openImageStack } from '../../src/engine/image/imageStack';
import { openImagePath, startBrowserApp, viewerScreenshot, type BrowserApp } from '../helpers/browserApp';
import { tempDir } from '../helpers/cli';
import { DEMO_CHECKPOINT } from '../helpers/demoModel';
import { imagejHyperstack, type DriftSquare } from '../helpers/stackPages';

const SIDE = 192;
const SLICES = 2;
const FRAMES = 3;
/** Pages in ImageJ's order (slices within frames): time point t is a square of its own, at (160 t, 160 t). */
const SQUARES: DriftSquare[] = Array.from({ length: FRAMES * SLICES }, (_, page) => {
  const [frame, slice] = [Math.floor(page / SLICES), page % SLICES];
  return { page: slice, x: 160 * frame, y: 160 * frame };
});

let app: BrowserApp;
let page: Page;
const folder = tempDir('browser-time-series');
const series = join(folder, 'timelapse.tif');
/** The last time point's two slices, as a stack of their own. */
const lastFrame = join(folder, 'last_frame.tif');

before(async () => {
  writeFileSync(series, await imagejHyperstack(SIDE, SQUARES, SLICES, FRAMES));
  writeFileSync(lastFrame, await imagejHyperstack(SIDE, SQUARES.slice(-SLICES), SLICES, 1));
  app = await startBrowserApp('browser-time-series');
  page = app.page;
});

after(() => app?.close());

/** Clicks the start or the end of an axis's slider track, choosing its first or last position. */
async function slideTo(name: string, end: 'first' | 'last'): Promise<void> {
  const track = (await page.getByRole('slider', { name }).locator('..').boundingBox())!;
  await page.mouse.click(end === 'first' ? track.x + 1 : track.x + track.width - 1, track.y + track.height / 2);
}

/** Runs all planes of the shown time point and answers with them as the label TIFF export writes them. */
async function runAndExport(name: string): Promise<Uint32Array[]> {
  await page.getByRole('button', { name: 'Run' }).click();
  await page.getByText(`Segmented ${SLICES} planes with`, { exact: false }).waitFor({ timeout: 240_000 });
  await page.getByRole('button', { name: 'Export…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Export masks' });
  const exportFolder = tempDir('browser-time-series-export');
  await dialog.getByLabel('Folder').fill(exportFolder);
  await dialog.getByRole('button', { name: 'Export', exact: true }).click();
  await dialog.getByLabel('Written files').waitFor();
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'hidden' });
  const stack = await openImageStack(new Uint8Array(readFileSync(join(exportFolder, `${name}_cp_masks.tif`))));
  assert.equal(stack.description.planes, SLICES);
  return Promise.all(Array.from({ length: SLICES }, async (_, plane) => Uint32Array.from((await stack.readPlane({ plane, frame: 0 })).data)));
}

test('a hyperstack of 2 slices x 3 time points opens with a Z and a T slider, and moving T shows another time point', { timeout: 120_000 }, async () => {
  await page.goto(app.url);
  await openImagePath(page, series);
  await page.getByText(`Opened timelapse.tif (${SIDE} x ${SIDE}, 1 channel, 2 planes, 3 time points, uint8).`).waitFor();
  assert.equal(await page.getByTestId('z-position').textContent(), '2 / 2');
  assert.equal(await page.getByTestId('t-position').textContent(), '1 / 3');
  const first = await viewerScreenshot(page);
  await slideTo('Time point (T)', 'last');
  await page.getByTestId('t-position').getByText('3 / 3').waitFor();
  assert.equal(await page.getByTestId('z-position').textContent(), '2 / 2', 'the plane stays');
  assert.notDeepEqual(await viewerScreenshot(page), first, 'the viewer shows time point 3, not 1');
});

test('Run segments the shown time point\'s planes: the masks of those planes in a file of their own; the other time points keep theirs', { timeout: 600_000 }, async () => {
  await page.getByRole('combobox', { name: 'Model' }).fill(DEMO_CHECKPOINT);
  await page.getByRole('combobox', { name: 'Execution provider' }).click();
  await page.getByRole('option', { name: 'cpu', exact: true }).click();
  assert.equal(await page.getByRole('radio', { name: `All ${SLICES} planes` }).isChecked(), true);
  const inSeries = await runAndExport('timelapse');
  const shownCount = await page.getByTestId('mask-count').textContent();
  assert.ok(inSeries.some((plane) => plane.some((label) => label !== 0)), 'the time point has masks');

  // Time point 1 was not segmented: it shows no masks; back on time point 3, its masks are there again.
  await slideTo('Time point (T)', 'first');
  await page.getByTestId('t-position').getByText('1 / 3').waitFor();
  await page.getByText('No masks yet', { exact: false }).waitFor();
  await slideTo('Time point (T)', 'last');
  await page.getByTestId('t-position').getByText('3 / 3').waitFor();
  assert.equal(await page.getByTestId('mask-count').textContent(), shownCount);

  await openImagePath(page, lastFrame);
  await page.getByText(`Opened last_frame.tif (${SIDE} x ${SIDE}, 1 channel, 2 planes, uint8).`).waitFor();
  assert.equal(await page.getByTestId('t-position').count(), 0, 'one time point: no T slider');
  assert.deepEqual(await runAndExport('last_frame'), inSeries);
  assert.deepEqual(app.consoleErrors, []);
});
