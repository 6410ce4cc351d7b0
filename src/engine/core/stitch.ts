// Reassembles the network's tile outputs into one image and one style (transforms.average_tiles & co); pure.
import { CellDeskError } from '../errors';
import type { PlanarImage, Region } from './image';
import { type PaddingCrop, type TileGrid, flipsOfTile } from './tile';

/** The network's outputs do not fit the tiles that were sent to it. */
export class TileOutputShapeError extends CellDeskError {
  constructor(what: string, received: number, expected: string) {
    super(
      'TILE_OUTPUT_SHAPE',
      `The network returned ${received} ${what} values, where ${expected} were expected for the tiles it was given. ` +
        'The model file may not be a Cellpose network.',
      { what, received, expected },
    );
  }
}

/**
 * Official `transforms._taper_mask(ly, lx, sig=7.5)` in float64: w(x) = 1 / (1 + exp((|x - c| - (B/2 - 20)) / 7.5))
 * over B = max(224, ly, lx) points centred at c = (B - 1) / 2, the outer product cropped to the central ly x lx.
 * Row-major Float64Array of ly * lx. (Math.exp and NumPy's exp may differ in the last bit of a float64.)
 */
export function taperMask(ly: number, lx: number): Float64Array {
  const bsize = Math.max(224, ly, lx);
  const centre = (bsize - 1) / 2;
  const profile = new Float64Array(bsize);
  for (let k = 0; k < bsize; k++) profile[k] = 1 / (1 + Math.exp((Math.abs(k - centre) - (bsize / 2 - 20)) / 7.5));
  const top = Math.floor(bsize / 2) - Math.floor(ly / 2);
  const left = Math.floor(bsize / 2) - Math.floor(lx / 2);
  const mask = new Float64Array(ly * lx);
  for (let y = 0; y < ly; y++) {
    const rowWeight = profile[top + y]!;
    for (let x = 0; x < lx; x++) mask[y * lx + x] = profile[left + x]! * rowWeight;
  }
  return mask;
}

/**
 * Official `transforms.unaugment_tiles`: flips each augmented tile back (see `flipsOfTile`) and negates dY (output
 * channel 0) where it was flipped in Y and dX (channel 1) where it was flipped in X. `outputs` holds the tiles
 * `indices` of the grid (all of them by default), in that order. Returns a new array.
 */
export function unaugmentTiles(outputs: Float32Array, grid: TileGrid, indices: readonly number[] = allTiles(grid)): Float32Array {
  const { tileHeight, tileWidth } = grid;
  const plane = tileHeight * tileWidth;
  const outChannels = outputChannels(outputs, grid, indices.length);
  const result = new Float32Array(outputs.length);
  indices.forEach((k, slot) => {
    const { flipY, flipX } = flipsOfTile(Math.floor(k / grid.nx), k % grid.nx);
    const tileStart = slot * outChannels * plane;
    for (let c = 0; c < outChannels; c++) {
      const sign = (c === 0 && flipY) || (c === 1 && flipX) ? -1 : 1;
      const start = tileStart + c * plane;
      for (let y = 0; y < tileHeight; y++) {
        const from = start + (flipY ? tileHeight - 1 - y : y) * tileWidth;
        const to = start + y * tileWidth;
        for (let x = 0; x < tileWidth; x++) result[to + x] = sign * outputs[from + (flipX ? tileWidth - 1 - x : x)]!;
      }
    }
  });
  return result;
}

/**
 * Official `transforms.average_tiles`: the taper-weighted mean of the overlapping tile outputs over the tiled image
 * (grid.height x grid.width). As in NumPy, each weighted tile is added in float64 and stored in the float32 sum,
 * the weights are summed in float64, and the quotient is rounded to float32.
 */
export function averageTiles(outputs: Float32Array, grid: TileGrid): PlanarImage {
  return averageTilesRegion(outputs, grid, allTiles(grid), { top: 0, left: 0, height: grid.height, width: grid.width });
}

/**
 * averageTiles over `region` of the tiled image alone, from the outputs of the tiles `indices` (in tile order; every
 * tile overlapping the region among them): each pixel adds the same tiles in the same order, so the same values.
 */
export function averageTilesRegion(outputs: Float32Array, grid: TileGrid, indices: readonly number[], region: Region): PlanarImage {
  const { tileHeight, tileWidth } = grid;
  const { height, width } = region;
  const plane = tileHeight * tileWidth;
  const outChannels = outputChannels(outputs, grid, indices.length);
  const mask = taperMask(tileHeight, tileWidth);
  const sum = new Float32Array(outChannels * height * width);
  const weight = new Float64Array(height * width);
  indices.forEach((k, slot) => {
    // The part of the tile inside the region, in tile coordinates.
    const [y0] = grid.ysub[k]!;
    const [x0] = grid.xsub[k]!;
    const yFrom = Math.max(0, region.top - y0);
    const yTo = Math.min(tileHeight, region.top + height - y0);
    const xFrom = Math.max(0, region.left - x0);
    const xTo = Math.min(tileWidth, region.left + width - x0);
    for (let c = 0; c < outChannels; c++) {
      const tile = (slot * outChannels + c) * plane;
      const target = c * height * width;
      for (let y = yFrom; y < yTo; y++) {
        const row = target + (y0 + y - region.top) * width + x0 - region.left;
        for (let x = xFrom; x < xTo; x++) sum[row + x] = sum[row + x]! + outputs[tile + y * tileWidth + x]! * mask[y * tileWidth + x]!;
      }
    }
    for (let y = yFrom; y < yTo; y++) {
      const row = (y0 + y - region.top) * width + x0 - region.left;
      for (let x = xFrom; x < xTo; x++) weight[row + x] = weight[row + x]! + mask[y * tileWidth + x]!;
    }
  });
  for (let c = 0; c < outChannels; c++) {
    const offset = c * height * width;
    for (let p = 0; p < height * width; p++) sum[offset + p] = sum[offset + p]! / weight[p]!;
  }
  return { width, height, channels: outChannels, data: sum };
}

