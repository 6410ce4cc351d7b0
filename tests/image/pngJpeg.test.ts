import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encode as encodePngWithFastPng, type ImageData } from 'fast-png';
import jpeg from 'jpeg-js';
import { decodeImage } from '../../src/engine/image/decodeImage';
import { writeGreyBlockJpeg } from './helpers/testJpeg';

function png(image: ImageData): Uint8Array {
  return encodePngWithFastPng(image);
}

/** Planes of an interleaved image: plane c holds sample c of every pixel. */
function planesOf(interleaved: ArrayLike<number>, samplesPerPixel: number, channels: number[]): number[] {
  const n = interleaved.length / samplesPerPixel;
  return channels.flatMap((c) => Array.from({ length: n }, (_, i) => interleaved[i * samplesPerPixel + c]!));
}

test('returns a grey PNG as one channel, 8- or 16-bit samples unchanged', async () => {
  const grey8 = Uint8Array.from({ length: 15 }, (_, i) => i * 17);
  const raster8 = await decodeImage(png({ width: 5, height: 3, channels: 1, depth: 8, data: grey8 }));
  assert.deepEqual([raster8.channels, raster8.sampleType, raster8.format], [1, 'uint8', 'png']);
  assert.deepEqual(Array.from(raster8.data), Array.from(grey8));

  const grey16 = Uint16Array.from({ length: 15 }, (_, i) => (i * 4681) % 65536);
  grey16[14] = 65535;
  const raster16 = await decodeImage(png({ width: 5, height: 3, channels: 1, depth: 16, data: grey16 }));
  assert.deepEqual([raster16.channels, raster16.sampleType], [1, 'uint16']);
  assert.deepEqual(Array.from(raster16.data), Array.from(grey16));

  const interlaced = await decodeImage(encodePngWithFastPng({ width: 5, height: 3, channels: 1, depth: 16, data: grey16 }, { interlace: 'Adam7' }));
  assert.deepEqual(Array.from(interlaced.data), Array.from(grey16));
});

test('drops alpha and returns RGB, as Cellpose reading through OpenCV does', async () => {
  const rgba = Uint8Array.from({ length: 4 * 6 }, (_, i) => (i * 29) % 256);
  const fromRgba = await decodeImage(png({ width: 3, height: 2, channels: 4, depth: 8, data: rgba }));
  assert.equal(fromRgba.channels, 3);
  assert.deepEqual(Array.from(fromRgba.data), planesOf(rgba, 4, [0, 1, 2]));

  const rgba16 = Uint16Array.from({ length: 4 * 6 }, (_, i) => i * 2000);
  const fromRgba16 = await decodeImage(png({ width: 3, height: 2, channels: 4, depth: 16, data: rgba16 }));
  assert.deepEqual([fromRgba16.channels, fromRgba16.sampleType], [3, 'uint16']);
  assert.deepEqual(Array.from(fromRgba16.data), planesOf(rgba16, 4, [0, 1, 2]));

  // Grey + alpha becomes three equal channels (OpenCV expands grey to BGR before alpha is dropped).
  const greyAlpha = Uint8Array.from([10, 255, 20, 0, 30, 128, 40, 7]);
  const fromGreyAlpha = await decodeImage(png({ width: 2, height: 2, channels: 2, depth: 8, data: greyAlpha }));
  assert.equal(fromGreyAlpha.channels, 3);
  assert.deepEqual(Array.from(fromGreyAlpha.data), [10, 20, 30, 40, 10, 20, 30, 40, 10, 20, 30, 40]);
});

test('expands palette PNGs to RGB', async () => {
  const palette = [
    [255, 0, 0],
    [0, 128, 0],
    [0, 0, 64],
    [9, 8, 7],
  ];
  const indices = Uint8Array.from([0, 1, 2, 3, 3, 2]);
  const raster = await decodeImage(png({ width: 3, height: 2, channels: 1, depth: 8, data: indices, palette }));
  assert.deepEqual([raster.channels, raster.sampleType], [3, 'uint8']);
  const expected = [0, 1, 2].flatMap((c) => Array.from(indices, (i) => palette[i]![c]!));
  assert.deepEqual(Array.from(raster.data), expected);

  // 2-bit indices, packed four to a byte.
  const packed = Uint8Array.from([0b00011011, 0b11100100]); // rows [0 1 2 3] and [3 2 1 0]
  const small = await decodeImage(png({ width: 4, height: 2, channels: 1, depth: 2, data: packed, palette }));
  assert.deepEqual(Array.from(small.data.subarray(0, 8)), [255, 0, 0, 9, 9, 0, 0, 255]);
});

test('scales 1-, 2- and 4-bit grey to 0..255, as libpng does for OpenCV', async () => {
  const cases = [
    { depth: 1, packed: [0b10100000, 0b01010000], levels: [255, 0, 255, 0, 0, 255, 0, 255] },
    { depth: 2, packed: [0b00011011, 0b11100100], levels: [0, 85, 170, 255, 255, 170, 85, 0] },
    { depth: 4, packed: [0x0f, 0x37, 0xf0, 0x1e], levels: [0, 255, 51, 119, 255, 0, 17, 238] },
  ] as const;
  for (const { depth, packed, levels } of cases) {
    const raster = await decodeImage(png({ width: 4, height: 2, channels: 1, depth, data: Uint8Array.from(packed) }));
    assert.deepEqual([raster.channels, raster.sampleType], [1, 'uint8']);
    assert.deepEqual(Array.from(raster.data), levels, `${depth}-bit`);
  }
});

test('returns a grey JPEG as one channel with its grey levels', async () => {
  const levels = [0, 50, 128, 200, 255, 17];
  const raster = await decodeImage(writeGreyBlockJpeg(24, 16, levels));
  assert.deepEqual([raster.width, raster.height, raster.channels, raster.sampleType, raster.format], [24, 16, 1, 'uint8', 'jpeg']);
  for (let block = 0; block < levels.length; block++) {
    const x0 = (block % 3) * 8;
    const y0 = Math.floor(block / 3) * 8;
    for (let y = y0; y < y0 + 8; y++) {
      for (let x = x0; x < x0 + 8; x++) assert.equal(raster.data[y * 24 + x], levels[block], `pixel (${y}, ${x})`);
    }
  }
});

test('returns a colour JPEG as R, G, B planes within JPEG loss of the original', async () => {
  const width = 64;
  const height = 48;
  const rgba = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    rgba.set([i % width < 32 ? 220 : 30, Math.floor(i / width) * 4, 100, 255], 4 * i);
  }
  const raster = await decodeImage(new Uint8Array(jpeg.encode({ width, height, data: rgba }, 95).data));
  assert.deepEqual([raster.channels, raster.sampleType], [3, 'uint8']);
  const original = planesOf(rgba, 4, [0, 1, 2]);
  let largest = 0;
  for (let i = 0; i < original.length; i++) largest = Math.max(largest, Math.abs(raster.data[i]! - original[i]!));
  assert.ok(largest <= 6, `largest difference ${largest}`);
});
