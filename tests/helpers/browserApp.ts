// Test helper for browser and HTTP API tests: `celldesk serve` with a data folder of its own, alone or with a headless
// Chromium page on it collecting the page's console errors; and the two ways tests wait for the viewer.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './chromium';
import { tempDir } from './cli';
import { REPO_ROOT } from './shared';

export interface BrowserApp {
  /** The address `celldesk serve` printed, token included. */
  url: string;
  /** The server's data folder (CELLDESK_HOME). */
  home: string;
  page: Page;
  /** Errors the page logged or threw, its Content-Security-Policy's included. */
  consoleErrors: string[];
  close(): Promise<void>;
}

/** The first line `celldesk serve` prints: the URL with its token (it may build the page first). */
function firstLine(server: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('exit', (code) => reject(new Error(`celldesk serve exited with code ${code} before printing its URL`)));
    createInterface({ input: server.stdout! }).once('line', resolve);
  });
}

async function stop(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null) return;
  const exited = new Promise((resolve) => server.once('exit', resolve));
  server.kill('SIGTERM');
  await exited;
}

export interface ServeProcess {
  /** The address `celldesk serve` printed, token included. */
  url: string;
  /** The server's data folder (CELLDESK_HOME). */
  home: string;
  close(): Promise<void>;
}

/** Starts `celldesk serve` on a free port with a data folder of its own, and `env` added to its environment. */
export async function startServe(name: string, env: NodeJS.ProcessEnv = {}): Promise<ServeProcess> {
  const home = tempDir(name);
  const server = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'celldesk.js'), 'serve', '--port', '0'], {
    env: { ...process.env, ...env, CELLDESK_HOME: home },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    return { url: await firstLine(server), home, close: () => stop(server) };
  } catch (error) {
    await stop(server);
    throw error;
  }
}

/** Starts the server on a free port and opens a 1400 x 900 page (not yet on the URL). */
export async function startBrowserApp(name: string, env: NodeJS.ProcessEnv = {}): Promise<BrowserApp> {
  const server = await startServe(name, env);
  let browser: Browser | undefined;
  try {
    browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const consoleErrors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(error.message));
    const opened = browser;
    return {
      url: server.url,
      home: server.home,
      page,
      consoleErrors,
      async close() {
        await opened.close();
        await server.close();
      },
    };
  } catch (error) {
    await browser?.close();
    await server.close();
    throw error;
  }
}

/** Lets the viewer draw: it paints in animation frames. */
export async function settle(page: Page): Promise<void> {
  // Page code as text: tests are compiled for Node, without the DOM's types.
  await page.evaluate('new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))');
}

/** Presses a key with the keyboard focus off the form fields, where the view's shortcuts do not apply. */
export async function pressOnView(page: Page, key: string): Promise<void> {
  await page.evaluate('document.activeElement?.blur()');
  await page.keyboard.press(key);
  await settle(page);
}

/** Exports the shown masks through the Export dialog in just the given formats; the paths it says it wrote. */
export async function exportThroughDialog(page: Page, folder: string, formats: readonly string[]): Promise<string[]> {
  await page.getByRole('button', { name: 'Export…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Export masks' });
  // all() does not wait: under load the dialog may not be open yet, and no box would be set.
  await dialog.getByRole('checkbox').first().waitFor();
  for (const box of await dialog.getByRole('checkbox').all()) {
    const format = (await box.getAttribute('value')) ?? '';
    if ((await box.isChecked()) !== formats.includes(format)) await box.click();
  }
  await dialog.getByLabel('Folder').fill(folder);
  await dialog.getByRole('button', { name: 'Export', exact: true }).click();
  const written = dialog.getByLabel('Written files');
  await written.getByText(folder, { exact: false }).first().waitFor();
  const paths = (await written.locator('.mantine-Text-root').allTextContents()).slice(1);
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'hidden' });
  return paths;
}

/** Opens an image by its path, typed into the Segment view as a user would. */
export async function openImagePath(page: Page, path: string): Promise<void> {
  await page.getByLabel('Image path').fill(path);
  await page.getByRole('button', { name: 'Open', exact: true }).click();
}

/** The viewer's canvas as a PNG, once it has drawn. */
export async function viewerScreenshot(page: Page): Promise<Buffer> {
  await settle(page);
  return page.locator('canvas.viewer-canvas').screenshot();
}
