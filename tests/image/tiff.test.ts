import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeImage } from '../../src/engine/image/decodeImage';
import { ImagePageOutOfRangeError, UnsupportedImageError } from '../../src/engine/image/errors';
import { writeTestTiff, type SampleKind, type TestPage } from './helpers/testTiff';

/** Planar values with structure in x, y and c, so a swapped axis or channel shows. */
function pattern(width: number, height: number, channels: number, value: (c: number, y: number, x: number) => number): number[] {
  const values: number[] = [];
  for (let c = 0; c < channels; c++) for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) values.push(value(c, y, x));
  return values;
}

function page(kind: SampleKind, bits: TestPage['bits'], values: number[], shape: [number, number, number], rest: Partial<TestPage> = {}): TestPage {
  const [channels, height, width] = shape;
  return { width, height, channels, kind, bits, values, ...rest };
}

async function assertDecodesTo(file: Uint8Array, expected: TestPage, sampleType: string): Promise<void> {
  const raster = await decodeImage(file);
  assert.deepEqual([raster.width, raster.height, raster.channels, raster.sampleType], [expected.width, expected.height, expected.channels, sampleType]);
  assert.deepEqual(Array.from(raster.data), Array.from(expected.values));
}

const RGB16 = pattern(37, 23, 3, (c, y, x) => (c * 20000 + y * 700 + x * 13) % 65536);

test('reads the same pixels in either byte order, classic or BigTIFF, strips or tiles, interleaved or planar', async () => {
  for (const littleEndian of [true, false]) {
    for (const bigTiff of [false, true]) {
      for (const layout of [{ rowsPerStrip: 5 }, { tile: { width: 16, height: 16 } }]) {
        for (const planar of [false, true]) {
          const p = page('uint', 16, RGB16, [3, 23, 37], { planar, ...layout });
          await assertDecodesTo(writeTestTiff([p], { littleEndian, bigTiff }), p, 'uint16');
        }
      }
    }
  }
});

test('reads every compression (none, LZW, Deflate, PackBits), with and without horizontal differencing', async () => {
  for (const compression of [1, 5, 8, 32946, 32773] as const) {
    for (const predictor of [1, 2] as const) {
      for (const littleEndian of [true, false]) {
        const p = page('uint', 16, RGB16, [3, 23, 37], { compression, predictor, rowsPerStrip: 7 });
        await assertDecodesTo(writeTestTiff([p], { littleEndian }), p, 'uint16');
      }
    }
  }
});

test('decodes the LZW example of the TIFF 6.0 specification (codes 256 7 258 8 8 258 6 6 257)', async () => {
  const codes = [256, 7, 258, 8, 8, 258, 6, 6, 257];
  const packed = new Uint8Array(Math.ceil((codes.length * 9) / 8));
  codes.forEach((code, i) => {
    for (let b = 0; b < 9; b++) if ((code >> (8 - b)) & 1) packed[(i * 9 + b) >> 3]! |= 0x80 >> ((i * 9 + b) & 7);
  });
  const p = page('uint', 8, [7, 7, 7, 8, 8, 7, 7, 6, 6], [1, 1, 9], { compression: 5, damageChunk: () => packed });
  await assertDecodesTo(writeTestTiff([p]), p, 'uint8');
});

test('reads LZW strips long enough to fill the code table and restart it', async () => {
  const values = pattern(256, 64, 1, (_c, y, x) => (x * 7 + y * 13 + ((x * y) % 11)) % 256);
  const p = page('uint', 8, values, [1, 64, 256], { compression: 5 });
  await assertDecodesTo(writeTestTiff([p]), p, 'uint8');
});

test('reads signed 8-, 16- and 32-bit samples, negative values included', async () => {
  const cases = [
    { bits: 8, sampleType: 'int8', value: (y: number, x: number) => ((y * 31 + x * 17) % 256) - 128 },
    { bits: 16, sampleType: 'int16', value: (y: number, x: number) => (y - 10) * 1000 - x * 31 },
    { bits: 32, sampleType: 'int32', value: (y: number, x: number) => (y - 10) * 100_000_000 + x },
  ] as const;
  for (const { bits, sampleType, value } of cases) {
    for (const predictor of [1, 2] as const) {
      const p = page('int', bits, pattern(19, 21, 1, (_c, y, x) => value(y, x)), [1, 21, 19], { compression: 8, predictor });
      await assertDecodesTo(writeTestTiff([p], { littleEndian: false }), p, sampleType);
    }
  }
});

