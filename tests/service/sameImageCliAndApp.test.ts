// Issue 10 acceptance: the same 3-page TIFF gives the same image description and the same masks through the CLI
// (`celldesk segment --json`) and through the app's API in browser mode (`celldesk serve`, over HTTP).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeImage } from '../../src/engine/image/decodeImage';
import type { CallOutcome, ImageDescription, OpenedImage, Segmentation } from '../../src/shared/contract';
import { decodeMessage, encodeMessage } from '../../src/shared/wire';
import { startServe, type ServeProcess } from '../helpers/browserApp';
import { runCelldesk, tempDir } from '../helpers/cli';
import { DEMO_CHECKPOINT } from '../helpers/demoModel';
import { readShared, sharedPath } from '../helpers/shared';
import { writeTestTiff } from '../image/helpers/testTiff';

const DECLARED = sharedPath('images', 'cellpose-bmz-wrapper', 'test_images.tif');
const SETTINGS = { channels: [0, 0] as [number, number], diameter: 30 };
const DESCRIPTION_KEYS = ['format', 'width', 'height', 'planes', 'frames', 'channels', 'pageCount', 'sampleType', 'pixelSize', 'axesFrom'] as const;

let serve: ServeProcess;
let undeclared: string;

before(async () => {
  serve = await startServe('same-image');
  // The shared stack's three pages again, without its ImageJ description: a 3-page TIFF that declares no axes.
  const bytes = readShared('images', 'cellpose-bmz-wrapper', 'test_images.tif');
  const pages = await Promise.all([0, 1, 2].map((page) => decodeImage(bytes, { page })));
  undeclared = join(tempDir('same-image'), 'three-pages.tif');
  writeFileSync(undeclared, writeTestTiff(pages.map((p) => ({ width: p.width, height: p.height, channels: 1, kind: 'uint', bits: 16, values: p.data }))));
});

after(() => serve.close());

async function call<Result>(name: string, input: unknown): Promise<Result> {
  const { origin, searchParams } = new URL(serve.url);
  const response = await fetch(`${origin}/api/call/${name}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${searchParams.get('token')}` },
    body: encodeMessage({ input }) as Uint8Array<ArrayBuffer>,
  });
  const outcome = decodeMessage(new Uint8Array(await response.arrayBuffer())) as CallOutcome<Result>;
  if (!outcome.ok) assert.fail(`${name}: ${outcome.error.code} ${outcome.error.message}`);
  return outcome.value;
}

function describedAs(image: ImageDescription): Partial<ImageDescription> {
  return Object.fromEntries(DESCRIPTION_KEYS.map((key) => [key, image[key]]));
}

/** The app's description and masks for the file, and the CLI's, with the options that segment the app's plane. */
async function bothWays(path: string, cliOptions: (opened: OpenedImage) => string[]) {
  const opened = await call<OpenedImage>('image:open', { path });
  const app = await call<Segmentation>('segment:run', { imageId: opened.imageId, model: DEMO_CHECKPOINT, provider: 'cpu', settings: SETTINGS });
  const out = join(tempDir('same-image-cli'), 'labels.tif');
  const run = await runCelldesk(['segment', path, '--model', DEMO_CHECKPOINT, '--ep', 'cpu', '--diameter', '30', '--channels', '0,0', '--json', '--no-history', '--out', out, ...cliOptions(opened)]);
  assert.equal(run.code, 0, run.stderr);
  const cli = JSON.parse(run.stdout) as { image: ImageDescription; masks: number };
  const cliLabels = await decodeImage(new Uint8Array(readFileSync(out)));
  return { opened, app, cli, cliLabels: Uint32Array.from(cliLabels.data) };
}

test('a 3-page ImageJ stack: 3 planes in both, and the plane the app shows gives the same masks as the CLI on that plane', async () => {
  const { opened, app, cli, cliLabels } = await bothWays(DECLARED, (o) => ['--plane', String(o.plane)]);
  assert.deepEqual(describedAs(opened), describedAs(cli.image));
  assert.deepEqual([opened.planes, opened.channels, opened.axesFrom, opened.plane, opened.page], [3, 1, 'imagej', 1, 1]);
  assert.ok(opened.pixelSize !== null && Math.abs(opened.pixelSize.x - 0.123805) < 1e-6);
  assert.equal(app.maskCount, cli.masks);
  assert.deepEqual(app.labels, cliLabels);
  console.log(`test_images.tif plane ${opened.plane}: ${app.maskCount} masks in the app and ${cli.masks} in the CLI, labels identical`);
});

test('the same 3 pages declaring no axes: one plane of 3 channels in both, and the same masks', async () => {
  const { opened, app, cli, cliLabels } = await bothWays(undeclared, () => []);
  assert.deepEqual(describedAs(opened), describedAs(cli.image));
  assert.deepEqual([opened.planes, opened.channels, opened.axesFrom, opened.plane], [1, 3, 'undeclared', 0]);
  assert.equal(app.maskCount, cli.masks);
  assert.deepEqual(app.labels, cliLabels);
  console.log(`three-pages.tif (no axes declared): ${app.maskCount} masks in the app and ${cli.masks} in the CLI, labels identical`);
});
