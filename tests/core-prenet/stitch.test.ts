import { test } from 'node:test';
import assert from 'node:assert/strict';
import { averageTiles, combineTileStyles, cropPadding, stitchTiles, taperMask, unaugmentTiles } from '../../src/engine/core/stitch';
import { flipsOfTile, makeTiles, padForNetwork } from '../../src/engine/core/tile';
import type { PlanarImage } from '../../src/engine/core/image';

/** value(c, y, x) = float32(((31 y + 17 x + 7 c) mod 23) / 7), as in the NumPy reference. */
function patterned(height: number, width: number, channels: number): PlanarImage {
  const data = new Float32Array(channels * height * width);
  for (let c = 0; c < channels; c++) {
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data[(c * height + y) * width + x] = ((y * 31 + x * 17 + c * 7) % 23) / 7;
  }
  return { width, height, channels, data };
}

/** A reproducible pseudo-random image (xorshift32), values in [-1, 1). */
function noise(height: number, width: number, channels: number, seed = 12345): PlanarImage {
  const data = new Float32Array(channels * height * width);
  let state = seed;
  for (let i = 0; i < data.length; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    data[i] = (state >>> 0) / 2 ** 31 - 1;
  }
  return { width, height, channels, data };
}

/** What a flow network does to a flipped tile: dY (channel 0) changes sign under a Y flip, dX under an X flip. */
function flowNetwork(tiles: ReturnType<typeof makeTiles>): Float32Array {
  const { grid, channels } = tiles;
  const plane = grid.tileHeight * grid.tileWidth;
  const out = tiles.data.slice();
  for (let k = 0; k < tiles.count; k++) {
    const { flipY, flipX } = grid.augmented ? flipsOfTile(Math.floor(k / grid.nx), k % grid.nx) : { flipY: false, flipX: false };
    if (flipY) for (let p = 0; p < plane; p++) out[k * channels * plane + p]! *= -1;
    if (flipX) for (let p = 0; p < plane; p++) out[(k * channels + 1) * plane + p]! *= -1;
  }
  return out;
}

function maxRelativeError(actual: Float32Array, expected: Float32Array): number {
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!) / Math.max(1e-3, Math.abs(expected[i]!)));
  }
  return worst;
}

test('taper mask values match official _taper_mask', () => {
  const close = (actual: number, expected: number): void => assert.ok(Math.abs(actual - expected) <= 4e-16 * expected, `${actual} vs ${expected}`);
  const full = taperMask(224, 224);
  for (const [y, x, expected] of [
    [0, 0, 0.004780121167573313],
    [0, 111, 0.0691380725473421],
    [111, 111, 0.9999899391647015],
    [10, 20, 0.1135766491367591],
    [223, 223, 0.004780121167573313],
    [92, 5, 0.12637408220693472],
    [30, 200, 0.49301780450697336],
  ] as const) close(full[y * 224 + x]!, expected);
  const cropped = taperMask(160, 208); // the central 160 x 208 of the 224 x 224 mask
  for (const [y, x, expected] of [
    [0, 0, 0.1493062035156649],
    [0, 103, 0.8411266638687422],
    [79, 103, 0.9999899391647015],
    [159, 207, 0.1493062035156649],
    [5, 150, 0.9094913125056284],
  ] as const) close(cropped[y * 208 + x]!, expected);
  const odd = taperMask(96, 33);
  close(odd[0]!, 0.9973202961652344);
  close(odd[95 * 33 + 32]!, 0.9973150089638692);
});

test('averaging overlapping tiles reproduces official average_tiles arithmetic', () => {
  const tiles = makeTiles(patterned(240, 230, 3)); // 2 x 2 tiles of 224, overlapping
  const plane = 224 * 224;
  const outputs = tiles.data.slice();
  for (let k = 0; k < tiles.count; k++) for (let i = 0; i < 3 * plane; i++) outputs[k * 3 * plane + i] = outputs[k * 3 * plane + i]! + 0.5 * k;
  const averaged = averageTiles(outputs, tiles.grid);
  const at = (c: number, y: number, x: number): number => averaged.data[(c * 240 + y) * 230 + x]!;
  // From NumPy: official make_tiles / average_tiles on the same tiles, each offset by 0.5 * tile index.
  assert.equal(at(0, 100, 100), 3.03567028045654296875);
  assert.equal(at(1, 10, 5), 1.57142841815948486328125);
  assert.equal(at(2, 120, 115), 1.89285767078399658203125);
  assert.equal(at(0, 239, 229), 2.78571414947509765625);
  assert.equal(at(1, 200, 3), 0.888035833835601806640625);
  const sum = averaged.data.reduce((s, v) => s + v, 0);
  assert.ok(Math.abs(sum - 384428.57225297391414642333984375) < 2e-7, `checksum ${sum}`);
});

