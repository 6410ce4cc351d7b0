// Mask editing in headless Chromium against `celldesk serve`, with the demo checkpoint: merge, draw, erase, undo and
// redo, panning with a tool active, the unsaved flag, the draft restored after a reload (whose thresholds and flows
// say plainly what they need, never an error over the masks), and export clearing it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { decodeImage } from '../../src/engine/image/decodeImage';
import { exportThroughDialog, pressOnView, settle, startBrowserApp, type BrowserApp } from '../helpers/browserApp';
import { tempDir } from '../helpers/cli';
import { DEMO_CHECKPOINT } from '../helpers/demoModel';
import { NEEDS_NETWORK_OUTPUT } from '../../src/renderer/src/model/segment/state';
import { sharedPath } from '../helpers/shared';

const IMAGE = sharedPath('images', 'webgpu-cellseg', 'cellpose_img_075.png');
const WIDTH = 240;
/** Masks CellDesk finds in this image with the demo model at diameter 30 (tests/service). */
const EXPECTED_MASKS = 44;

let app: BrowserApp;
let page: Page;

before(async () => {
  app = await startBrowserApp('editing-home');
  page = app.page;
});

after(() => app?.close());

async function maskCount(): Promise<number> {
  const text = (await page.getByTestId('mask-count').textContent()) ?? '';
  return Number(/^(\d+) masks?$/.exec(text)?.[1] ?? NaN);
}

/** The area the masks table shows for `label`; null when it has no row. */
async function tableArea(label: number): Promise<number | null> {
  const row = page.locator(`tr[data-label="${label}"]`);
  if ((await row.count()) === 0) return null;
  return Number(await row.locator('td').nth(1).textContent());
}

async function viewport(): Promise<{ scale: number; offsetX: number; offsetY: number }> {
  const canvas = page.locator('canvas.viewer-canvas');
  const [scale, offsetX, offsetY] = await Promise.all(['data-scale', 'data-offset-x', 'data-offset-y'].map((name) => canvas.getAttribute(name)));
  return { scale: Number(scale), offsetX: Number(offsetX), offsetY: Number(offsetY) };
}

/** Page coordinates of image point (x, y). */
async function onPage(x: number, y: number): Promise<[number, number]> {
  const view = await viewport();
  const box = (await page.locator('canvas.viewer-canvas').boundingBox())!;
  return [box.x + view.offsetX + x * view.scale, box.y + view.offsetY + y * view.scale];
}

/** A drag through image points with `button`, in small steps as a hand would move. */
async function dragThrough(points: [number, number][], button: 'left' | 'right' | 'middle' = 'left'): Promise<void> {
  const [first, ...rest] = points;
  await page.mouse.move(...(await onPage(...first!)));
  await page.mouse.down({ button });
  for (const point of rest) await page.mouse.move(...(await onPage(...point)), { steps: 8 });
  await page.mouse.up({ button });
  await settle(page);
}

async function clickImagePixel(x: number, y: number, modifiers: 'Shift'[] = []): Promise<void> {
  const view = await viewport();
  await page.locator('canvas.viewer-canvas').click({ position: { x: view.offsetX + (x + 0.5) * view.scale, y: view.offsetY + (y + 0.5) * view.scale }, modifiers });
  await settle(page);
}


async function openImage(): Promise<void> {
  await page.getByLabel('Image path').fill(IMAGE);
  await page.getByRole('button', { name: 'Open', exact: true }).click();
}

