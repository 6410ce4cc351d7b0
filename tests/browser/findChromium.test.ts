// The browser tests find a Chromium by themselves: the one CHROMIUM_PATH names, a system one, or the npm package's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { findChromium, NPM_CHROMIUM } from '../helpers/chromium';

test('the Chromium inside the npm package starts and renders a page when CHROMIUM_PATH asks for it', async () => {
  const found = await findChromium({ ...process.env, CHROMIUM_PATH: NPM_CHROMIUM });
  assert.equal(found.source, NPM_CHROMIUM);
  const browser = await chromium.launch({ executablePath: found.path, headless: true, env: found.env });
  try {
    const page = await browser.newPage();
    await page.setContent('<h1>CellDesk</h1>');
    assert.equal(await page.getByRole('heading').textContent(), 'CellDesk');
    assert.match(browser.version(), /^\d+\./);
  } finally {
    await browser.close();
  }
});

test('a CHROMIUM_PATH that names no executable is refused with the path', async () => {
  await assert.rejects(findChromium({ ...process.env, CHROMIUM_PATH: '/nonexistent/chromium' }), /CHROMIUM_PATH is \/nonexistent\/chromium, which is not an executable file/);
});

test('a CHROMIUM_PATH that names an executable is used as given', async () => {
  const npm = await findChromium({ ...process.env, CHROMIUM_PATH: NPM_CHROMIUM });
  const found = await findChromium({ ...process.env, CHROMIUM_PATH: npm.path });
  assert.deepEqual(found, { path: npm.path, source: 'CHROMIUM_PATH' });
});
