// Regenerates the screenshots in docs/ from the real app: starts `celldesk serve`, drives the Segment, Batch, Benchmark
// and History views in headless Chromium with the demo checkpoint, and saves JPEGs. Run: npm run docs:screenshots;
// `npm run docs:screenshots -- stack batch` retakes only the groups named (segment, stack, session, batch, benchmark,
// gpu; benchmark is the slowest: two benchmark runs; gpu imports the GPU run committed under bench/results).
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { openImagePath } from '../tests/helpers/browserApp';
import { launchChromium } from '../tests/helpers/chromium';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const shared = join(root, '..', 'shared');
const image = join(shared, 'images', 'webgpu-cellseg', 'cellpose_img_075.png');
const model = join(shared, 'models', 'celldesk-demo', 'celldesk-demo.zip.pth');
const GROUPS = ['segment', 'stack', 'session', 'batch', 'benchmark', 'gpu'] as const;
const GPU_RUN = join(root, 'bench', 'results', '2026-12-04-nvidia-h200');
type Group = (typeof GROUPS)[number];
const asked = process.argv.slice(2);
const unknown = asked.filter((name) => !(GROUPS as readonly string[]).includes(name));
if (unknown.length > 0) throw new Error(`Unknown screenshot group ${unknown.join(', ')}; the groups are ${GROUPS.join(', ')}.`);
const wanted = (group: Group) => asked.length === 0 || asked.includes(group);

/** A folder of its own holding copies of ../shared files (what the app writes beside them stays out of ../shared). */
function copiesOf(...files: string[][]): string {
  const folder = mkdtempSync(join(tmpdir(), 'celldesk-screenshots-files-'));
  for (const parts of files) copyFileSync(join(shared, ...parts), join(folder, parts.at(-1)!));
  return folder;
}

/** A fresh 1280 x 800 page (its own context: no panel collapsed by an earlier group) on the app, the demo model chosen on the CPU. */
async function freshPage(browser: Browser): Promise<Page> {
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
  await page.goto(url);
  await page.getByRole('combobox', { name: 'Model' }).fill(model);
  await page.getByRole('combobox', { name: 'Execution provider' }).click();
  await page.getByRole('option', { name: 'cpu', exact: true }).click();
  return page;
}

// JPEG keeps each screenshot near 100 KB; the images are photographs of cells, which PNG compresses poorly.
const shoot = (page: Page, name: string) => page.screenshot({ path: join(root, 'docs', `${name}.jpg`), type: 'jpeg', quality: 60 });

/** `shoot` once the view has settled: fitted to the window when asked, the pointer off it (no hover highlight). */
async function settledShot(page: Page, name: string, { fit = false, settleMs = 500 } = {}): Promise<void> {
  if (fit) await page.getByRole('button', { name: 'Fit' }).click();
  await page.mouse.move(0, 0);
  await page.waitForTimeout(settleMs);
  await shoot(page, name);
}

