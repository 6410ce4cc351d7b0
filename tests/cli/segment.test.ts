// `celldesk segment`: the label image and JSON report, and one clear line (nothing written) for each kind of bad input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeImage } from '../../src/engine/image/decodeImage';
import { countMasks } from '../../src/engine/core/metrics';
import { writeTestTiff } from '../image/helpers/testTiff';
import { readShared, REPO_ROOT, sharedPath } from '../helpers/shared';
import { DEMO_CHECKPOINT, DEMO_SIZE_MODEL } from '../helpers/demoModel';
import { runCelldesk, tempDir } from '../helpers/cli';

const GRAY_IMAGE = sharedPath('images', 'neurips22-cellseg', 'cell_00528.tif');
const RGB_IMAGE = sharedPath('images', 'webgpu-cellseg', 'cellpose_img_075.png');

test('segment writes a uint16 label TIFF and reports masks, diameter, provider, image and timings as JSON', async () => {
  const out = join(tempDir('seg'), 'labels.tif');
  const run = await runCelldesk(['segment', RGB_IMAGE, '--model', DEMO_CHECKPOINT, '--size-model', DEMO_SIZE_MODEL, '--diameter', '0', '--channels', '2,3', '--ep', 'cpu', '--out', out, '--json']);
  assert.equal(run.code, 0, run.stderr);
  const report = JSON.parse(run.stdout) as Record<string, unknown> & { timings: Record<string, number>; masks: number; diameter: number };
  assert.deepEqual(report.image, {
    format: 'png',
    width: 240,
    height: 300,
    planes: 1,
    frames: 1,
    channels: 3,
    pageCount: 1,
    sampleType: 'uint8',
    pixelSize: null,
    axesFrom: 'undeclared',
  });
  assert.equal(report.stack, undefined);
  assert.equal(report.executionProvider, 'cpu');
  assert.ok(Math.abs(report.diameter - 33.61) / 33.61 < 0.01, `diameter ${report.diameter}`);
  assert.equal(typeof report.diameterFromStyle, 'number');
  for (const stage of ['normalize', 'sizeStyle', 'sizeMasks', 'network', 'masks', 'total']) assert.ok(report.timings[stage]! > 0, stage);
  const labels = await decodeImage(new Uint8Array(readFileSync(out)));
  assert.equal(labels.sampleType, 'uint16');
  assert.equal(countMasks(labels.data as Uint16Array), report.masks);
  assert.ok(report.masks > 0);
});

async function expectRefusal(args: string[], message: RegExp): Promise<void> {
  const out = join(tempDir('bad'), 'labels.tif');
  const run = await runCelldesk(['segment', ...args, '--out', out]);
  assert.equal(run.code, 1, run.stderr);
  assert.match(run.stderr, message);
  assert.equal(run.stderr.trim().split('\n').length, 1, run.stderr);
  assert.equal(existsSync(out), false);
}

test('an image that does not exist is one clear line and no output', async () => {
  await expectRefusal([join(tempDir('none'), 'missing.tif'), '--model', DEMO_CHECKPOINT], /Cannot read the image .*missing\.tif: there is no such file\./);
});

test('a truncated image is one clear line and no output', async () => {
  const cut = join(tempDir('cut'), 'cut.png');
  const bytes = readShared('images', 'webgpu-cellseg', 'cellpose_img_075.png');
  writeFileSync(cut, bytes.subarray(0, bytes.length / 2));
  await expectRefusal([cut, '--model', DEMO_CHECKPOINT], /truncated|incomplete|ends early/i);
});

test('a channel the image does not have is refused', async () => {
  await expectRefusal([RGB_IMAGE, '--model', DEMO_CHECKPOINT, '--channels', '4,0'], /only 3 channels/);
});

test('a missing model is refused with its name', async () => {
  await expectRefusal([GRAY_IMAGE, '--model', 'no-such-model'], /no-such-model/);
});