test('reads unsigned 32-bit labels above 2^31 exactly', async () => {
  const p = page('uint', 32, pattern(9, 4, 1, (_c, y, x) => 4_000_000_000 + y * 9 + x), [1, 4, 9]);
  await assertDecodesTo(writeTestTiff([p]), p, 'uint32');
});

test('reads 32- and 64-bit floating point, with and without the floating-point predictor', async () => {
  const values = pattern(31, 17, 2, (c, y, x) => Math.fround(Math.sin(c + y * 0.3 + x * 0.11) * 1e4 - 0.000123 * x));
  for (const bits of [32, 64] as const) {
    for (const predictor of [1, 3] as const) {
      for (const littleEndian of [true, false]) {
        const p = page('float', bits, values, [2, 17, 31], { compression: 8, predictor, tile: { width: 16, height: 16 } });
        await assertDecodesTo(writeTestTiff([p], { littleEndian }), p, bits === 32 ? 'float32' : 'float64');
      }
    }
  }
});

test('keeps a fourth (alpha) sample as a channel and returns palette images as their indices, as tifffile does', async () => {
  const rgba = page('uint', 8, pattern(5, 3, 4, (c, y, x) => c * 60 + y * 5 + x), [4, 3, 5]);
  await assertDecodesTo(writeTestTiff([rgba]), rgba, 'uint8');
  const indices = page('uint', 8, pattern(5, 3, 1, (_c, y, x) => y * 5 + x), [1, 3, 5], { shortTags: [[262, 3]] });
  await assertDecodesTo(writeTestTiff([indices]), indices, 'uint8');
});

test('decodes the page asked for from a multi-page file, and says how many pages there are', async () => {
  const pages = [
    page('uint', 8, pattern(4, 3, 1, (_c, y, x) => y * 4 + x), [1, 3, 4]),
    page('uint', 16, pattern(6, 2, 2, (c, y, x) => 1000 * c + y * 6 + x), [2, 2, 6], { compression: 8 }),
    page('float', 32, pattern(3, 3, 1, (_c, y, x) => y - x / 2), [1, 3, 3], { planar: true }),
  ];
  for (const bigTiff of [false, true]) {
    const file = writeTestTiff(pages, { littleEndian: false, bigTiff });
    for (const [index, expected] of pages.entries()) {
      const raster = await decodeImage(file, { page: index });
      assert.deepEqual([raster.page, raster.pageCount, raster.width, raster.height, raster.channels], [index, 3, expected.width, expected.height, expected.channels]);
      assert.deepEqual(Array.from(raster.data), expected.values);
    }
    await assert.rejects(decodeImage(file, { page: 3 }), (error: unknown) => {
      assert.ok(error instanceof ImagePageOutOfRangeError);
      assert.equal(error.pageCount, 3);
      assert.match(error.message, /has 3 pages \(numbered 0 to 2\)/);
      return true;
    });
  }
});

test('refuses compressions, bit depths and predictors it does not read, naming them', async () => {
  const grey = (rest: Partial<TestPage>) => writeTestTiff([page('uint', 8, [1, 2, 3, 4], [1, 2, 2], rest)]);
  const cases: [Uint8Array, RegExp][] = [
    [grey({ shortTags: [[259, 7]] }), /compressed with JPEG/],
    [grey({ shortTags: [[259, 50000]] }), /compressed with Zstandard/],
    [grey({ shortTags: [[258, 1]] }), /1-bit unsigned integer samples/],
    [grey({ shortTags: [[258, 16], [339, 3]] }), /16-bit floating-point samples/],
    [grey({ shortTags: [[317, 3]] }), /predictor 3 on uint8 samples/],
    [grey({ shortTags: [[262, 6]] }), /subsampled YCbCr/],
  ];
  for (const [file, message] of cases) {
    await assert.rejects(decodeImage(file), (error: unknown) => {
      assert.ok(error instanceof UnsupportedImageError, String(error));
      assert.equal(error.code, 'IMAGE_UNSUPPORTED');
      assert.match(error.message, message);
      return true;
    });
  }
});
