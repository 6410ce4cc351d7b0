import { test } from 'node:test';
import assert from 'node:assert/strict';
import { flipsOfTile, makeTiles, padForNetwork } from '../../src/engine/core/tile';
import type { PlanarImage } from '../../src/engine/core/image';

function blank(height: number, width: number, channels = 2): PlanarImage {
  return { width, height, channels, data: new Float32Array(channels * height * width) };
}

/** Distinct values: pixel (c, y, x) holds c * 1e6 + y * 1000 + x. */
function indexed(height: number, width: number, channels = 2): PlanarImage {
  const image = blank(height, width, channels);
  for (let c = 0; c < channels; c++) {
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) image.data[(c * height + y) * width + x] = c * 1e6 + y * 1000 + x;
  }
  return image;
}

const starts = (sub: Array<readonly [number, number]>, every: number, count: number): number[] =>
  Array.from({ length: count }, (_, k) => sub[k * every]![0]);

// Expected starts: np.linspace(0, L - side, n).astype(int) with n as official make_tiles computes it.
const PLAIN: Array<[number, number, number[]]> = [
  [224, 224, [0]],
  [225, 224, [0, 1]],
  [300, 224, [0, 76]],
  [512, 224, [0, 144, 288]],
  [1000, 224, [0, 155, 310, 465, 620, 776]],
  [2064, 224, [0, 167, 334, 501, 669, 836, 1003, 1170, 1338, 1505, 1672, 1840]],
  [1552, 224, [0, 166, 332, 498, 664, 830, 996, 1162, 1328]],
  [160, 160, [0]],
];
const AUGMENTED: Array<[number, number[]]> = [
  [224, [0, 0]],
  [225, [0, 0, 1]],
  [300, [0, 38, 76]],
  [512, [0, 72, 144, 216, 288]],
  [1000, [0, 97, 194, 291, 388, 485, 582, 679, 776]],
  [2064, [0, 102, 204, 306, 408, 511, 613, 715, 817, 920, 1022, 1124, 1226, 1328, 1431, 1533, 1635, 1737, 1840]],
  [1552, [0, 102, 204, 306, 408, 510, 612, 715, 817, 919, 1021, 1123, 1225, 1328]],
  [160, [0, 0]],
];

test('tile counts and starts match official make_tiles (overlap 0.1)', () => {
  for (const [length, side, expected] of PLAIN) {
    const { grid } = makeTiles(blank(length, 32, 1));
    assert.equal(grid.tileHeight, side, `tile side for ${length}`);
    assert.deepEqual(starts(grid.ysub, grid.nx, grid.ny), expected, `row starts for ${length}`);
    const { grid: across } = makeTiles(blank(32, length, 1));
    assert.deepEqual(starts(across.xsub, 1, across.nx), expected, `column starts for ${length}`);
  }
});

test('tile counts and starts match official make_tiles with augmentation (half overlap, 224 tiles)', () => {
  for (const [length, expected] of AUGMENTED) {
    const { grid } = makeTiles(blank(length, 224, 1), { augment: true });
    assert.equal(grid.height, Math.max(length, 224));
    assert.deepEqual([grid.tileHeight, grid.tileWidth], [224, 224]);
    assert.deepEqual(starts(grid.ysub, grid.nx, grid.ny), expected, `row starts for ${length}`);
  }
});

test('the 2040 x 1536 image pads to 2064 x 1552 and gives 12 x 9 tiles of 224', () => {
  const { image, crop } = padForNetwork(blank(2040, 1536, 2));
  assert.deepEqual([image.height, image.width], [2064, 1552]);
  assert.deepEqual(crop, { top: 12, left: 8, height: 2040, width: 1536 });
  const tiles = makeTiles(image);
  assert.deepEqual([tiles.grid.ny, tiles.grid.nx, tiles.count], [12, 9, 108]);
  assert.equal(tiles.data.length, 108 * 2 * 224 * 224);
});

test('padding follows pad_image_ND: multiple of 16 plus 8 each side, odd remainder at the end', () => {
  const { image, crop } = padForNetwork(indexed(225, 17, 1));
  assert.deepEqual([image.height, image.width], [225 + 15 + 16, 17 + 15 + 16]);
  assert.deepEqual(crop, { top: 15, left: 15, height: 225, width: 17 });
  const at = (y: number, x: number): number => image.data[y * image.width + x]!;
  assert.equal(at(16, 16), 1 * 1000 + 1);
  assert.equal(at(15 + 224, 15 + 16), 224 * 1000 + 16);
  assert.equal(at(14, 15), 0);
  assert.equal(at(15 + 225, 15), 0);
});

test('each tile holds its region of the image, channel-major', () => {
  const image = indexed(300, 250, 2);
  const tiles = makeTiles(image);
  const { grid } = tiles;
  const plane = grid.tileHeight * grid.tileWidth;
  for (let k = 0; k < tiles.count; k++) {
    const [y0] = grid.ysub[k]!;
    const [x0] = grid.xsub[k]!;
    for (const [c, y, x] of [[0, 0, 0], [1, 5, 7], [1, 223, 223]] as const) {
      assert.equal(tiles.data[(k * 2 + c) * plane + y * grid.tileWidth + x], c * 1e6 + (y0 + y) * 1000 + (x0 + x));
    }
  }
});

test('augmented tiles are flipped as official: Y on odd columns, X on odd rows', () => {
  assert.deepEqual([flipsOfTile(0, 0), flipsOfTile(0, 1), flipsOfTile(1, 0), flipsOfTile(1, 1)], [
    { flipY: false, flipX: false },
    { flipY: true, flipX: false },
    { flipY: false, flipX: true },
    { flipY: true, flipX: true },
  ]);
  const image = indexed(300, 300, 1);
  const tiles = makeTiles(image, { augment: true });
  const { grid } = tiles;
  const plane = 224 * 224;
  const value = (k: number, y: number, x: number): number => tiles.data[k * plane + y * 224 + x]!;
  // Tile (0, 1) starts at column 38 and is upside down; tile (1, 0) starts at row 38 and is mirrored.
  assert.deepEqual([grid.ysub[1], grid.xsub[1]], [[0, 224], [38, 262]]);
  assert.equal(value(1, 0, 0), 223 * 1000 + 38);
  assert.equal(value(grid.nx, 0, 0), 38 * 1000 + 223);
  assert.equal(value(grid.nx + 1, 0, 0), (38 + 223) * 1000 + 38 + 223);
});

test('augmentation pads a side smaller than 224 with zeros at the end', () => {
  const tiles = makeTiles(indexed(160, 240, 1), { augment: true });
  assert.equal(tiles.grid.height, 224);
  assert.equal(tiles.data[0 * 224 * 224 + 159 * 224 + 5], 159 * 1000 + 5);
  assert.equal(tiles.data[0 * 224 * 224 + 160 * 224 + 5], 0);
});