test('stitching identical constant tiles gives the constant back', () => {
  const { image, crop } = padForNetwork(patterned(500, 470, 2));
  const tiles = makeTiles(image);
  const outputs = new Float32Array(tiles.count * 3 * 224 * 224).fill(0.7);
  const stitched = stitchTiles(outputs, tiles.grid, crop);
  assert.deepEqual([stitched.channels, stitched.height, stitched.width], [3, 500, 470]);
  assert.ok(maxRelativeError(stitched.data, new Float32Array(stitched.data.length).fill(0.7)) < 1e-6);
});

for (const augment of [false, true]) {
  for (const [height, width] of [[500, 470], [150, 100]] as const) {
    test(`tiles cut from an image stitch back to that image (${height} x ${width}, augment ${augment})`, () => {
      const original = noise(height, width, 3);
      const { image, crop } = padForNetwork(original);
      const tiles = makeTiles(image, { augment });
      const stitched = stitchTiles(flowNetwork(tiles), tiles.grid, crop);
      assert.deepEqual([stitched.height, stitched.width], [height, width]);
      const error = maxRelativeError(stitched.data, original.data);
      assert.ok(error < 1e-6, `max relative error ${error}`);
    });
  }
}

test('un-augmenting flips each tile back and negates the flipped flow component', () => {
  const original = noise(300, 300, 3);
  const tiles = makeTiles(original, { augment: true });
  const restored = unaugmentTiles(flowNetwork(tiles), tiles.grid);
  const plane = 224 * 224;
  const k = tiles.grid.nx + 1; // row 1, column 1: flipped in both Y and X
  const [y0] = tiles.grid.ysub[k]!;
  const [x0] = tiles.grid.xsub[k]!;
  for (const [c, y, x] of [[0, 0, 0], [1, 10, 200], [2, 223, 5]] as const) {
    assert.equal(restored[(k * 3 + c) * plane + y * 224 + x], original.data[(c * 300 + y0 + y) * 300 + x0 + x]);
  }
});

test('cropping keeps the original region of the padded image', () => {
  const original = patterned(37, 41, 2);
  const { image, crop } = padForNetwork(original);
  assert.deepEqual(cropPadding(image, crop).data, original.data);
});

test('tile outputs that do not fit the grid are refused', () => {
  const tiles = makeTiles(patterned(64, 64, 2));
  assert.throws(() => averageTiles(new Float32Array(64 * 64 * 3 + 1), tiles.grid), { name: 'TileOutputShapeError' });
  assert.throws(() => combineTileStyles(new Float32Array(255), 2), { name: 'TileOutputShapeError' });
});

/** style[t][k] = float32(((37 t + 11 k) mod 101) / 101 - 0.45), as in the NumPy reference. */
function tileStyles(count: number): Float32Array {
  const styles = new Float32Array(count * 256);
  for (let t = 0; t < count; t++) for (let k = 0; k < 256; k++) styles[t * 256 + k] = ((t * 37 + k * 11) % 101) / 101 - 0.45;
  return styles;
}

test('tile styles combine as in official _run_tiled and run_net, batch by batch', () => {
  // From NumPy: per-batch float32 sums of 8 tiles, / tile count, L2-normalised twice (NumPy 1.x casting).
  const expected: Array<[number, Record<number, number>]> = [
    [12, { 0: -0.020535822957754135, 1: 0.007884291000664234, 2: 0.03630441799759865, 3: 0.06472453474998474, 50: 0.011551400646567345, 100: 0.13623321056365967, 128: 0.09864531457424164, 200: 0.10781309008598328, 254: 0.06839164346456528, 255: 0.09681175649166107 }],
    [108, { 0: 0.05242149531841278, 1: 0.06218552961945534, 2: 0.05914219096302986, 3: 0.05609885975718498, 50: 0.06675054132938385, 100: 0.0682721957564354, 128: 0.05990302935242653, 200: 0.07131554931402206, 254: 0.0606638640165329, 255: 0.07042790949344635 }],
  ];
  for (const [count, values] of expected) {
    const style = combineTileStyles(tileStyles(count), count);
    for (const [k, value] of Object.entries(values)) assert.equal(style[Number(k)], value, `tiles ${count}, entry ${k}`);
  }
  const oneBatch = combineTileStyles(tileStyles(108), 108, 108);
  assert.ok(oneBatch.some((v, k) => v !== combineTileStyles(tileStyles(108), 108)[k]), 'the batch size sets the float32 summation order');
});