/** Per label: pixel count and the pixel nearest its mean position that has all 8 neighbours in it. */
function maskFacts(labels: Uint32Array): Map<number, { area: number; inner: [number, number] }> {
  const sums = new Map<number, [number, number, number]>();
  labels.forEach((label, i) => {
    if (label === 0) return;
    const s = sums.get(label) ?? [0, 0, 0];
    sums.set(label, [s[0] + (i % WIDTH), s[1] + Math.floor(i / WIDTH), s[2] + 1]);
  });
  const facts = new Map<number, { area: number; inner: [number, number] }>();
  for (const [label, [sx, sy, n]] of sums) {
    let best: [number, number] = [-1, -1];
    let bestDistance = Infinity;
    labels.forEach((value, i) => {
      const x = i % WIDTH;
      const y = Math.floor(i / WIDTH);
      if (value !== label || ![-1, 0, 1].every((dy) => [-1, 0, 1].every((dx) => labels[(y + dy) * WIDTH + x + dx] === label))) return;
      const distance = Math.hypot(x - sx / n, y - sy / n);
      if (distance < bestDistance) [best, bestDistance] = [[x, y], distance];
    });
    facts.set(label, { area: n, inner: best });
  }
  return facts;
}

/** The top-left corner of an empty `size` x `size` square of background, lowest first (the tool bar is at the top). */
function emptySquare(labels: Uint32Array, size: number): [number, number] {
  const height = labels.length / WIDTH;
  for (let y = height - size - 3; y >= 2; y--) {
    for (let x = 2; x + size < WIDTH - 2; x++) {
      let empty = true;
      for (let dy = -1; dy <= size && empty; dy++) for (let dx = -1; dx <= size && empty; dx++) empty = labels[(y + dy) * WIDTH + x + dx] === 0;
      if (empty) return [x, y];
    }
  }
  throw new Error(`no empty ${size} x ${size} square`);
}

let labels: Uint32Array;
let facts: ReturnType<typeof maskFacts>;

test('segments, and an export of the labels leaves nothing unsaved', { timeout: 240_000 }, async () => {
  await page.goto(app.url);
  await openImage();
  await page.getByText('Opened cellpose_img_075.png').waitFor();
  await page.getByRole('combobox', { name: 'Model' }).fill(DEMO_CHECKPOINT);
  await page.getByRole('combobox', { name: 'Execution provider' }).click();
  await page.getByRole('option', { name: 'cpu', exact: true }).click();
  await page.getByRole('button', { name: 'Run' }).click();
  await page.getByTestId('mask-count').waitFor({ timeout: 180_000 });
  assert.equal(await maskCount(), EXPECTED_MASKS);
  labels = Uint32Array.from((await decodeImage(new Uint8Array(readFileSync((await exportThroughDialog(page, tempDir('editing-first'), ['labels-tiff']))[0]!)))).data);
  facts = maskFacts(labels);
  assert.equal(await page.getByTestId('unsaved').count(), 0, 'a fresh segmentation is no edit');
});

let merged: number;

test('merging two selected masks (M) leaves one mask with both areas, and flags the change as unsaved', { timeout: 60_000 }, async () => {
  const [a, b] = [...facts.keys()].sort((p, q) => p - q).slice(0, 2) as [number, number];
  await clickImagePixel(...facts.get(a)!.inner);
  await clickImagePixel(...facts.get(b)!.inner, ['Shift']);
  await pressOnView(page, 'm');
  assert.equal(await maskCount(), EXPECTED_MASKS - 1);
  merged = Math.min(a, b);
  assert.equal(await tableArea(merged), facts.get(a)!.area + facts.get(b)!.area);
  assert.equal(await tableArea(Math.max(a, b)), null);
  await page.getByTestId('unsaved').waitFor();
});

test('the draw tool (D) fills a dragged outline into a new mask; Escape returns to selecting', { timeout: 60_000 }, async () => {
  await pressOnView(page, 'd');
  assert.equal(await page.getByRole('button', { name: 'Draw (D)' }).getAttribute('aria-pressed'), 'true');
  const [x, y] = emptySquare(labels, 10);
  await dragThrough([
    [x, y],
    [x + 10, y],
    [x + 10, y + 10],
    [x, y + 10],
  ]);
  assert.equal(await maskCount(), EXPECTED_MASKS);
  const drawn = Math.max(...facts.keys()) + 1;
  const area = (await tableArea(drawn))!;
  assert.ok(area >= 100 && area <= 121, `the drawn 10 x 10 outline made a mask of ${area} px`);
  await pressOnView(page, 'Escape');
  assert.equal(await page.getByRole('button', { name: 'Select (Esc)' }).getAttribute('aria-pressed'), 'true');
});

