// Regenerates the screenshots in docs/ from the real app: starts `celldesk serve`, drives the Segment, Benchmark and
// History views in headless Chromium with the demo checkpoint, and saves JPEGs. Run: npm run docs:screenshots
// (`npm run docs:screenshots -- segment`: the Segment view's only, without the two benchmark runs).
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { launchChromium } from '../tests/helpers/chromium';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const shared = join(root, '..', 'shared');
const image = join(shared, 'images', 'webgpu-cellseg', 'cellpose_img_075.png');
const model = join(shared, 'models', 'celldesk-demo', 'celldesk-demo.zip.pth');
const segmentOnly = process.argv[2] === 'segment';

const server = spawn(process.execPath, [join(root, 'bin', 'celldesk.js'), 'serve'], {
  env: { ...process.env, CELLDESK_HOME: mkdtempSync(join(tmpdir(), 'celldesk-screenshots-')) },
  stdio: ['ignore', 'pipe', 'inherit'],
});
const url = await new Promise<string>((resolve) => createInterface({ input: server.stdout }).once('line', resolve));
const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  // JPEG keeps each screenshot near 100 KB; the images are photographs of cells, which PNG compresses poorly.
  const shoot = (name: string) => page.screenshot({ path: join(root, 'docs', `${name}.jpg`), type: 'jpeg', quality: 60 });
  await page.goto(url);
  await page.getByLabel('Image path').fill(image);
  await page.getByRole('button', { name: 'Open', exact: true }).click();
  await page.getByRole('combobox', { name: 'Model' }).fill(model);
  await page.getByRole('combobox', { name: 'Execution provider' }).click();
  await page.getByRole('option', { name: 'cpu', exact: true }).click();
  await page.getByRole('button', { name: 'Run' }).click();
  await page.getByTestId('mask-count').waitFor({ timeout: 120_000 });
  await page.getByRole('row').nth(12).click();
  await page.getByRole('row').nth(14).click({ modifiers: ['Shift'] });
  await page.getByRole('button', { name: 'Fit' }).click();
  await page.mouse.move(0, 0);
  await page.waitForTimeout(500);
  await shoot('segment-view');

  const canvas = page.locator('canvas.viewer-canvas');
  const box = (await canvas.boundingBox())!;
  for (let k = 0; k < 4; k++) await canvas.dispatchEvent('wheel', { deltaY: -100, deltaMode: 0, clientX: box.x + box.width / 2, clientY: box.y + box.height / 2 });
  await page.getByLabel('Cell probability threshold').fill('2');
  await page.getByTestId('rethreshold-note').waitFor();
  await page.waitForTimeout(300);
  await shoot('segment-view-rethreshold');

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
  await shoot('segment-view-editing');

  await page.keyboard.press('Escape');
  // The flow field (F) in place of the image, outlines over it, masks off (X), fitted.
  await page.evaluate('document.activeElement?.blur()');
  await page.keyboard.press('x');
  await page.keyboard.press('f');
  await page.getByRole('button', { name: 'Fit' }).click();
  await page.mouse.move(0, 0);
  await page.waitForTimeout(800);
  await shoot('segment-view-flows');

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
  await shoot('segment-view-export');
  await page.keyboard.press('Escape');

  // A small window (1024 x 700) with the results panel collapsed: the viewer takes the room, Run stays on screen.
  await page.setViewportSize({ width: 1024, height: 700 });
  await page.getByRole('button', { name: 'Hide the results panel' }).click();
  await page.getByRole('button', { name: 'Fit' }).click();
  await page.mouse.move(0, 0);
  await page.waitForTimeout(500);
  await shoot('segment-view-small-window');
  if (!segmentOnly) {
    // The Benchmark view after a short CPU run on the same image; then a second run without diameter estimation, and
    // both overlaid in the History view. Role queries skip the hidden Segment view's fields of the same names.
    await page.setViewportSize({ width: 1280, height: 800 });
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
    await page.mouse.move(0, 0);
    await page.waitForTimeout(800);
    await shoot('benchmark-view');

    await page.getByRole('switch', { name: 'Estimate the diameter' }).uncheck();
    await benchmark();
    await page.getByRole('tab', { name: 'History' }).click();
    for (const box of await page.locator('table[aria-label^="Runs on"]').getByRole('checkbox').all()) await box.check();
    await page.getByTestId('chart-time').waitFor();
    await page.waitForTimeout(1500);
    await shoot('history-view');
  }
} finally {
  await browser.close();
  server.kill('SIGTERM');
}
