// Issue 12 in headless Chromium against `celldesk serve`, with the demo checkpoint: a 3-plane stack opened with its Z
// slider, the slider moved, all planes segmented and stitched, and the session saved as a _seg.npy the engine reads
// back (stitched as official Cellpose stitches); an official _seg.npy opened over its image, by path and uploaded
// from the browser's computer, mask count and pixels those of the file.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { averagePrecision } from '../../src/engine/core/metrics';
import { decodeImage } from '../../src/engine/image/decodeImage';
import { readSegFile } from '../../src/engine/sessionFile/readSegFile';
import { exportThroughDialog, openImagePath, startBrowserApp, viewerScreenshot, type BrowserApp } from '../helpers/browserApp';
import { tempDir } from '../helpers/cli';
import { DEMO_CHECKPOINT, loadSharedRaster } from '../helpers/demoModel';
import { readShared, sharedPath } from '../helpers/shared';
import { compareLinks, numberedFromOne } from '../helpers/stackLinks';

const PLANE = 512 * 512;

let app: BrowserApp;
let page: Page;

before(async () => {
  app = await startBrowserApp('browser-stacks');
  page = app.page;
});

after(() => app?.close());

/** A copy of a ../shared file in a folder of its own, so that what is saved beside it lands there. */
function copyOfShared(folder: string, ...parts: string[]): string {
  const path = join(folder, parts.at(-1)!);
  copyFileSync(sharedPath(...parts), path);
  return path;
}

let stackPath: string;

test('a 3-plane stack opens on its middle plane with a Z slider, and moving the slider shows another plane', { timeout: 120_000 }, async () => {
  stackPath = copyOfShared(tempDir('browser-stack'), 'images', 'stacks', 'cell_00849_drift.tif');
  await page.goto(app.url);
  await openImagePath(page, stackPath);
  await page.getByText('Opened cell_00849_drift.tif (512 x 512, 1 channel, 3 planes, uint8).').waitFor();
  const position = page.getByTestId('z-position');
  assert.equal(await position.textContent(), '2 / 3');
  const middle = await viewerScreenshot(page);
  // A click at the start of the slider's track chooses the first plane.
  const track = (await page.getByRole('slider', { name: 'Plane (Z)' }).locator('..').boundingBox())!;
  await page.mouse.click(track.x + 1, track.y + track.height / 2);
  await page.getByTestId('z-position').getByText('1 / 3').waitFor();
  assert.notDeepEqual(await viewerScreenshot(page), middle, 'the viewer shows plane 1, not plane 2');
});

test('all planes segmented and stitched, then saved as a _seg.npy the engine reads back as official Cellpose stitches', { timeout: 600_000 }, async () => {
  await page.getByRole('combobox', { name: 'Model' }).fill(DEMO_CHECKPOINT);
  await page.getByRole('combobox', { name: 'Execution provider' }).click();
  await page.getByRole('option', { name: 'cpu', exact: true }).click();
  assert.equal(await page.getByRole('radio', { name: 'All 3 planes' }).isChecked(), true, 'a stack runs over all planes by default');
  await page.getByLabel('Stitch threshold (IoU)').fill('0.25');
  await page.getByRole('button', { name: 'Run' }).click();
  const summary = page.getByTestId('stack-summary');
  await summary.getByText('linked through the planes', { exact: false }).waitFor({ timeout: 540_000 });
  const linked = Number(/; (\d+) cells linked/.exec((await summary.textContent()) ?? '')?.[1]);
  assert.match((await summary.textContent()) ?? '', /^in plane 1 of 3; \d+ cells linked through the planes$/);

  await page.getByRole('button', { name: 'Save session (_seg.npy)' }).click();
  const savedAs = stackPath.replace(/\.tif$/, '_seg.npy');
  await page.getByText(`Saved the session as ${savedAs}; the Cellpose GUI opens it.`).waitFor();
  const session = readSegFile(new Uint8Array(readFileSync(savedAs)));
  assert.deepEqual([session.masks.planes, session.masks.height, session.masks.width], [3, 512, 512]);
  const ours = Uint32Array.from(session.masks.data);
  assert.equal(new Set(ours.filter((label) => label !== 0)).size, linked, 'the file holds the cells the view counted');
  const official = Uint32Array.from((await loadSharedRaster('reference', 'cell_00849_drift.stitch0.25.masks.tif')).data);
  for (let z = 0; z < 3; z++) {
    const { ap } = averagePrecision(numberedFromOne(official.subarray(z * PLANE, (z + 1) * PLANE)), numberedFromOne(ours.subarray(z * PLANE, (z + 1) * PLANE)), 0.5);
    assert.ok(ap >= 0.98, `plane ${z}: AP ${ap}`);
  }
  assert.deepEqual(compareLinks(official, ours, 3, PLANE).broken, []);
  assert.deepEqual(app.consoleErrors, []);
});

/** The shown masks exported as a label TIFF alone (numbered 1..N), decoded. */
async function exportedLabels(): Promise<Uint32Array> {
  const [labels] = await exportThroughDialog(page, tempDir('browser-session-export'), ['labels-tiff']);
  return Uint32Array.from((await decodeImage(new Uint8Array(readFileSync(labels!)))).data);
}

const official = readSegFile(readShared('reference', 'seg', 'cell_00849_seg.npy'));
const officialCount = new Set(official.masks.data).size - 1;

test('an official _seg.npy opens over its image: mask count and pixels are the file\'s', { timeout: 120_000 }, async () => {
  const folder = tempDir('browser-session');
  copyOfShared(folder, 'images', 'neurips22-cellseg', 'cell_00849.png');
  const segPath = copyOfShared(folder, 'reference', 'seg', 'cell_00849_seg.npy');
  await openImagePath(page, segPath);
  await page.getByTestId('session-source').getByText('From the session file cell_00849_seg.npy.').waitFor();
  assert.equal(await page.getByTestId('mask-count').textContent(), `${officialCount} masks`);
  assert.equal(await page.getByTestId('z-position').count(), 0, 'a 2D session has no slider');
  // The labels shown are the file's: exported as a label TIFF, the same partition (numbered 1..N in both).
  assert.deepEqual(await exportedLabels(), Uint32Array.from(official.masks.data));
  assert.deepEqual(app.consoleErrors, []);
});

/** Sends a file from the test's computer through the Segment view's Upload button, as a user picks one. */
async function upload(...parts: string[]): Promise<void> {
  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: 'Upload…' }).click();
  await (await chooser).setFiles({ name: parts.at(-1)!, mimeType: 'application/octet-stream', buffer: Buffer.from(readShared(...parts)) });
}

test('uploaded from the browser\'s computer, an image and then its official _seg.npy: the masks over that image, count and pixels the file\'s', { timeout: 120_000 }, async () => {
  await page.goto(app.url);
  await upload('images', 'neurips22-cellseg', 'cell_00849.png');
  await page.getByText('Opened cell_00849.png (512 x 512', { exact: false }).waitFor();
  await upload('reference', 'seg', 'cell_00849_seg.npy');
  await page.getByText(`Opened the session cell_00849_seg.npy: ${officialCount} masks over cell_00849.png.`, { exact: false }).waitFor();
  assert.equal(await page.getByTestId('mask-count').textContent(), `${officialCount} masks`);
  assert.deepEqual(await exportedLabels(), Uint32Array.from(official.masks.data));
  assert.deepEqual(app.consoleErrors, []);
});
