// The Benchmark and History views in headless Chromium against `celldesk serve`, with the demo checkpoint: a short
// benchmark fills the charts in as its samples arrive, lands in History, overlays with an imported run of another
// computer, exports as JSON, and a damaged import is refused with the history unchanged.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { startBrowserApp, type BrowserApp } from '../helpers/browserApp';
import { DEMO_CHECKPOINT } from '../helpers/demoModel';
import { sharedPath } from '../helpers/shared';

/** 240 x 300: crops of 112 and 224 px keep the run short on a busy CPU. */
const IMAGE = sharedPath('images', 'webgpu-cellseg', 'cellpose_img_075.png');

let app: BrowserApp;
let page: Page;

before(async () => {
  app = await startBrowserApp('bench-browser-home');
  page = app.page;
});

after(() => app?.close());

interface PlottedTrace {
  name: string;
  points: number;
}

/** What Plotly plotted in a chart: its graph div's `data`, trace by trace (page code as text: no DOM types here). */
async function plotted(chart: string): Promise<PlottedTrace[]> {
  return (await page.evaluate(`(() => {
    const div = document.querySelector('[data-testid="chart-${chart}"]');
    return (div?.data ?? []).map((trace) => ({ name: trace.name, points: trace.y.length }));
  })()`)) as PlottedTrace[];
}

const points = (traces: PlottedTrace[]) => traces.reduce((sum, trace) => sum + trace.points, 0);

async function progress(): Promise<{ done: number; planned: number; running: boolean }> {
  const text = (await page.getByTestId('bench-progress').textContent()) ?? '';
  const [, done, planned] = /^(\d+) \/ (\d+) samples/.exec(text) ?? [];
  return { done: Number(done), planned: Number(planned), running: !/· (completed|cancelled|interrupted)$/.test(text) };
}

let runUuid: string;

/** A text field of the shown view (role queries skip the hidden Segment view, whose fields share some labels). */
const field = (name: string) => page.getByRole('textbox', { name, exact: true });

test('a quick CPU benchmark fills the charts in as its samples arrive, then shows the results table', { timeout: 180_000 }, async () => {
  await page.goto(app.url);
  await page.getByRole('tab', { name: 'Benchmark' }).click();
  const device = page.getByRole('region', { name: 'This computer' });
  await device.getByText('ONNX Runtime').waitFor();
  assert.match((await device.textContent()) ?? '', /Cores\d+Memory[\d.]+ GiB/);

  // Ticked: the providers that start here (the CPU at least); the others say they cannot.
  const cpu = page.getByRole('checkbox', { name: 'cpu', exact: true });
  await waitFor(async () => (await cpu.isChecked()) && (await page.getByText('not available here').count()) > 0);
  for (const provider of ['webgpu', 'cuda', 'coreml', 'dml']) {
    const box = page.getByRole('checkbox', { name: provider, exact: true });
    const unavailable = page.locator('.mantine-Checkbox-root', { has: box }).getByText('not available here');
    assert.notEqual(await box.isChecked(), (await unavailable.count()) === 1, `${provider}: ticked exactly when it starts here`);
  }
  await page.getByRole('combobox', { name: 'Model' }).fill(DEMO_CHECKPOINT);
  for (const provider of ['webgpu', 'cuda', 'coreml', 'dml']) await page.getByRole('checkbox', { name: provider, exact: true }).uncheck();
  assert.equal(await field('Crop sizes (px)').inputValue(), '224, 448', 'the quick protocol is the default');
  assert.equal(await field('Iterations').inputValue(), '2');
  await field('Image file').fill(IMAGE);
  await field('Crop sizes (px)').fill('112, 224');
  assert.deepEqual(await plotted('time'), []);
  await page.getByRole('button', { name: 'Start' }).click();

  // Sampled while it runs: how many points the time chart shows at each count of samples received.
  const seen = new Map<number, number>();
  const totals = new Set<number>();
  const deadline = Date.now() + 150_000;
  for (;;) {
    const state = await progress().catch(() => ({ done: NaN, planned: NaN, running: true }));
    if (!state.running) break;
    if (Number.isFinite(state.done) && state.planned > 0) {
      seen.set(state.done, points(await plotted('time')));
      totals.add(state.planned);
    }
    if (Date.now() > deadline) assert.fail(`the benchmark is still running: ${JSON.stringify([...seen])}`);
    await page.waitForTimeout(50);
  }
  // One point per crop size, each the mean of its samples so far: 112 after the first sample, 224 after the third.
  assert.equal(seen.get(1), 1, `points by samples received: ${JSON.stringify([...seen])}`);
  assert.equal(seen.get(3), 2, `points by samples received: ${JSON.stringify([...seen])}`);
  assert.equal((await page.getByTestId('bench-progress').textContent())?.trim(), '4 / 4 samples · completed');
  assert.deepEqual([...totals], [4], 'the counter counted what ran from the start');

  const time = await plotted('time');
  assert.deepEqual(time, [{ name: 'cpu', points: 2 }]);
  assert.equal(points(await plotted('stages')) > 0, true);
  const rows = page.getByRole('table', { name: 'Benchmark results' }).locator('tbody tr');
  assert.equal(await rows.count(), 2);
  assert.match((await rows.nth(0).textContent()) ?? '', /^112 × 112cpu[\d.]+ ± [\d.]+2$/);
  assert.match((await rows.nth(1).textContent()) ?? '', /^224 × 224cpu[\d.]+ ± [\d.]+2$/);
});