/** The Segment view: masks, re-thresholding, editing, flows, the export question and a small window. */
async function segmentViews(page: Page): Promise<void> {
  await openImagePath(page, image);
  await page.getByRole('button', { name: 'Run' }).click();
  await page.getByTestId('mask-count').waitFor({ timeout: 120_000 });
  await page.getByRole('row').nth(12).click();
  await page.getByRole('row').nth(14).click({ modifiers: ['Shift'] });
  await settledShot(page, 'segment-view', { fit: true });

  const canvas = page.locator('canvas.viewer-canvas');
  const box = (await canvas.boundingBox())!;
  for (let k = 0; k < 4; k++) await canvas.dispatchEvent('wheel', { deltaY: -100, deltaMode: 0, clientX: box.x + box.width / 2, clientY: box.y + box.height / 2 });
  await page.getByLabel('Cell probability threshold').fill('2');
  await page.getByTestId('rethreshold-note').waitFor();
  await page.waitForTimeout(300);
  await shoot(page, 'segment-view-rethreshold');

  // Editing: a stroke of the eraser across the middle of the view, its brush outline, and the unsaved flag.
  await page.evaluate('document.activeElement?.blur()');
  await page.keyboard.press('e');
  const [x, y] = [box.x + box.width / 2, box.y + box.height / 2];
  await page.mouse.move(x - 120, y - 20);
  await page.mouse.down();
  await page.mouse.move(x + 120, y + 20, { steps: 24 });
  await page.mouse.up();
  await page.mouse.move(x + 40, y + 90);
  await page.getByTestId('draft-status').getByText('draft kept').waitFor();
  await page.waitForTimeout(300);
  await shoot(page, 'segment-view-editing');

  await page.keyboard.press('Escape');
  // The flow field (F) in place of the image, outlines over it, masks off (X), fitted.
  await page.evaluate('document.activeElement?.blur()');
  await page.keyboard.press('x');
  await page.keyboard.press('f');
  await settledShot(page, 'segment-view-flows', { fit: true, settleMs: 800 });

  // Export onto files already there: the question before anything is replaced (and the download links after).
  await page.keyboard.press('f');
  await page.keyboard.press('x');
  const exportFolder = mkdtempSync(join(tmpdir(), 'celldesk-screenshots-export-'));
  const exportTo = async () => {
    await page.getByRole('button', { name: 'Export…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Export masks' });
    await dialog.getByLabel('Folder').fill(exportFolder);
    await dialog.getByRole('button', { name: 'Export', exact: true }).click();
    return dialog;
  };
  await (await exportTo()).getByLabel('Written files').waitFor();
  await page.keyboard.press('Escape');
  await (await exportTo()).getByLabel('Replace files').waitFor();
  await page.waitForTimeout(300);
  await shoot(page, 'segment-view-export');
  await page.keyboard.press('Escape');

  // A small window (1024 x 700) with the results panel collapsed: the viewer takes the room, Run stays on screen.
  await page.setViewportSize({ width: 1024, height: 700 });
  await page.getByRole('button', { name: 'Hide the results panel' }).click();
  await settledShot(page, 'segment-view-small-window', { fit: true });
}

/** A z-stack (the drift stack behind ../shared/reference's stitched result): all planes segmented and stitched, with its Z slider. */
async function stackView(page: Page): Promise<void> {
  await openImagePath(page, join(copiesOf(['images', 'stacks', 'cell_00849_drift.tif']), 'cell_00849_drift.tif'));
  await page.getByTestId('z-position').waitFor();
  await page.getByLabel('Stitch threshold (IoU)').fill('0.25');
  await page.getByRole('button', { name: 'Run' }).click();
  await page.getByTestId('stack-summary').getByText('linked through the planes', { exact: false }).waitFor({ timeout: 600_000 });
  await settledShot(page, 'segment-view-stack', { fit: true });
}

/** An official Cellpose session file (../shared/reference/seg) opened over its image. */
async function sessionView(page: Page): Promise<void> {
  const folder = copiesOf(['images', 'neurips22-cellseg', 'cell_00849.png'], ['reference', 'seg', 'cell_00849_seg.npy']);
  await openImagePath(page, join(folder, 'cell_00849_seg.npy'));
  await page.getByTestId('session-source').waitFor();
  await settledShot(page, 'segment-view-session', { fit: true });
}

/** The Batch view after a batch of three images, one of them a truncated file: the results table with its error row. */
async function batchView(page: Page): Promise<void> {
  const folder = copiesOf(['images', 'neurips22-cellseg', 'cell_00528.tif'], ['images', 'webgpu-cellseg', 'cellpose_img_075.png']);
  const png = readFileSync(join(shared, 'images', 'omnipose-docs', 'img02.png'));
  writeFileSync(join(folder, 'img02_damaged.png'), png.subarray(0, Math.floor(png.length / 2)));
  await page.getByRole('tab', { name: 'Batch' }).click();
  await page.getByLabel('Images or folders').fill(folder);
  await page.getByLabel('Output folder').fill(join(folder, 'masks'));
  await page.getByLabel('Measurements (_cp_measurements.csv)').check();
  await page.getByRole('button', { name: 'Run' }).click();
  await page.getByTestId('batch-summary').getByText('completed').waitFor({ timeout: 600_000 });
  await settledShot(page, 'batch-view');
}

