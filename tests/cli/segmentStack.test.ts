// `celldesk segment` on stacks: every plane, kept apart or stitched, as one multi-page label TIFF; one plane; and bad
// stacks or positions refused in one clear line.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fromArrayBuffer } from 'geotiff';
import { decodeImage } from '../../src/engine/image/decodeImage';
import { openImageStack } from '../../src/engine/image/imageStack';
import { DEMO_CHECKPOINT, DEMO_SIZE_MODEL } from '../helpers/demoModel';
import { runCelldesk, tempDir } from '../helpers/cli';
import { writeTestTiff, type TestPage } from '../image/helpers/testTiff';
import { driftSquares } from '../helpers/stackPages';

const SIDE = 160;
let folder: string;
let declaredStack: string;
let undeclaredStack: string;

/** The top-left SIDE x SIDE of each page of the shared drift stack, as uint8 pages (the first one carrying `first`). */
const croppedPages = (first: Partial<TestPage>) => driftSquares(SIDE, [0, 1, 2].map((page) => ({ page, x: 0, y: 0 })), first);

before(async () => {
  folder = tempDir('stack-cli');
  declaredStack = join(folder, 'stack.tif');
  undeclaredStack = join(folder, 'pages.tif');
  writeFileSync(declaredStack, writeTestTiff(await croppedPages({ textTags: [[270, 'ImageJ=1.54f\nimages=3\nslices=3\n']] })));
  writeFileSync(undeclaredStack, writeTestTiff(await croppedPages({})));
});

interface StackReport {
  masks: number;
  diameter: number;
  diameterFromStyle: number | null;
  image: { planes: number; channels: number; axesFrom: string };
  stack?: { planes: number[]; stitchThreshold: number; masksPerPlane: number[][] };
}

/** Segments at diameter 30 unless `options` give another. */
async function segment(image: string, ...options: string[]): Promise<{ report: StackReport; out: string }> {
  const out = join(tempDir('stack-out'), 'labels.tif');
  const run = await runCelldesk(['segment', image, '--model', DEMO_CHECKPOINT, '--ep', 'cpu', '--diameter', '30', '--json', '--no-history', '--out', out, ...options]);
  assert.equal(run.code, 0, run.stderr);
  return { report: JSON.parse(run.stdout) as StackReport, out };
}

async function planesOf(out: string): Promise<Uint32Array[]> {
  const stack = await openImageStack(new Uint8Array(readFileSync(out)));
  return Promise.all(Array.from({ length: stack.description.planes }, async (_, plane) => Uint32Array.from((await stack.readPlane({ plane, frame: 0 })).data)));
}

test('planes kept apart (--stitch-threshold 0) are each segmented as that plane alone, in a 3-page ImageJ label TIFF', async () => {
  const { report, out } = await segment(declaredStack, '--stitch-threshold', '0');
  assert.deepEqual([report.image.planes, report.image.axesFrom, report.stack!.planes, report.stack!.stitchThreshold], [3, 'imagej', [0, 1, 2], 0]);
  const planes = await planesOf(out);
  assert.equal(planes.length, 3);
  for (const [z, labels] of planes.entries()) {
    const alone = await segment(declaredStack, '--plane', String(z));
    assert.equal(alone.report.stack, undefined);
    const single = await decodeImage(new Uint8Array(readFileSync(alone.out)));
    assert.equal(single.pageCount, 1);
    assert.deepEqual(labels, Uint32Array.from(single.data), `plane ${z}`);
    assert.equal(report.stack!.masksPerPlane[0]![z], alone.report.masks);
  }
  assert.equal(report.masks, report.stack!.masksPerPlane[0]!.reduce((a, b) => a + b, 0));
  // An independent reader sees 3 pages, and ImageJ's description of 3 slices.
  const tiff = await fromArrayBuffer(new Uint8Array(readFileSync(out)).buffer);
  assert.equal(await tiff.getImageCount(), 3);
  assert.match(String(await (await tiff.getImage(0)).fileDirectory.loadValue('ImageDescription')), /^ImageJ=.*\nimages=3\nslices=3\n/s);
});

test('stitched planes (--stitch-threshold 0.25) share 3D labels numbered 1..N across the volume', async () => {
  const { report, out } = await segment(declaredStack, '--stitch-threshold', '0.25');
  const planes = await planesOf(out);
  const labels = new Set(planes.flatMap((plane) => [...new Set(plane)]).filter((l) => l !== 0));
  assert.equal(report.masks, labels.size);
  assert.deepEqual([...labels].sort((a, b) => a - b), Array.from({ length: labels.size }, (_, i) => i + 1));
  const shared = [...new Set(planes[0])].filter((l) => l !== 0 && planes[1]!.includes(l));
  assert.ok(shared.length > 0, 'cells continue from plane 0 to plane 1 under the same label');
  assert.ok(report.masks < report.stack!.masksPerPlane[0]!.reduce((a, b) => a + b, 0), 'fewer cells than masks');
});

test('diameter 0 on a stack is estimated once, on its middle plane, as for that plane alone', async () => {
  const { report } = await segment(declaredStack, '--stitch-threshold', '0.25', '--diameter', '0', '--size-model', DEMO_SIZE_MODEL);
  const middle = await segment(declaredStack, '--plane', '1', '--diameter', '0', '--size-model', DEMO_SIZE_MODEL);
  assert.notEqual(report.diameterFromStyle, null);
  assert.deepEqual([report.diameter, report.diameterFromStyle], [middle.report.diameter, middle.report.diameterFromStyle]);
});

test('pages that declare no axes are channels, unless planes are asked for (as Cellpose reads them when stitching)', async () => {
  const flat = await segment(undeclaredStack);
  assert.deepEqual([flat.report.image.planes, flat.report.image.channels, flat.report.image.axesFrom, flat.report.stack], [1, 3, 'undeclared', undefined]);
  const stitched = await segment(undeclaredStack, '--stitch-threshold', '0.25');
  const declared = await segment(declaredStack, '--stitch-threshold', '0.25');
  assert.deepEqual([stitched.report.image.planes, stitched.report.image.channels], [3, 1]);
  assert.deepEqual(await planesOf(stitched.out), await planesOf(declared.out));
});

async function expectRefusal(args: string[], message: RegExp): Promise<void> {
  const out = join(tempDir('stack-bad'), 'labels.tif');
  const run = await runCelldesk(['segment', ...args, '--model', DEMO_CHECKPOINT, '--out', out]);
  assert.equal(run.code, 1, run.stderr);
  assert.match(run.stderr, message);
  assert.equal(run.stderr.trim().split('\n').length, 1, run.stderr);
  assert.equal(existsSync(out), false);
}

test('a plane the stack does not have, a stitch threshold outside 0..1 and a stack that contradicts itself are one clear line', async () => {
  await expectRefusal([declaredStack, '--plane', '3'], /Plane 3 was asked for, but this image has 3 planes \(numbered 0 to 2\)/);
  await expectRefusal([declaredStack, '--frame', '1'], /Frame 1 was asked for, but this image has only one frame/);
  await expectRefusal([declaredStack, '--stitch-threshold', '1.5'], /stitch threshold is an IoU from 0 \(planes kept apart\) to 1; got 1\.5/);
  const lying = join(folder, 'lying.tif');
  writeFileSync(lying, writeTestTiff(await croppedPages({ textTags: [[270, 'ImageJ=1.54f\nimages=30\nslices=30\n']] })));
  await expectRefusal([lying], /declares 1 channel x 30 slices x 1 frame, 30 pages, but the file holds 3\. It was probably cut short/);
});
