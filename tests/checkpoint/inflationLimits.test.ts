// Decompression bombs: zip entries (checkpoints, ImageJ ROI sets), TIFF strips and PNG image data inflate no further
// than their declared sizes allow, so a small file cannot make CellDesk spend gigabytes of memory or seconds of time
// (see [Note: inflation limits]). Memory is measured in a child process, whose peak is its own.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { loadStateDict } from '../../src/engine/checkpoint/torchCheckpoint';
import { inflatesBeyond, inflateWithin } from '../../src/engine/formats/inflate';
import { decodeImagejRoiZip } from '../../src/engine/formats/imagejRoi';
import { decodeImage } from '../../src/engine/image/decodeImage';
import { encodePng } from '../../src/engine/image/encodePng';
import { tempDir } from '../helpers/cli';
import { REPO_ROOT } from '../helpers/shared';
import { writeTestTiff } from '../image/helpers/testTiff';
import { bombCheckpoint, bombRoiSet, deflatedZeros } from './zipBomb';

const GiB = 2 ** 30;
let gigabyte: Uint8Array;

before(async () => {
  gigabyte = await deflatedZeros(GiB);
});

function refusal(pattern: RegExp) {
  return (error: unknown) => error instanceof Error && 'code' in error && error.code === 'FILE_FORMAT' && pattern.test(error.message);
}

test('a checkpoint of about 1 MB whose data.pkl declares 1 GiB is refused before anything is inflated', () => {
  assert.ok(gigabyte.length < 1.1e6, `${gigabyte.length} bytes`);
  assert.throws(() => loadStateDict(bombCheckpoint(gigabyte, GiB - 1)), refusal(/declares 1073741823 bytes once decompressed, far more than a model file holds/));
});

test('a checkpoint whose data.pkl declares 1000 bytes but inflates to 1 GiB is refused at the declared size', () => {
  assert.throws(() => loadStateDict(bombCheckpoint(gigabyte, 1000)), refusal(/decompresses to more than the 1000 bytes it declares/));
  assert.throws(() => loadStateDict(bombCheckpoint(gigabyte, 15 * 2 ** 20)), refusal(/decompresses to more than the 15728640 bytes it declares/));
});

test('each checkpoint bomb is refused with less than 100 MB of memory growth, measured in a child process', (t) => {
  const folder = tempDir('bombs');
  for (const declared of [GiB - 1, 1000, 15 * 2 ** 20]) {
    const file = join(folder, `bomb-${declared}.pth`);
    writeFileSync(file, bombCheckpoint(gigabyte, declared));
    const output = execFileSync(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'tests', 'checkpoint', 'measureLoad.ts'), file], { encoding: 'utf8' });
    const { outcome, cpuMs, peakGrowthBytes } = JSON.parse(output) as { outcome: string; cpuMs: number; peakGrowthBytes: number };
    t.diagnostic(`bomb declaring ${declared} bytes: refused after ${cpuMs.toFixed(0)} ms of CPU, peak memory +${(peakGrowthBytes / 1e6).toFixed(1)} MB`);
    assert.match(outcome, /^FILE_FORMAT: /, outcome);
    assert.ok(peakGrowthBytes < 100e6, `declared ${declared}: peak memory grew by ${(peakGrowthBytes / 1e6).toFixed(1)} MB`);
  }
});

test('an ImageJ ROI set whose .roi inflates to 1 GiB is refused at its declared size, with little memory', (t) => {
  assert.throws(() => decodeImagejRoiZip(bombRoiSet(gigabyte, 1000)), refusal(/not a readable ImageJ ROI set .*decompresses to more than the 1000 bytes it declares/));
  assert.throws(() => decodeImagejRoiZip(bombRoiSet(gigabyte, GiB - 1)), refusal(/0001-0001\.roi in this ROI set is 1073741823 bytes, too large for an outline/));
  const file = join(tempDir('roi-bombs'), 'bomb.zip');
  writeFileSync(file, bombRoiSet(gigabyte, 15 * 2 ** 20));
  const output = execFileSync(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'tests', 'checkpoint', 'measureLoad.ts'), file, 'roi-set'], { encoding: 'utf8' });
  const { outcome, cpuMs, peakGrowthBytes } = JSON.parse(output) as { outcome: string; cpuMs: number; peakGrowthBytes: number };
  t.diagnostic(`ROI set bomb declaring 15 MiB: refused after ${cpuMs.toFixed(0)} ms of CPU, peak memory +${(peakGrowthBytes / 1e6).toFixed(1)} MB`);
  assert.match(outcome, /^FILE_FORMAT: .*decompresses to more than the 15728640 bytes it declares/, outcome);
  assert.ok(peakGrowthBytes < 100e6, `peak memory grew by ${(peakGrowthBytes / 1e6).toFixed(1)} MB`);
});

test('inflation keeps at most its limit however far the stream would go, and tells exactly whether it would go further', async () => {
  const within = inflateWithin(gigabyte, 1 << 20, 'raw');
  assert.equal(within.data.length, 1 << 20);
  assert.equal(within.overflowed, true);
  const eight = await deflatedZeros(8 << 20);
  assert.equal(inflatesBeyond(eight, (8 << 20) - 1, 'raw'), true);
  assert.equal(inflatesBeyond(eight, 8 << 20, 'raw'), false);
  assert.deepEqual(inflateWithin(eight, 8 << 20, 'raw'), { data: new Uint8Array(8 << 20), overflowed: false });
});

test('a TIFF strip that inflates to 64 MiB gives its 16 x 16 pixels from the bytes it needs', async () => {
  const values = Array.from({ length: 256 }, (_, i) => i);
  const zeros = new Uint8Array(deflateSync(Buffer.alloc(64 << 20), { level: 9 }));
  const tiff = writeTestTiff([{ width: 16, height: 16, channels: 1, kind: 'uint', bits: 8, values, compression: 8, damageChunk: () => zeros }]);
  const image = await decodeImage(tiff);
  assert.deepEqual([image.width, image.height], [16, 16]);
  assert.deepEqual([...image.data], new Array(256).fill(0));
});

/** A 16 x 16 grey PNG whose chunk `type` is replaced by one holding `data` (CRCs are not checked before the refusal). */
function pngWith(type: 'IDAT' | 'iCCP', data: Uint8Array): Uint8Array {
  const png = Buffer.from(encodePng({ width: 16, height: 16, channels: 1, data: new Uint8Array(256) }));
  const chunk = (name: string, body: Uint8Array) => {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(body.length, 0);
    head.write(name, 4, 'latin1');
    return Buffer.concat([head, body, Buffer.alloc(4)]);
  };
  const ihdrEnd = 8 + 12 + 13;
  const idat = type === 'IDAT' ? chunk('IDAT', data) : Buffer.concat([chunk('iCCP', Buffer.concat([Buffer.from('icc\0\0'), data])), png.subarray(ihdrEnd, png.length - 12)]);
  return new Uint8Array(Buffer.concat([png.subarray(0, ihdrEnd), idat, chunk('IEND', new Uint8Array(0))]));
}

test('a PNG whose image data or colour profile inflates far beyond what its header allows is refused as damaged', async () => {
  const zlibBomb = new Uint8Array(Buffer.concat([Buffer.from([0x78, 0xda]), gigabyte, Buffer.alloc(4)]));
  await assert.rejects(decodeImage(pngWith('IDAT', zlibBomb)), refusal(/image data decompresses to more than its 16 x 16 pixels hold/));
  await assert.rejects(decodeImage(pngWith('iCCP', zlibBomb)), refusal(/colour profile decompresses to far more than a profile holds/));
});
