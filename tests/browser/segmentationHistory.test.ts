// A segmentation run in the app lands in the history, where `celldesk history list` (on the same data folder) and
// the History view both show it; with the Segment view's "Record in history" switch off it does not, and the switch
// is remembered. Headless Chromium against `celldesk serve`, with the demo checkpoint.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import type { SegmentationRunRecord } from '../../src/shared/contract';
import { startBrowserApp, type BrowserApp } from '../helpers/browserApp';
import { runCelldesk } from '../helpers/cli';
import { DEMO_CHECKPOINT } from '../helpers/demoModel';
import { sharedPath } from '../helpers/shared';

const IMAGE = sharedPath('images', 'webgpu-cellseg', 'cellpose_img_075.png');

let app: BrowserApp;
let page: Page;

before(async () => {
  app = await startBrowserApp('history-browser-home');
  page = app.page;
});

after(() => app?.close());

/** The segmentation runs `celldesk history list` finds in the server's data folder. */
async function listedByCli(): Promise<SegmentationRunRecord[]> {
  const list = await runCelldesk(['history', 'list', '--json'], { CELLDESK_HOME: app.home });
  assert.equal(list.code, 0, list.stderr);
  return (JSON.parse(list.stdout) as { segmentationRuns: SegmentationRunRecord[] }).segmentationRuns;
}

/** Runs the segmentation, the image's `networkRuns`-th, and waits for it; returns the mask count shown. */
async function runSegmentation(networkRuns: number): Promise<number> {
  await page.getByRole('button', { name: 'Run' }).click();
  await page.getByTestId('network-runs').getByText(`network runs: ${networkRuns}`).waitFor({ timeout: 180_000 });
  const text = (await page.getByTestId('mask-count').textContent()) ?? '';
  return Number(/^(\d+) masks?$/.exec(text)?.[1] ?? NaN);
}

const recordSwitch = () => page.getByRole('switch', { name: 'Record in history' });

test('a segmentation run in the app is listed by `celldesk history list` and in the History view', { timeout: 240_000 }, async () => {
  await page.goto(app.url);
  await page.getByLabel('Image path').fill(IMAGE);
  await page.getByRole('button', { name: 'Open', exact: true }).click();
  await page.getByText('Opened cellpose_img_075.png').waitFor();
  await page.getByRole('combobox', { name: 'Model' }).fill(DEMO_CHECKPOINT);
  await page.getByRole('combobox', { name: 'Execution provider' }).click();
  await page.getByRole('option', { name: 'cpu', exact: true }).click();
  assert.equal(await recordSwitch().isChecked(), true, 'recording is on by default');
  const masks = await runSegmentation(1);
  assert.ok(masks > 0);

  const [run, ...others] = await listedByCli();
  assert.equal(others.length, 0);
  assert.deepEqual([run!.image.name, run!.image.width, run!.image.height, run!.maskCount, run!.provider], ['cellpose_img_075.png', 240, 300, masks, 'cpu']);

  await page.getByRole('tab', { name: 'History' }).click();
  const rows = page.getByRole('table', { name: 'Segmentation runs' }).locator('tbody tr');
  await rows.first().waitFor();
  assert.equal(await rows.count(), 1);
  assert.match((await rows.first().textContent()) ?? '', new RegExp(`celldesk-demo\\.zip\\.pth.*cellpose_img_075\\.png \\(240 × 300\\)cpu${masks}30\\.0`));
});

test('with "Record in history" off a run is not recorded, and the switch stays off after a reload', { timeout: 240_000 }, async () => {
  await page.getByRole('tab', { name: 'Segment' }).click();
  await recordSwitch().uncheck();
  assert.equal(await recordSwitch().isChecked(), false);
  await runSegmentation(2);
  assert.equal((await listedByCli()).length, 1);

  // Checked by default until the preference is read, so the reload shows the remembered choice once it is.
  await page.reload();
  // Playwright's own selector engine, not a string predicate: the page's Content-Security-Policy forbids eval, which
  // string predicates need once they have to poll.
  await page.getByRole('switch', { name: 'Record in history', checked: false }).waitFor({ state: 'attached', timeout: 20_000 });
  assert.equal(await recordSwitch().isChecked(), false);
});