test('the finished run is listed in History under this computer; picked, it is drawn on the same charts', { timeout: 60_000 }, async () => {
  await page.getByRole('tab', { name: 'History' }).click();
  await page.getByText('this computer', { exact: true }).waitFor();
  const runs = page.locator('table[aria-label^="Runs on"] tbody tr');
  assert.equal(await runs.count(), 1);
  assert.match((await runs.first().textContent()) ?? '', /completed.*celldesk-demo.*cellpose_img_075\.png \(240 × 300\)cpu4$/);
  await runs.first().getByRole('checkbox').check();
  await page.getByTestId('chart-time').waitFor();
  await waitFor(async () => points(await plotted('time')) === 2);
  assert.deepEqual(await plotted('time'), [{ name: 'cpu', points: 2 }]);
});

/** Polls `condition` until it holds (20 s unless told). */
async function waitFor(condition: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) assert.fail(`the page did not get there in ${timeoutMs / 1000} s`);
    await page.waitForTimeout(100);
  }
}

let exported: { benchmarkRuns: { uuid: string; deviceId: string; fingerprint: { hardware: { cpuModel: string } } }[]; devices: { id: string; hardware: { cpuModel: string } }[] };

test('exports the picked run as a JSON download holding it with its samples', { timeout: 60_000 }, async () => {
  const downloading = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export JSON' }).click();
  const download = await downloading;
  assert.match(download.suggestedFilename(), /^celldesk-history-.*\.json$/);
  exported = JSON.parse(readFileSync(await download.path(), 'utf8')) as typeof exported;
  assert.equal(exported.benchmarkRuns.length, 1);
  runUuid = exported.benchmarkRuns[0]!.uuid;
  assert.equal((exported.benchmarkRuns[0] as unknown as { samples: unknown[] }).samples.length, 4);
});

/** Imports a file through the History view's Import button. */
async function importFile(name: string, text: string): Promise<void> {
  // The hidden Segment view has a file input of its own.
  await page.locator('input[type="file"][accept*="json"]').setInputFiles({ name, mimeType: 'application/json', buffer: Buffer.from(text) });
}

test('a damaged import file is refused with its reason and the history is unchanged', { timeout: 60_000 }, async () => {
  const before = await page.locator('table[aria-label^="Runs on"] tbody tr').allTextContents();
  await importFile('damaged.json', JSON.stringify(exported).slice(0, 500));
  const alert = page.getByRole('alert');
  await alert.waitFor();
  assert.match((await alert.textContent()) ?? '', /damaged\.json cannot be imported: .*Nothing was imported; the history is unchanged/);
  assert.deepEqual(await page.locator('table[aria-label^="Runs on"] tbody tr').allTextContents(), before);
  await alert.getByRole('button').click();
});

