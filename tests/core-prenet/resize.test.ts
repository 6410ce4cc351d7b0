import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rescaledSize, resizeBilinear, resizeNearest } from '../../src/engine/core/resize';
import type { PlanarImage } from '../../src/engine/core/image';

// Expected values come from a plain NumPy float32 implementation of OpenCV's INTER_LINEAR formula (and of its
// INTER_AREA 2x fast path), written independently of this code; the sum is a float64 checksum of every output,
// which moves by ~1e-7 if any single output is off by one float32 ulp.

/** value(c, y, x) = float32(((31 y + 17 x + 7 c) mod 23) / 7), the same image the NumPy reference resized. */
function patterned(height: number, width: number, channels: number): PlanarImage {
  const data = new Float32Array(channels * height * width);
  for (let c = 0; c < channels; c++) {
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) data[(c * height + y) * width + x] = ((y * 31 + x * 17 + c * 7) % 23) / 7;
    }
  }
  return { width, height, channels, data };
}

function at(image: PlanarImage, c: number, y: number, x: number): number {
  return image.data[(c * image.height + y) * image.width + x]!;
}

function checksum(image: PlanarImage): number {
  return image.data.reduce((sum, v) => sum + v, 0);
}

test('an exact 2x downscale uses OpenCV INTER_AREA: the float32 mean of each 2x2 block', () => {
  const out = resizeBilinear(patterned(12, 10, 2), 6, 5);
  assert.deepEqual([out.channels, out.height, out.width], [2, 6, 5]);
  // At (0, 0, 0) INTER_LINEAR's arithmetic would give 0.96428573131561279296875 instead.
  assert.equal(at(out, 0, 0, 0), 0.964285790920257568359375);
  assert.equal(at(out, 1, 2, 3), 1.39285719394683837890625);
  assert.equal(at(out, 0, 5, 4), 1.4285714626312255859375);
  assert.equal(at(out, 1, 5, 0), 1.892857074737548828125);
  assert.ok(Math.abs(checksum(out) - 92.750000476837158203125) < 1e-9);
});

test('a 1-channel 2x downscale sums (a + b) + (c + d) where OpenCV runs its SIMD loop, sequentially after it', () => {
  const out = resizeBilinear(patterned(4, 20, 1), 2, 10); // SIMD covers columns 0-7, the scalar tail 8-9
  assert.equal(at(out, 0, 0, 0), 0.96428573131561279296875);
  assert.equal(at(out, 0, 1, 9), 0.964285790920257568359375);
});

test('upscales by 30/17 like cv2.resize INTER_LINEAR', () => {
  const height = rescaledSize(17, 30 / 17);
  const width = rescaledSize(13, 30 / 17);
  assert.deepEqual([height, width], [30, 22]);
  const out = resizeBilinear(patterned(17, 13, 2), height, width);
  assert.equal(at(out, 0, 0, 0), 0);
  assert.equal(at(out, 0, 1, 1), 0.89399349689483642578125);
  assert.equal(at(out, 1, 7, 9), 0.995941579341888427734375);
  assert.equal(at(out, 0, 29, 21), 1.4285714626312255859375);
  assert.equal(at(out, 1, 15, 0), 0.609524309635162353515625);
  assert.equal(at(out, 1, 29, 0), 2.857142925262451171875);
  assert.ok(Math.abs(checksum(out) - 2074.7442245185375213623046875) < 1e-9);
});

test('downscales by 0.7 (not an integer factor) like cv2.resize INTER_LINEAR', () => {
  const out = resizeBilinear(patterned(23, 19, 3), rescaledSize(23, 0.7), rescaledSize(19, 0.7));
  assert.deepEqual([out.height, out.width], [16, 13]);
  assert.equal(at(out, 0, 0, 0), 0.644574224948883056640625);
  assert.equal(at(out, 2, 5, 6), 1.41517865657806396484375);
  assert.equal(at(out, 1, 15, 12), 1.3578298091888427734375);
  assert.equal(at(out, 0, 8, 3), 1.95707416534423828125);
  assert.ok(Math.abs(checksum(out) - 979.740729808807373046875) < 1e-9);
});

test('the same size gives an exact copy, a constant image stays constant', () => {
  const image = patterned(9, 7, 2);
  const copy = resizeBilinear(image, 9, 7);
  assert.deepEqual(copy.data, image.data);
  assert.notEqual(copy.data, image.data);
  const constant: PlanarImage = { width: 7, height: 5, channels: 1, data: new Float32Array(35).fill(0.3) };
  assert.ok(resizeBilinear(constant, 11, 13).data.every((v) => v === Math.fround(0.3)));
});

test('rescaledSize truncates like Python int()', () => {
  assert.equal(rescaledSize(100, 0.999), 99);
  assert.equal(rescaledSize(512, 30 / 17), 903);
  assert.equal(rescaledSize(3, 0.2), 0);
});

test('refuses to resize to zero pixels, with a reason', () => {
  assert.throws(() => resizeBilinear(patterned(3, 3, 1), 0, 3), /at least one pixel/);
});

test('nearest-neighbour resizing of labels matches cv2 INTER_NEAREST', () => {
  const labels = Uint32Array.from({ length: 35 }, (_, i) => i + 1); // 7 x 5
  const up = resizeNearest(labels, 7, 5, 12, 9);
  assert.ok(up instanceof Uint32Array);
  assert.deepEqual(Array.from(up.subarray(0, 18)), [1, 1, 2, 2, 3, 3, 4, 4, 5, 1, 1, 2, 2, 3, 3, 4, 4, 5]);
  assert.deepEqual(Array.from(up.subarray(99)), [31, 31, 32, 32, 33, 33, 34, 34, 35]);
  assert.deepEqual(Array.from(resizeNearest(Uint16Array.from(labels), 7, 5, 3, 2)), [1, 3, 11, 13, 21, 23]);
});
