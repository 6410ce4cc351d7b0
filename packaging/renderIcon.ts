// `npm run icon`: renders resources/icon.svg to resources/icon.png (1024 x 1024) in Chromium, the PNG electron-builder
// turns into each installer's icons (.icns, .ico, the Linux sizes). Run it after changing the SVG and commit both.
// Node side; needs a Chromium (Debian's /usr/bin/chromium, or CHROMIUM_PATH).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const SIZE = 1024;
const root = join(import.meta.dirname, '..');
const svg = readFileSync(join(root, 'resources', 'icon.svg'), 'utf8');

const browser = await chromium.launch({ executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium', headless: true });
try {
  const page = await browser.newPage({ viewport: { width: SIZE, height: SIZE }, deviceScaleFactor: 1 });
  await page.setContent(`<html><body style="margin:0;background:transparent">${svg}</body></html>`);
  const png = await page.locator('svg').screenshot({ omitBackground: true, type: 'png' });
  writeFileSync(join(root, 'resources', 'icon.png'), png);
  console.log(`resources/icon.png: ${SIZE} x ${SIZE}, ${(png.length / 1024).toFixed(0)} KiB`);
} finally {
  await browser.close();
}