/**
 * The Benchmark view after a short CPU run on the same image; then a second run without diameter estimation, and
 * both overlaid in the History view. Role queries skip the hidden Segment view's fields of the same names.
 */
async function benchmarkViews(page: Page): Promise<void> {
  await page.getByRole('tab', { name: 'Benchmark' }).click();
  await page.getByRole('combobox', { name: 'Model' }).fill(model);
  // The providers ticked are those that start here (the CPU alone on a computer without a GPU), as a user sees them.
  await page.getByText('not available here').first().waitFor();
  await page.getByRole('textbox', { name: 'Image file', exact: true }).fill(image);
  await page.getByRole('textbox', { name: 'Crop sizes (px)', exact: true }).fill('112, 224, full');
  await page.getByRole('textbox', { name: 'Iterations', exact: true }).fill('3');
  const benchmark = async () => {
    await page.getByRole('button', { name: 'Start' }).click();
    await page.getByTestId('bench-progress').getByText(/· completed$/).waitFor({ timeout: 600_000 });
  };
  await benchmark();
  await settledShot(page, 'benchmark-view', { settleMs: 800 });

  await page.getByRole('switch', { name: 'Estimate the diameter' }).uncheck();
  await benchmark();
  await page.getByRole('tab', { name: 'History' }).click();
  for (const box of await page.locator('table[aria-label^="Runs on"]').getByRole('checkbox').all()) await box.check();
  await page.getByTestId('chart-time').waitFor();
  await page.waitForTimeout(1500);
  await shoot(page, 'history-view');
}

/**
 * The GPU run of bench/results imported as a user would (`celldesk history import`), its runs ticked in the History
 * view: the charts of the H200's WebGPU and CPU columns, drawn by the app itself.
 */
async function gpuHistoryView(page: Page): Promise<void> {
  for (const call of readdirSync(GPU_RUN, { withFileTypes: true }).filter((entry) => entry.isDirectory())) {
    execFileSync(process.execPath, [join(root, 'bin', 'celldesk.js'), 'history', 'import', join(GPU_RUN, call.name, 'celldesk-history.json')], { env: serverEnv, stdio: 'inherit' });
  }
  await page.setViewportSize({ width: 1280, height: 1200 });
  await page.getByRole('tab', { name: 'History' }).click();
  // This server's home holds the imported runs alone. Those with a WebGPU column; the CPU-only ones came from a call
  // whose Vulkan driver did not load.
  const withWebGpu = page.locator('table[aria-label^="Runs on"]').getByRole('row').filter({ hasText: 'webgpu' });
  await withWebGpu.first().waitFor(); // all() does not wait for the table
  for (const box of await withWebGpu.getByRole('checkbox').all()) await box.check();
  await page.getByTestId('chart-speedup').waitFor();
  await page.waitForTimeout(1500);
  await shoot(page, 'history-h200');
}

const serverEnv = { ...process.env, CELLDESK_HOME: mkdtempSync(join(tmpdir(), 'celldesk-screenshots-')) };
const server = spawn(process.execPath, [join(root, 'bin', 'celldesk.js'), 'serve'], {
  env: serverEnv,
  stdio: ['ignore', 'pipe', 'inherit'],
});
const url = await new Promise<string>((resolve) => createInterface({ input: server.stdout }).once('line', resolve));
const browser = await launchChromium();
const groups: Record<Group, (page: Page) => Promise<void>> = { segment: segmentViews, stack: stackView, session: sessionView, batch: batchView, benchmark: benchmarkViews, gpu: gpuHistoryView };
try {
  for (const group of GROUPS) if (wanted(group)) await groups[group](await freshPage(browser));
} finally {
  await browser.close();
  server.kill('SIGTERM');
}
