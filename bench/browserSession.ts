// What the browser-mode benchmarks share (bench:viewer, bench:rethreshold): the 2560 x 2160 synthetic image with
// 1,000 cells as a PNG, `celldesk serve` with a data folder of its own, headless Chromium segmenting the image in
// the Segment view with the demo checkpoint, and calls to the server's HTTP API. A developer's tool (Node).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Browser, Page, Request } from 'playwright-core';
import { syntheticCellImage } from '../src/engine/bench/syntheticImage';
import { encodePng } from '../src/engine/image/encodePng';
import { unwrapOutcome, type CallOutcome } from '../src/shared/contract';
import { decodeMessage, encodeMessage } from '../src/shared/wire';
import { launchChromium } from '../tests/helpers/chromium';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const DEMO_CHECKPOINT = join(ROOT, '..', 'shared', 'models', 'celldesk-demo', 'celldesk-demo.zip.pth');
export const CELLS = 1000;

export const out = (line = '') => process.stdout.write(`${line}\n`);

/** The q-th percentile (0-100) with linear interpolation; NaN for no values. */
export function percentile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const rank = (q / 100) * (sorted.length - 1);
  const below = Math.floor(rank);
  const above = Math.min(sorted.length - 1, below + 1);
  return sorted[below]! + (sorted[above]! - sorted[below]!) * (rank - below);
}

/** The synthetic cells as a 16-bit RGB PNG: cytoplasm in red (channel 1), nuclei in green (channel 2). */
function writeImage(folder: string): string {
  const { image } = syntheticCellImage({ cellCount: CELLS });
  const plane = image.width * image.height;
  const rgb = new Uint16Array(3 * plane);
  for (let i = 0; i < plane; i++) {
    rgb[3 * i] = Math.min(65535, image.data[i]!);
    rgb[3 * i + 1] = Math.min(65535, image.data[plane + i]!);
  }
  const path = join(folder, `synthetic-${CELLS}-cells.png`);
  writeFileSync(path, encodePng({ width: image.width, height: image.height, channels: 3, data: rgb }));
  return path;
}

function startServer(home: string): Promise<{ server: ChildProcess; url: string }> {
  const server = spawn(process.execPath, [join(ROOT, 'bin', 'celldesk.js'), 'serve', '--port', '0'], {
    env: { ...process.env, CELLDESK_HOME: home },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    server.once('exit', (code) => reject(new Error(`celldesk serve exited with code ${code} before printing its URL`)));
    createInterface({ input: server.stdout! }).once('line', (url) => resolve({ server, url }));
  });
}

async function chooseOption(page: Page, field: string, option: string): Promise<void> {
  await page.getByRole('combobox', { name: field }).click();
  await page.getByRole('option', { name: option, exact: true }).click();
}

/** Opens the image and segments it with the demo checkpoint on the CPU; returns the engine's id of the image. */
async function segmentInPage(page: Page, url: string, imagePath: string): Promise<{ imageId: string; masks: number; seconds: number }> {
  await page.goto(url);
  await page.getByLabel('Image path').fill(imagePath);
  await page.getByRole('button', { name: 'Open', exact: true }).click();
  await page.getByText(/^Opened synthetic/).waitFor({ timeout: 5 * 60_000 });
  await page.getByRole('combobox', { name: 'Model' }).fill(DEMO_CHECKPOINT);
  await chooseOption(page, 'Execution provider', 'cpu');
  await chooseOption(page, 'Channel to segment', '1: red');
  await chooseOption(page, 'Nuclear channel', '2: green');
  await page.getByLabel('Cell diameter (px)').fill('30');
  const request: Promise<Request> = page.waitForRequest((r) => decodeURIComponent(r.url()).includes('/api/call/segment:run'));
  const start = performance.now();
  await page.getByRole('button', { name: 'Run' }).click();
  const { input } = decodeMessage(new Uint8Array((await request).postDataBuffer()!)) as { input: { imageId: string } };
  await page.getByTestId('mask-count').filter({ hasText: /^\d+ masks?$/ }).waitFor({ timeout: 20 * 60_000 });
  const seconds = (performance.now() - start) / 1000;
  const masks = Number(/^(\d+)/.exec((await page.getByTestId('mask-count').textContent()) ?? '')?.[1]);
  return { imageId: input.imageId, masks, seconds };
}

/** A contract call over the server's HTTP API, as the page makes it. */
export async function call<Result>(url: string, name: string, input: unknown): Promise<Result> {
  const { origin, searchParams } = new URL(url);
  const response = await fetch(`${origin}/api/call/${encodeURIComponent(name)}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${searchParams.get('token')!}`, 'content-type': 'application/octet-stream' },
    body: encodeMessage({ input }) as Uint8Array<ArrayBuffer>,
  });
  if (!response.ok) throw new Error(`${name}: the server answered ${response.status}`);
  return unwrapOutcome(decodeMessage(new Uint8Array(await response.arrayBuffer())) as CallOutcome<Result>);
}

/** The running server and a page that has segmented the synthetic image. */
export interface SegmentedSession {
  browser: Browser;
  page: Page;
  /** The address `celldesk serve` printed, token included. */
  url: string;
  server: ChildProcess;
  imagePath: string;
  run: { imageId: string; masks: number; seconds: number };
}

/**
 * Writes the image, starts the server and Chromium, segments the image in the page and hands the session to
 * `measure`; everything is stopped and removed afterwards.
 */
export async function withSegmentedImage<T>(name: string, measure: (session: SegmentedSession) => Promise<T>): Promise<T> {
  const folder = mkdtempSync(join(tmpdir(), `celldesk-bench-${name}-`));
  let server: ChildProcess | undefined;
  const browser = await launchChromium();
  try {
    const imagePath = writeImage(folder);
    const started = await startServer(join(folder, 'home'));
    server = started.server;
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    out(`Segmenting ${imagePath} (2560 x 2160, ${CELLS} cells drawn) with the demo checkpoint on the CPU...`);
    const run = await segmentInPage(page, started.url, imagePath);
    out(`${run.masks} masks in ${run.seconds.toFixed(1)} s (network included)`);
    return await measure({ browser, page, url: started.url, server, imagePath, run });
  } finally {
    await browser.close();
    if (server !== undefined && server.exitCode === null) {
      const exited = new Promise((resolve) => server!.once('exit', resolve));
      server.kill('SIGTERM');
      await exited;
    }
    rmSync(folder, { recursive: true, force: true });
  }
}