test('the erase tool (E) removes pixels along a stroke as one undoable step; the middle button still pans', { timeout: 60_000 }, async () => {
  const largest = [...facts].filter(([label]) => label > 2).sort((p, q) => q[1].area - p[1].area)[0]!;
  const [label, { area, inner }] = largest;
  await pressOnView(page, 'e');
  await pressOnView(page, ']');
  assert.match((await page.getByTestId('brush-size').textContent()) ?? '', /^Brush 12 px/);
  await dragThrough([
    [inner[0] - 4, inner[1] + 0.5],
    [inner[0] + 5, inner[1] + 0.5],
  ]);
  const erased = (await tableArea(label))!;
  assert.ok(erased < area - 50, `the stroke left ${erased} of ${area} px`);
  assert.equal(await maskCount(), EXPECTED_MASKS);

  const before = await viewport();
  await dragThrough(
    [
      [20, 20],
      [60, 50],
    ],
    'middle',
  );
  const panned = await viewport();
  assert.ok(Math.abs(panned.offsetX - before.offsetX) > 10, 'a middle drag pans while erasing');
  assert.equal(await tableArea(label), erased, 'and erases nothing');

  await pressOnView(page, 'Control+z');
  assert.equal(await tableArea(label), area, 'undo brings back the whole stroke');
  await pressOnView(page, 'Control+Shift+z');
  assert.equal(await tableArea(label), erased);
  await pressOnView(page, 'Escape');
});

test('a reload warns about unsaved edits; opening the same image again restores them as a draft', { timeout: 60_000 }, async () => {
  await page.getByTestId('draft-status').getByText('draft kept').waitFor();
  const count = await maskCount();
  const mergedArea = await tableArea(merged);
  const dialogs: string[] = [];
  page.once('dialog', (dialog) => {
    dialogs.push(dialog.type());
    void dialog.accept();
  });
  await page.reload();
  assert.deepEqual(dialogs, ['beforeunload']);
  await openImage();
  await page.getByText('Restored your unsaved edits of cellpose_img_075.png').waitFor();
  assert.equal(await maskCount(), count);
  assert.equal(await tableArea(merged), mergedArea);
  await page.getByTestId('unsaved').waitFor();
});

test('on the restored draft, a new threshold and the flows say plainly that they need a run; the masks stay and no error shows', { timeout: 60_000 }, async () => {
  const count = await maskCount();
  await page.getByLabel('Cell probability threshold').fill('1');
  await page.getByRole('status').getByText(NEEDS_NETWORK_OUTPUT).waitFor();
  await pressOnView(page, 'f');
  assert.equal(await page.getByRole('status').textContent(), NEEDS_NETWORK_OUTPUT);
  assert.equal(await page.getByRole('radio', { name: 'Flows (F)' }).isChecked(), false, 'no flow layer over nothing');
  assert.equal(await maskCount(), count);
  assert.equal(await page.getByText('Something went wrong').count(), 0);
  await page.getByLabel('Cell probability threshold').fill('0');
});

test('exporting the labels clears the flag and the draft: a reload asks nothing and the image opens without masks', { timeout: 60_000 }, async () => {
  assert.equal(readdirSync(join(app.home, 'drafts')).length, 1);
  await exportThroughDialog(page, tempDir('editing-final'), ['labels-tiff']);
  assert.equal(await page.getByTestId('unsaved').count(), 0);
  assert.deepEqual(readdirSync(join(app.home, 'drafts')), [], 'the export deleted the draft');
  const dialogs: string[] = [];
  page.once('dialog', (dialog) => {
    dialogs.push(dialog.type());
    void dialog.accept();
  });
  await page.reload();
  await openImage();
  await page.getByText('Opened cellpose_img_075.png').waitFor();
  await page.getByText('No masks yet').waitFor();
  assert.deepEqual(dialogs, []);
});

test('the page ran without errors', () => {
  assert.deepEqual(app.consoleErrors, []);
});
