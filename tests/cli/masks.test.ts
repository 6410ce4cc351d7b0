// `celldesk masks convert` between _seg.npy, label TIFF/PNG, ImageJ ROI sets and CSV, and `celldesk segment
// --save-seg`, whose session file has the layout of the official one for the same image, model and diameter.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeImage } from '../../src/engine/image/decodeImage';
import { readSegFile } from '../../src/engine/sessionFile/readSegFile';
import { DEMO_CHECKPOINT } from '../helpers/demoModel';
import { runCelldesk, tempDir } from '../helpers/cli';
import { readShared, sharedPath } from '../helpers/shared';
import { layout, officialSegFile } from '../sessionFile/layout';

const OMNI_SEG = sharedPath('reference', 'seg', 'omni_img02_seg.npy');
const OMNI_MASKS = sharedPath('reference', 'seg', 'omni_img02.seg-source.masks.tif');
const OMNI_IMAGE = sharedPath('images', 'omnipose-docs', 'img02.png');

async function labelsOf(path: string): Promise<number[]> {
  return Array.from((await decodeImage(new Uint8Array(readFileSync(path)))).data);
}

test('a _seg.npy converts to a label TIFF of its masks, and to a _seg.npy that is the same file', async () => {
  const folder = tempDir('masks');
  const tif = join(folder, 'img02_cp_masks.tif');
  const run = await runCelldesk(['masks', 'convert', OMNI_SEG, tif]);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /-> .*img02_cp_masks\.tif: 81 masks, 467 x 349 pixels/);
  assert.deepEqual(await labelsOf(tif), await labelsOf(OMNI_MASKS));
  const copy = join(folder, 'copy_seg.npy');
  assert.equal((await runCelldesk(['masks', 'convert', OMNI_SEG, copy])).code, 0);
  assert.ok(Buffer.from(readFileSync(copy)).equals(Buffer.from(officialSegFile('omni_img02'))), 'flows and all kept');
});

test('masks go to an ImageJ ROI set and back to a PNG label image unchanged, given the image size', async () => {
  const folder = tempDir('rois');
  const zip = join(folder, 'img02_rois.zip');
  assert.equal((await runCelldesk(['masks', 'convert', OMNI_MASKS, zip])).code, 0);
  const png = join(folder, 'back.png');
  const run = await runCelldesk(['masks', 'convert', zip, png, '--size', '467x349', '--json']);
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(JSON.parse(run.stdout), { input: zip, output: png, width: 467, height: 349, planes: 1, masks: 81, notes: [] });
  assert.deepEqual(await labelsOf(png), await labelsOf(OMNI_MASKS));
  const withImage = join(folder, 'back.tif');
  assert.equal((await runCelldesk(['masks', 'convert', zip, withImage, '--image', OMNI_IMAGE])).code, 0);
  assert.deepEqual(await labelsOf(withImage), await labelsOf(OMNI_MASKS));
});

test('a label image becomes a _seg.npy in the official layout, without flows, recording the image and diameter given', async () => {
  const seg = join(tempDir('new'), 'img02_seg.npy');
  const run = await runCelldesk(['masks', 'convert', OMNI_MASKS, seg, '--image', OMNI_IMAGE, '--diameter', '17']);
  assert.equal(run.code, 0, run.stderr);
  const written = layout(new Uint8Array(readFileSync(seg)));
  const official = layout(officialSegFile('omni_img02'));
  assert.deepEqual(
    written.filter(([key]) => key !== 'flows'),
    official.filter(([key]) => key !== 'flows'),
  );
  const session = readSegFile(new Uint8Array(readFileSync(seg)));
  assert.deepEqual([session.filename, session.diameter, session.chanChoose], [OMNI_IMAGE, 17, [0, 0]]);
  assert.deepEqual(Object.values(session.flows), [null, null, null, null, null]);
});

test('measurements are written as CSV, with the mean intensity of each image channel when the image is given', async () => {
  const folder = tempDir('csv');
  const plain = join(folder, 'plain.csv');
  assert.equal((await runCelldesk(['masks', 'convert', OMNI_SEG, plain])).code, 0);
  const lines = readFileSync(plain, 'utf8').trim().split('\n');
  assert.equal(lines[0], 'mask,area_px,centroid_x,centroid_y');
  assert.equal(lines.length, 82);
  const measured = join(folder, 'measured.csv');
  assert.equal((await runCelldesk(['masks', 'convert', OMNI_SEG, measured, '--image', OMNI_IMAGE])).code, 0);
  const image = await decodeImage(readShared('images', 'omnipose-docs', 'img02.png'));
  const header = readFileSync(measured, 'utf8').split('\n')[0]!;
  assert.equal(header.split(',').length, 4 + image.channels);
  assert.match(header, /mean_intensity_ch1/);
});

