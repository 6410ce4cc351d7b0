// The Segment view's window in headless Chromium against `celldesk serve`: Run and its progress on screen at common
// window sizes, side panels that collapse and give the viewer their space, the image's name in the view and the
// window title (marked while unsaved, also after opening from Recent), and Escape dropping a stroke in progress.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { openImagePath, pressOnView, settle, startBrowserApp, type BrowserApp } from '../helpers/browserApp';
import { DEMO_CHECKPOINT } from '../helpers/demoModel';
import { sharedPath } from '../helpers/shared';

const IMAGE = sharedPath('images', 'webgpu-cellseg', 'cellpose_img_075.png');
const OTHER_IMAGE = sharedPath('images', 'webgpu-cellseg', 'cellpose_img_003.png');

let app: BrowserApp;
let page: Page;

before(async () => {
  app = await startBrowserApp('window-layout-home');
  page = app.page;
  await page.goto(app.url);
});

after(() => app?.close());

/** Whether the element lies wholly inside the window. */
async function onScreen(name: string): Promise<boolean> {
  const box = await page.getByRole('button', { name, exact: true }).boundingBox();
  const size = page.viewportSize()!;
  return box !== null && box.y >= 0 && box.x >= 0 && box.y + box.height <= size.height && box.x + box.width <= size.width;
}

const canvasWidth = async () => (await page.locator('canvas.viewer-canvas').boundingBox())!.width;

test('the open image names the window and the view; unsaved edits mark both', { timeout: 180_000 }, async () => {
  assert.equal(await page.title(), 'CellDesk');
  await openImagePath(page, IMAGE);
  await page.getByTestId('image-name').getByText('cellpose_img_075.png').waitFor();
  assert.equal(await page.title(), 'cellpose_img_075.png — CellDesk');

  await page.getByRole('combobox', { name: 'Model' }).fill(DEMO_CHECKPOINT);
  await page.getByRole('combobox', { name: 'Execution provider' }).click();
  await page.getByRole('option', { name: 'cpu', exact: true }).click();
  await page.getByRole('button', { name: 'Run' }).click();
  await page.getByTestId('mask-count').waitFor({ timeout: 150_000 });
  assert.equal(await page.title(), 'cellpose_img_075.png — CellDesk', 'masks from a run alone are not unsaved');
  await page.getByRole('row').nth(1).click();
  await pressOnView(page, 'Delete');
  await page.getByTestId('unsaved').waitFor();
  assert.equal(await page.title(), '● cellpose_img_075.png — CellDesk');
  assert.equal(await page.getByTestId('image-name').textContent(), 'cellpose_img_075.png ●');
});

test('Escape during a draw stroke drops the stroke: no mask drawn, nothing to undo beyond what was there', { timeout: 60_000 }, async () => {
  const count = await page.getByTestId('mask-count').textContent();
  await pressOnView(page, 'd');
  const box = (await page.locator('canvas.viewer-canvas').boundingBox())!;
  const [x, y] = [box.x + box.width / 2, box.y + box.height / 2];
  await page.mouse.move(x - 40, y - 40);
  await page.mouse.down();
  for (const [dx, dy] of [[40, -40], [40, 40], [-40, 40], [-40, -40]] as const) await page.mouse.move(x + dx, y + dy, { steps: 6 });
  await page.keyboard.press('Escape');
  await page.mouse.up();
  await settle(page);
  assert.equal(await page.getByRole('status').textContent(), 'Stroke cancelled: nothing changed.');
  assert.equal(await page.getByTestId('mask-count').textContent(), count);
  assert.equal(await page.getByRole('toolbar', { name: 'Editing tool' }).getByRole('button', { name: 'Draw (D)' }).getAttribute('aria-pressed'), 'true', 'the draw tool stays');

  // Without Escape the same stroke draws a mask.
  await page.mouse.move(x - 40, y - 40);
  await page.mouse.down();
  for (const [dx, dy] of [[40, -40], [40, 40], [-40, 40], [-40, -40]] as const) await page.mouse.move(x + dx, y + dy, { steps: 6 });
  await page.mouse.up();
  await settle(page);
  assert.match((await page.getByRole('status').textContent()) ?? '', /^Drew mask \d+/);
  await pressOnView(page, 'Escape');
});

test('a recent image opened from the menu names the window and the view', { timeout: 60_000 }, async () => {
  await openImagePath(page, OTHER_IMAGE);
  await page.getByTestId('image-name').getByText('cellpose_img_003.png').waitFor();
  await page.getByRole('button', { name: 'Recent' }).click();
  await page.getByRole('menuitem', { name: 'cellpose_img_075.png' }).click();
  await page.getByTestId('image-name').getByText('cellpose_img_075.png', { exact: false }).waitFor();
  assert.match(await page.title(), /^(● )?cellpose_img_075\.png — CellDesk$/);
});

test('Run and Cancel stay on screen at 1280 x 800 and 1600 x 900, advanced settings open', { timeout: 60_000 }, async () => {
  await page.getByRole('button', { name: /Advanced settings/ }).click();
  for (const [width, height] of [[1280, 800], [1600, 900], [1024, 700]] as const) {
    await page.setViewportSize({ width, height });
    await settle(page);
    assert.ok(await onScreen('Run'), `Run is on screen at ${width} x ${height}`);
    assert.ok(await onScreen('Cancel'), `Cancel is on screen at ${width} x ${height}`);
  }
});

test('at 1024 x 700 the viewer keeps most of the width, and collapsing the side panels gives it the rest', { timeout: 60_000 }, async () => {
  await page.setViewportSize({ width: 1024, height: 700 });
  await settle(page);
  const withPanels = await canvasWidth();
  assert.ok(withPanels >= 420, `the viewer is ${withPanels} px wide with both panels`);
  await page.getByRole('button', { name: 'Hide the controls panel' }).click();
  await page.getByRole('button', { name: 'Hide the results panel' }).click();
  await settle(page);
  const alone = await canvasWidth();
  assert.ok(alone >= 1000, `the viewer is ${alone} px wide with the panels collapsed`);
  assert.equal(await page.getByRole('button', { name: 'Run', exact: true }).count(), 0, 'Run went with its panel');
  await page.getByRole('button', { name: 'Show the controls panel' }).click();
  await page.getByRole('button', { name: 'Show the results panel' }).click();
  await settle(page);
  assert.equal(await canvasWidth(), withPanels);
  assert.ok(await onScreen('Run'));
});

test('the page ran without errors', () => {
  assert.deepEqual(app.consoleErrors, []);
});