function allTiles(grid: TileGrid): number[] {
  return Array.from({ length: grid.ysub.length }, (_, k) => k);
}

/** The original image's region of a padded (and stitched) image: official run_net's `y[slc]`. */
export function cropPadding(image: PlanarImage, crop: PaddingCrop): PlanarImage {
  const { top, left, height, width } = crop;
  const data = new Float32Array(image.channels * height * width);
  for (let c = 0; c < image.channels; c++) {
    for (let y = 0; y < height; y++) {
      const from = (c * image.height + top + y) * image.width + left;
      data.set(image.data.subarray(from, from + width), (c * height + y) * width);
    }
  }
  return { width, height, channels: image.channels, data };
}

/**
 * The network's tile outputs [count, 3, tileHeight, tileWidth] back to one [3, H, W] map of the image that was
 * padded (official `_run_tiled` then run_net's crop): un-augment if the tiles were augmented, average, crop.
 */
export function stitchTiles(outputs: Float32Array, grid: TileGrid, crop: PaddingCrop): PlanarImage {
  const tiles = grid.augmented ? unaugmentTiles(outputs, grid) : outputs;
  return cropPadding(averageTiles(tiles, grid), crop);
}

/**
 * The image's style vector from the per-tile styles [count, 256] (row-major, tile order): as official `_run_tiled`,
 * each batch's styles are summed in float32, the batch sums added, divided by the tile count and L2-normalised;
 * `run_net` then normalises once more. `batchSize` must be the batch size the tiles were run with (8 in Cellpose),
 * because it sets the order of the float32 additions. See [Note: numpy 1.x arithmetic] in normalize.ts.
 */
export function combineTileStyles(styles: Float32Array, tileCount: number, batchSize = 8): Float32Array {
  if (!(tileCount > 0) || styles.length % tileCount !== 0) {
    throw new TileOutputShapeError('style', styles.length, `a multiple of ${tileCount} (one style per tile)`);
  }
  const size = styles.length / tileCount;
  const total = new Float32Array(size);
  const batch = new Float32Array(size);
  for (let start = 0; start < tileCount; start += batchSize) {
    batch.fill(0);
    for (let t = start; t < Math.min(start + batchSize, tileCount); t++) {
      for (let k = 0; k < size; k++) batch[k] = batch[k]! + styles[t * size + k]!;
    }
    for (let k = 0; k < size; k++) total[k] = total[k]! + batch[k]!;
  }
  for (let k = 0; k < size; k++) total[k] = total[k]! / tileCount;
  normalizeL2(total); // _run_tiled
  normalizeL2(total); // run_net
  return total;
}

/** `v /= (v**2).sum()**0.5` on float32 v: NumPy's pairwise float32 sum of squares; the float64 root is rounded to float32 for the division. */
function normalizeL2(values: Float32Array): void {
  const squares = new Float32Array(values.length);
  for (let k = 0; k < values.length; k++) squares[k] = values[k]! * values[k]!;
  const norm = Math.fround(Math.sqrt(pairwiseSumFloat32(squares, 0, squares.length)));
  for (let k = 0; k < values.length; k++) values[k] = values[k]! / norm;
}

/** NumPy's float32 pairwise summation (`pairwise_sum` in loops_utils.h.src) of values[start, start + length). */
function pairwiseSumFloat32(values: Float32Array, start: number, length: number): number {
  const f = Math.fround;
  if (length < 8) {
    let sum = 0;
    for (let i = 0; i < length; i++) sum = f(sum + values[start + i]!);
    return sum;
  }
  if (length <= 128) {
    const r = values.slice(start, start + 8);
    let i = 8;
    for (; i < length - (length % 8); i += 8) {
      for (let k = 0; k < 8; k++) r[k] = r[k]! + values[start + i + k]!;
    }
    let sum = f(f(f(r[0]! + r[1]!) + f(r[2]! + r[3]!)) + f(f(r[4]! + r[5]!) + f(r[6]! + r[7]!)));
    for (; i < length; i++) sum = f(sum + values[start + i]!);
    return sum;
  }
  let half = Math.floor(length / 2);
  half -= half % 8;
  return f(pairwiseSumFloat32(values, start, half) + pairwiseSumFloat32(values, start + half, length - half));
}

/** The number of output channels per tile, checked against the number of tiles given. */
function outputChannels(outputs: Float32Array, grid: TileGrid, tiles: number): number {
  const perChannel = tiles * grid.tileHeight * grid.tileWidth;
  if (outputs.length === 0 || outputs.length % perChannel !== 0) {
    throw new TileOutputShapeError('tile output', outputs.length, `a multiple of ${perChannel} (${tiles} tiles of ${grid.tileHeight} x ${grid.tileWidth})`);
  }
  return outputs.length / perChannel;
}