test("another computer's imported run is listed under its device and overlays the local run, told apart in the legend", { timeout: 60_000 }, async () => {
  const other = structuredClone(exported);
  const run = other.benchmarkRuns[0]!;
  run.uuid = randomUUID();
  run.deviceId = 'another-computer';
  run.fingerprint.hardware.cpuModel = 'Apple M2';
  other.devices = [{ id: 'another-computer', hardware: run.fingerprint.hardware }];
  await importFile('m2.json', JSON.stringify(other));
  await page.getByText('Imported 1 benchmark run and 0 segmentation runs.').waitFor();
  await page.getByRole('heading', { name: /^Apple M2/ }).waitFor();
  const groups = page.locator('table[aria-label^="Runs on"]');
  assert.equal(await groups.count(), 2);
  assert.match((await groups.nth(1).textContent()) ?? '', /completedimported/);
  await groups.nth(1).getByRole('checkbox').check();
  await waitFor(async () => (await plotted('time')).length === 2);
  const names = (await plotted('time')).map((trace) => trace.name);
  assert.equal(names.length, 2);
  assert.match(names[0]!, / · \d{4}-\d\d-\d\d \d\d:\d\d:\d\d · cpu$/);
  assert.match(names[1]!, /^Apple M2 · \d{4}-\d\d-\d\d \d\d:\d\d:\d\d · cpu$/);
  assert.notEqual(names[0], names[1]);
  assert.ok(runUuid !== run.uuid);
});

test('deleting the picked runs asks first, then empties the history', { timeout: 60_000 }, async () => {
  await page.getByRole('button', { name: 'Delete…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Delete 2 runs?' });
  await dialog.getByRole('button', { name: 'Keep them' }).click();
  assert.equal(await page.locator('table[aria-label^="Runs on"]').count(), 2);
  await page.getByRole('button', { name: 'Delete…' }).click();
  await dialog.getByRole('button', { name: 'Delete 2 runs' }).click();
  await page.getByText('Deleted 2 runs.').waitFor();
  assert.equal(await page.locator('table[aria-label^="Runs on"]').count(), 0);
});

test('Cancel stops a run after the samples measured so far; History lists it as cancelled', { timeout: 120_000 }, async () => {
  await page.getByRole('tab', { name: 'Benchmark' }).click();
  await field('Iterations').fill('50');
  await page.getByRole('button', { name: 'Start' }).click();
  await waitFor(async () => (await progress().catch(() => ({ done: 0 }))).done >= 1, 90_000);
  await page.getByRole('button', { name: 'Cancel' }).click();
  await page.getByTestId('bench-progress').getByText(/· cancelled$/).waitFor({ timeout: 60_000 });
  const { done, planned } = await progress();
  assert.equal(planned, 100);
  assert.ok(done >= 1 && done < planned, `${done} of ${planned} samples`);
  await page.getByRole('tab', { name: 'History' }).click();
  const runs = page.locator('table[aria-label^="Runs on"] tbody tr');
  await runs.first().waitFor();
  assert.match((await runs.first().textContent()) ?? '', new RegExp(`cancelled.*cpu${done}$`));
});

test('each view keeps what was typed into it across switches', { timeout: 30_000 }, async () => {
  await page.getByRole('tab', { name: 'Segment' }).click();
  await page.getByRole('textbox', { name: 'Image path' }).fill('/somewhere/cells.tif');
  await page.getByRole('tab', { name: 'Benchmark' }).click();
  assert.equal(await field('Crop sizes (px)').inputValue(), '112, 224');
  await field('Crop sizes (px)').fill('224, full');
  await page.getByRole('tab', { name: 'History' }).click();
  await page.getByRole('tab', { name: 'Segment' }).click();
  assert.equal(await page.getByRole('textbox', { name: 'Image path' }).inputValue(), '/somewhere/cells.tif');
  await page.getByRole('tab', { name: 'Benchmark' }).click();
  assert.equal(await field('Crop sizes (px)').inputValue(), '224, full');
});

test('the page ran without errors (none from its Content-Security-Policy either, with plotly.js loaded)', async () => {
  assert.equal(await page.evaluate('document.getElementById("plotly.js-style-global")?.tagName'), 'LINK');
  assert.equal(await page.locator('style#plotly\\.js-style-global').count(), 0);
  assert.deepEqual(app.consoleErrors, []);
});
