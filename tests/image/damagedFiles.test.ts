import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encode as encodePngWithFastPng } from 'fast-png';
import jpeg from 'jpeg-js';
import { writeGreyBlockJpeg } from './helpers/testJpeg';
import { FileFormatError, InvalidSettingError } from '../../src/engine/errors';
import { decodeImage } from '../../src/engine/image/decodeImage';
import { ImageTooLargeError, UnsupportedImageError } from '../../src/engine/image/errors';
import { DEFAULT_IMAGE_LIMITS } from '../../src/engine/image/limits';
import { readShared } from '../helpers/shared';
import { writeHeaderOnlyTiff, writeTestTiff, type TestPage } from './helpers/testTiff';

function smallPng(): Uint8Array {
  return encodePngWithFastPng({ width: 2, height: 2, channels: 1, depth: 8, data: Uint8Array.from([1, 2, 3, 4]) });
}

/** A PNG whose header declares another size than the pixels it holds. */
function pngDeclaring(width: number, height: number): Uint8Array {
  const bytes = smallPng();
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  view.setUint32(16, width);
  view.setUint32(20, height);
  return bytes;
}

function smallRgbJpeg(): Uint8Array {
  const width = 32;
  const height = 24;
  const rgba = new Uint8Array(width * height * 4).map((_, i) => (i % 4 === 3 ? 255 : (i * 7) % 256));
  return new Uint8Array(jpeg.encode({ width, height, data: rgba }, 90).data);
}

/** A JPEG whose frame header declares another size than the pixels it holds. */
function jpegDeclaring(width: number, height: number): Uint8Array {
  const bytes = smallRgbJpeg();
  const sof = bytes.findIndex((b, i) => b === 0xff && bytes[i + 1] === 0xc0);
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  view.setUint16(sof + 5, height);
  view.setUint16(sof + 7, width);
  return bytes;
}

function assertTruncated(error: unknown): true {
  assert.ok(error instanceof FileFormatError, String(error));
  assert.equal(error.code, 'FILE_FORMAT');
  assert.equal(error.details.truncated, true);
  assert.match(error.message, /ends early|stops before all its pixels/);
  assert.match(error.message, /copy it again/);
  return true;
}

test('refuses TIFF, PNG and JPEG files cut short anywhere, saying the file ends early', async () => {
  const files: [string, Uint8Array][] = [
    ['big-endian RGB TIFF (ImageJ)', readShared('images', 'webgpu-cellseg', 'Composite.tif')],
    ['Deflate label TIFF in 8 strips', readShared('images', 'neurips22-cellseg', 'cell_00849_label.tiff')],
    ['3-page TIFF', readShared('images', 'cellpose-bmz-wrapper', 'test_images.tif')],
    ['uint32 mask TIFF', readShared('reference', 'np_00528.auto.masks.tif')],
    ['RGB PNG', readShared('images', 'neurips22-cellseg', 'cell_00849.png')],
    ['16-bit grey PNG', readShared('images', 'scellseg-contrast_data', 'Kc167', '095_masks.png')],
    ['JPEG', smallRgbJpeg()],
  ];
  for (const [name, bytes] of files) {
    for (const cut of [8, 40, 0.25, 0.5, 0.9, -1]) {
      const length = cut === -1 ? bytes.length - 1 : cut < 1 ? Math.floor(bytes.length * cut) : cut;
      await assert.rejects(decodeImage(bytes.subarray(0, length)), assertTruncated, `${name} cut to ${length} bytes`);
    }
  }
});

test('refuses compressed strips whose data stops before all their pixels', async () => {
  const values = Array.from({ length: 64 * 32 }, (_, i) => (i * 37) % 251);
  for (const compression of [5, 8, 32773] as const) {
    const page: TestPage = {
      width: 64,
      height: 32,
      channels: 1,
      kind: 'uint',
      bits: 8,
      values,
      compression,
      rowsPerStrip: 8,
      damageChunk: (stored, index) => (index === 2 ? stored.subarray(0, stored.length >> 1) : stored),
    };
    await assert.rejects(decodeImage(writeTestTiff([page])), (error: unknown) => {
      assertTruncated(error);
      assert.match((error as Error).message, /data of strip 3 of 4 on page 0 stops before all its pixels/);
      return true;
    });
  }
});

test('refuses a header declaring 100000 x 100000 pixels before allocating anything', async () => {
  const declaring = [writeHeaderOnlyTiff(100_000, 100_000), pngDeclaring(100_000, 100_000), jpegDeclaring(60_000, 60_000)];
  for (const bytes of declaring) {
    const before = process.memoryUsage().arrayBuffers;
    await assert.rejects(decodeImage(bytes), (error: unknown) => {
      assert.ok(error instanceof ImageTooLargeError, String(error));
      assert.equal(error.code, 'IMAGE_TOO_LARGE');
      assert.match(error.message, /declares an image of (100,000 x 100,000|60,000 x 60,000) pixels/);
      assert.match(error.message, /up to 65,535 pixels on a side|up to 268,435,456 pixels/);
      return true;
    });
    assert.ok(process.memoryUsage().arrayBuffers - before < 16 * 2 ** 20, 'no pixel buffer was allocated');
  }
  // 20000 x 20000 would fit in memory: refused by the limit, not by running out of file.
  await assert.rejects(decodeImage(writeHeaderOnlyTiff(20_000, 20_000)), ImageTooLargeError);
  // A small image in one enormous tile would need the whole tile decoded.
  const hugeTile = writeTestTiff([
    { width: 4, height: 4, channels: 1, kind: 'uint', bits: 8, values: new Uint8Array(16), tile: { width: 16, height: 16 }, shortTags: [[322, 60_000], [323, 60_000]] },
  ]);
  await assert.rejects(decodeImage(hugeTile), /stores its 4 x 4 image in tiles of 60000 x 60000 pixels/);
});