test('NaN pixels are refused before any network work', async () => {
  const path = join(tempDir('nan'), 'nan.tif');
  const values = new Float32Array(64 * 64).fill(1);
  values[100] = Number.NaN;
  writeFileSync(path, writeTestTiff([{ width: 64, height: 64, channels: 1, kind: 'float', bits: 32, values }]));
  await expectRefusal([path, '--model', DEMO_CHECKPOINT], /1 pixel values that are not numbers/);
});

test("estimating the diameter ('estimate', or Cellpose's 0) without a size model is refused", async () => {
  const bareModel = join(tempDir('bare-model'), 'bare-demo.pth');
  symlinkSync(DEMO_CHECKPOINT, bareModel);
  await expectRefusal([GRAY_IMAGE, '--model', bareModel, '--diameter', '0'], /needs the model's size model/);
  await expectRefusal([GRAY_IMAGE, '--model', bareModel, '--diameter', 'estimate'], /needs the model's size model/);
});

test('nonsense settings are refused', async () => {
  await expectRefusal([GRAY_IMAGE, '--model', DEMO_CHECKPOINT, '--flow-threshold', 'abc'], /--flow-threshold needs a number/);
  await expectRefusal([GRAY_IMAGE, '--model', DEMO_CHECKPOINT, '--ep', 'tpu'], /--ep must be auto or one of/);
  await expectRefusal([GRAY_IMAGE, '--model', DEMO_CHECKPOINT, '--diameter=-5'], /The diameter must be 'estimate' \(or 0\) or between 1 and 5000 pixels; got -5/);
});

test('npx celldesk runs from the checkout (bin script through tsx)', () => {
  const output = execFileSync(process.execPath, [join(REPO_ROOT, 'bin', 'celldesk.js'), '--version'], { encoding: 'utf8' });
  assert.match(output.trim(), /^\d+\.\d+\.\d+$/);
});

test('a batch segments every image of a folder with one model into <name>_cp_masks.tif, and a bad file does not stop it', async () => {
  const folder = tempDir('batch-in');
  const out = join(tempDir('batch-out'), 'masks');
  copyFileSync(RGB_IMAGE, join(folder, 'a.png'));
  copyFileSync(RGB_IMAGE, join(folder, 'b.png'));
  writeFileSync(join(folder, 'broken.tif'), 'not a TIFF');
  writeFileSync(join(folder, 'notes.txt'), 'not an image');
  const run = await runCelldesk(['segment', folder, '--model', DEMO_CHECKPOINT, '--ep', 'cpu', '--out-dir', out, '--json', '--no-history']);
  assert.equal(run.code, 1, run.stderr);
  const reports = run.stdout.trim().split('\n').map((line) => JSON.parse(line) as { file: string; masks: number; out: string });
  assert.deepEqual(
    reports.map((r) => [r.file, r.out]),
    [
      [join(folder, 'a.png'), join(out, 'a_cp_masks.tif')],
      [join(folder, 'b.png'), join(out, 'b_cp_masks.tif')],
    ],
  );
  assert.equal(reports[0]!.masks, reports[1]!.masks);
  assert.equal(countMasks((await decodeImage(readFileSync(join(out, 'a_cp_masks.tif')))).data as Uint16Array), reports[0]!.masks);
  assert.match(run.stderr, /broken\.tif: /);
  assert.match(run.stderr, /1 of 3 images could not be segmented; nothing was written for them/);
  assert.equal(existsSync(join(out, 'broken_cp_masks.tif')), false);
});

test('several images need --out-dir, and --out names one image only', async () => {
  const out = join(tempDir('two'), 'labels.tif');
  const two = await runCelldesk(['segment', GRAY_IMAGE, RGB_IMAGE, '--model', DEMO_CHECKPOINT, '--out', out]);
  assert.equal(two.code, 1);
  assert.match(two.stderr, /--out names the label image of one image; for 2 images give --out-dir/);
  assert.equal(existsSync(out), false);
  const run = await runCelldesk(['segment', tempDir('empty-folder'), '--model', DEMO_CHECKPOINT, '--out-dir', tempDir('empty-out')]);
  assert.equal(run.code, 1);
  assert.match(run.stderr, /holds no TIFF, PNG or JPEG images/);
});