test('conversions that cannot be done say why in one line and write nothing', async () => {
  const folder = tempDir('refused');
  assert.equal((await runCelldesk(['masks', 'convert', OMNI_MASKS, join(folder, 'rois.zip')])).code, 0);
  const cases: [string[], RegExp][] = [
    [[join(folder, 'table.csv'), join(folder, 'out.tif')], /table of measurements, which CellDesk writes but cannot turn back into masks/],
    [[join(folder, 'rois.zip'), join(folder, 'out.tif')], /ROI set does not record the image's size: give the image \(--image\) or its size/],
    [[OMNI_SEG, join(folder, 'out.jpg')], /cannot tell what kind of mask file out\.jpg is/],
    [[OMNI_SEG, join(folder, 'out.csv'), '--image', sharedPath('images', 'neurips22-cellseg', 'cell_00849.png')], /masks are 467 x 349 pixels but the image is 512 x 512/],
    [[join(folder, 'missing_seg.npy'), join(folder, 'out.tif')], /Cannot read .*missing_seg\.npy: there is no such file/],
    [[OMNI_SEG, join(folder, 'x.tif'), '--size', 'big'], /--size takes the image's width and height/],
  ];
  for (const [args, message] of cases) {
    const run = await runCelldesk(['masks', 'convert', ...args]);
    assert.equal(run.code, 1, `${args.join(' ')}: ${run.stdout}`);
    assert.match(run.stderr, message);
    assert.equal(run.stderr.trim().split('\n').length, 1, run.stderr);
  }
  assert.equal(existsSync(join(folder, 'out.tif')), false);
  assert.equal(existsSync(join(folder, 'out.csv')), false);
});

test('masks and masks convert explain themselves with --help', async () => {
  const top = await runCelldesk(['masks', '--help']);
  assert.equal(top.code, 0);
  assert.match(top.stdout, /celldesk masks convert <in> <out>/);
  const convert = await runCelldesk(['masks', 'convert', '--help']);
  assert.equal(convert.code, 0);
  for (const kind of ['_seg.npy', '.tif', '.png', '.zip', '.csv', '--image', '--size']) assert.ok(convert.stdout.includes(kind), kind);
  const listed = await runCelldesk(['--help']);
  assert.match(listed.stdout, /masks\s+convert masks between/);
});

test('segment --save-seg writes <image>_seg.npy beside the masks, in the official layout and with the official masks', async () => {
  const folder = tempDir('saveseg');
  const out = join(folder, 'cell_00849_cp_masks.tif');
  const image = sharedPath('images', 'neurips22-cellseg', 'cell_00849.png');
  const run = await runCelldesk(['segment', image, '--model', DEMO_CHECKPOINT, '--diameter', '30', '--ep', 'cpu', '--out', out, '--save-seg', '--json', '--no-history']);
  assert.equal(run.code, 0, run.stderr);
  const seg = join(folder, 'cell_00849_seg.npy');
  assert.equal((JSON.parse(run.stdout) as { seg: string }).seg, seg);
  const bytes = new Uint8Array(readFileSync(seg));
  assert.deepEqual(layout(bytes), layout(officialSegFile('cell_00849')));
  const [mine, official] = [readSegFile(bytes), readSegFile(officialSegFile('cell_00849'))];
  assert.deepEqual(mine.masks.data, official.masks.data);
  assert.deepEqual(mine.outlines.data, official.outlines.data);
  assert.deepEqual(await labelsOf(out), Array.from(official.masks.data));
  assert.equal(mine.filename, image);
  const [network, officialNetwork] = [mine.flows.network!.data as Float32Array, official.flows.network!.data as Float32Array];
  let largest = 0;
  for (let i = 0; i < network.length; i++) largest = Math.max(largest, Math.abs(network[i]! - officialNetwork[i]!));
  assert.ok(largest < 1e-3, `network output within 1e-3 of the official: ${largest}`);
});