test('applies the limits given: side, pixels and decoded bytes, each named in the refusal', async () => {
  const bytes = readShared('images', 'neurips22-cellseg', 'cell_00849.png'); // 512 x 512, RGB, 8-bit
  const cases: [Partial<typeof DEFAULT_IMAGE_LIMITS>, RegExp][] = [
    [{ maxSide: 500 }, /up to 500 pixels on a side/],
    [{ maxPixels: 512 * 511 }, /512 x 512 pixels \(262,144 pixels\); CellDesk opens images of up to 261,632 pixels/],
    [{ maxBytes: 2 ** 19 }, /with 3 channels of 8-bit samples, 768\.0 KiB once decoded; CellDesk decodes at most 512\.0 KiB/],
  ];
  for (const [override, message] of cases) {
    await assert.rejects(decodeImage(bytes, { limits: { ...DEFAULT_IMAGE_LIMITS, ...override } }), (error: unknown) => {
      assert.ok(error instanceof ImageTooLargeError);
      assert.match(error.message, message);
      return true;
    });
  }
  const raster = await decodeImage(bytes, { limits: { maxSide: 512, maxPixels: 512 * 512, maxBytes: 3 * 512 * 512 } });
  assert.equal(raster.width, 512);
});

test('refuses an image declaring zero width or height as a damaged file', async () => {
  for (const bytes of [writeHeaderOnlyTiff(0, 512), writeHeaderOnlyTiff(512, 0), pngDeclaring(0, 5), jpegDeclaring(32, 0)]) {
    await assert.rejects(decodeImage(bytes), (error: unknown) => {
      assert.ok(error instanceof FileFormatError, String(error));
      assert.match(error.message, /declares an image of (0 x 512|512 x 0|0 x 5|32 x 0) pixels, so it holds no pixels/);
      return true;
    });
  }
});

test('refuses bytes that are not a supported image, naming the format when it is a known one', async () => {
  const garbage = Uint8Array.from({ length: 1000 }, (_, i) => (i * 131 + 7) % 256);
  const cases: [Uint8Array, RegExp][] = [
    [garbage, /not a supported image: CellDesk reads TIFF, PNG and JPEG files\. Its first bytes match none/],
    [new Uint8Array(0), /empty/],
    [new TextEncoder().encode('ZISRAWFILE and then some'), /looks like a Zeiss CZI file/],
    [readShared('reference', 'net.odd_160x208.input.npy'), /looks like a NumPy \.npy file/],
  ];
  for (const [bytes, message] of cases) {
    await assert.rejects(decodeImage(bytes), (error: unknown) => {
      assert.ok(error instanceof UnsupportedImageError, String(error));
      assert.match(error.message, message);
      return true;
    });
  }
});

test('refuses a page other than 0 of a PNG or JPEG, and a page number that is not a whole number', async () => {
  await assert.rejects(decodeImage(smallPng(), { page: 1 }), /this PNG file has only one page \(page 0\)/);
  await assert.rejects(decodeImage(smallRgbJpeg(), { page: 2 }), /this JPEG file has only one page/);
  await assert.rejects(decodeImage(smallPng(), { page: -1 }), InvalidSettingError);
  await assert.rejects(decodeImage(smallPng(), { page: 0.5 }), InvalidSettingError);
});

test('stops decoding when its signal is aborted', async () => {
  const controller = new AbortController();
  controller.abort();
  await assert.rejects(decodeImage(smallPng(), { signal: controller.signal }), { name: 'AbortError' });

  // 8 MiB in 2048 strips: the decoder lets the event loop run after every 4 MiB, so an abort sent meanwhile is seen.
  const width = 2048;
  const height = 2048;
  const values = new Uint16Array(width * height).map((_, i) => i % 65521);
  const file = writeTestTiff([{ width, height, channels: 1, kind: 'uint', bits: 16, values, rowsPerStrip: 1 }]);
  const during = new AbortController();
  setTimeout(() => during.abort(), 0);
  await assert.rejects(decodeImage(file, { signal: during.signal }), { name: 'AbortError' });
  const untouched = await decodeImage(file, { signal: new AbortController().signal });
  assert.equal(untouched.data[width * height - 1], (width * height - 1) % 65521);
});

test('a JPEG far too short for the pixels its header declares is refused before decoding (found by fuzzing: one declaring 65535 rows took seconds)', async () => {
  for (const [width, height] of [[4000, 4000], [160, 65535]] as const) {
    const before = process.memoryUsage().arrayBuffers;
    await assert.rejects(decodeImage(jpegDeclaring(width, height)), (error: unknown) => {
      assert.ok(error instanceof FileFormatError, String(error));
      assert.match(error.message, new RegExp(`declares ${width.toLocaleString('en-US')} x ${height.toLocaleString('en-US')} pixels but is far too short to hold them`));
      return true;
    });
    assert.ok(process.memoryUsage().arrayBuffers - before < 16 * 2 ** 20, 'no pixel buffer was allocated');
  }
  // The leanest real encoding (flat blocks: a DC code and an end-of-block, 5 bits a block) still decodes.
  const flat = writeGreyBlockJpeg(512, 512, new Array<number>(64 * 64).fill(100));
  assert.deepEqual((await decodeImage(flat)).data.slice(0, 3), Uint8Array.of(100, 100, 100));
});
