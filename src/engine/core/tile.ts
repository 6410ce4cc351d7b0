// Pads an image for the network and cuts it into overlapping tiles (core.run_net / _run_tiled); pure, runs anywhere.
import { InvalidSettingError } from '../errors';
import type { ImageWindow, PlanarImage, Region } from './image';

/** Where the original image lies inside the padded one (official run_net's `slc`). */
export interface PaddingCrop {
  top: number;
  left: number;
  height: number;
  width: number;
}

/** Official `transforms.pad_image_ND(img, div=16, extra=1)`: zero padding to a multiple of 16 plus 8 pixels a side. */
export function padForNetwork(image: PlanarImage): { image: PlanarImage; crop: PaddingCrop } {
  const [top, bottom] = paddingFor(image.height);
  const [left, right] = paddingFor(image.width);
  const height = image.height + top + bottom;
  const width = image.width + left + right;
  const data = new Float32Array(image.channels * height * width);
  for (let c = 0; c < image.channels; c++) {
    for (let y = 0; y < image.height; y++) {
      const from = (c * image.height + y) * image.width;
      data.set(image.data.subarray(from, from + image.width), (c * height + top + y) * width + left);
    }
  }
  return {
    image: { width, height, channels: image.channels, data },
    crop: { top, left, height: image.height, width: image.width },
  };
}

/** Padding before and after one axis: 8 + Lpad // 2 and 8 + Lpad - Lpad // 2, Lpad = 16 * ceil(L / 16) - L. */
export function paddingFor(length: number): [number, number] {
  const div = 16;
  const missing = div * Math.ceil(length / div) - length;
  const half = Math.floor(missing / 2);
  return [div / 2 + half, div / 2 + missing - half];
}

export interface TileOptions {
  /** Tile side (official bsize), 224 in Cellpose. */
  bsize?: number;
  /** Fraction of tile overlap without augmentation, clamped to [0.05, 0.5] as official; 0.1 by default. */
  tileOverlap?: number;
  /** Test-time augmentation: tiles overlap by half and odd tiles are flipped. */
  augment?: boolean;
}

/** Where each tile of a batch came from. Tile k is grid row floor(k / nx), column k % nx. */
export interface TileGrid extends TileLayout {
  /** Per tile, [start, end) rows and columns (official ysub, xsub). */
  ysub: Array<readonly [number, number]>;
  xsub: Array<readonly [number, number]>;
  augmented: boolean;
}

export interface Tiles {
  /** Float32 batch [count, channels, tileHeight, tileWidth], ready for the network in slices of any batch size. */
  data: Float32Array;
  count: number;
  channels: number;
  grid: TileGrid;
}

/** How an image is cut into tiles: grid, tile size, and the size of the tiled image (see makeTiles). */
export interface TileLayout {
  ny: number;
  nx: number;
  tileHeight: number;
  tileWidth: number;
  /** Size of the tiled image (official Ly, Lx): the input size, or bsize where augmentation padded a smaller side. */
  height: number;
  width: number;
}

/**
 * The tiles `makeTiles` cuts from an image of this size, without cutting them. Without augmentation: per axis n = 1
 * if L <= bsize, else ceil((1 + 2 * overlap) * L / bsize), tiles of min(bsize, L). With augmentation: sides below
 * bsize are zero-padded to bsize, n = max(2, ceil(2 * L / bsize)).
 */
export function tileLayout(imageHeight: number, imageWidth: number, options: TileOptions = {}): TileLayout {
  const bsize = options.bsize ?? 224;
  const augment = options.augment ?? false;
  if (!Number.isInteger(bsize) || bsize < 1) throw new InvalidSettingError(`The tile size must be a positive whole number; got ${bsize}.`);
  if (!Number.isFinite(options.tileOverlap ?? 0.1)) {
    throw new InvalidSettingError(`The tile overlap must be a fraction between 0.05 and 0.5; got ${options.tileOverlap}.`);
  }
  const height = augment ? Math.max(imageHeight, bsize) : imageHeight;
  const width = augment ? Math.max(imageWidth, bsize) : imageWidth;
  if (augment) {
    return { ny: Math.max(2, Math.ceil((2 * height) / bsize)), nx: Math.max(2, Math.ceil((2 * width) / bsize)), tileHeight: bsize, tileWidth: bsize, height, width };
  }
  const overlap = Math.min(0.5, Math.max(0.05, options.tileOverlap ?? 0.1));
  return {
    ny: height <= bsize ? 1 : Math.ceil(((1 + 2 * overlap) * height) / bsize),
    nx: width <= bsize ? 1 : Math.ceil(((1 + 2 * overlap) * width) / bsize),
    tileHeight: Math.min(bsize, height),
    tileWidth: Math.min(bsize, width),
    height,
    width,
  };
}

/**
 * Official `transforms.make_tiles`, with the layout of `tileLayout`: tiles start at linspace(0, L - side, n)
 * truncated; with augmentation the tile in grid row j, column i is flipped as `flipsOfTile(j, i)` says.
 */
export function makeTiles(image: PlanarImage, options: TileOptions = {}): Tiles {
  const grid = tileGrid(image.height, image.width, options);
  const all = Array.from({ length: grid.ny * grid.nx }, (_, k) => k);
  return { data: cutTiles({ image, top: 0, left: 0 }, image.height, image.width, grid, all), count: all.length, channels: image.channels, grid };
}

/** The grid of tiles makeTiles lays over a height x width image (tileLayout's, each tile placed), without cutting them. */
export function tileGrid(imageHeight: number, imageWidth: number, options: TileOptions = {}): TileGrid {
  const { ny, nx, tileHeight, tileWidth, height, width } = tileLayout(imageHeight, imageWidth, options);
  const ystart = linspaceStarts(height - tileHeight, ny);
  const xstart = linspaceStarts(width - tileWidth, nx);
  const ysub: Array<readonly [number, number]> = [];
  const xsub: Array<readonly [number, number]> = [];
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      ysub.push([ystart[j]!, ystart[j]! + tileHeight]);
      xsub.push([xstart[i]!, xstart[i]! + tileWidth]);
    }
  }
  return { ny, nx, tileHeight, tileWidth, height, width, ysub, xsub, augmented: options.augment ?? false };
}

/**
 * The tiles `indices` of `grid` (laid over an imageHeight x imageWidth image), flipped as augmentation wants, as a
 * batch [indices.length, channels, tileHeight, tileWidth]; `source` is a window of the image that holds every pixel
 * of those tiles inside the image (beyond it, augmentation's padding, they are 0).
 */
export function cutTiles(source: ImageWindow, imageHeight: number, imageWidth: number, grid: TileGrid, indices: readonly number[]): Float32Array {
  const { image } = source;
  const { channels } = image;
  const { tileHeight, tileWidth, nx } = grid;
  const tilePlane = tileHeight * tileWidth;
  const data = new Float32Array(indices.length * channels * tilePlane);
  indices.forEach((k, slot) => {
    const y0 = grid.ysub[k]![0];
    const x0 = grid.xsub[k]![0];
    const { flipY, flipX } = grid.augmented ? flipsOfTile(Math.floor(k / nx), k % nx) : NO_FLIP;
    const tileStart = slot * channels * tilePlane;
    const inside = Math.min(tileWidth, imageWidth - x0); // beyond: augmentation's zero padding
    for (let c = 0; c < channels; c++) {
      const plane = image.data.subarray(c * image.height * image.width, (c + 1) * image.height * image.width);
      const target = tileStart + c * tilePlane;
      for (let y = 0; y < tileHeight; y++) {
        const sy = y0 + y;
        if (sy >= imageHeight) continue; // augmentation's zero padding below the image
        const row = target + (flipY ? tileHeight - 1 - y : y) * tileWidth;
        const from = (sy - source.top) * image.width + x0 - source.left;
        if (!flipX) {
          data.set(plane.subarray(from, from + inside), row);
        } else {
          for (let x = 0; x < inside; x++) data[row + tileWidth - 1 - x] = plane[from + x]!;
        }
      }
    }
  });
  return data;
}

/** The tiles of the grid that overlap `region` of the tiled image, in tile order. */
export function tilesOverlapping(grid: TileGrid, region: Region): number[] {
  const indices: number[] = [];
  for (let k = 0; k < grid.ysub.length; k++) {
    const [y0, y1] = grid.ysub[k]!;
    const [x0, x1] = grid.xsub[k]!;
    if (y0 < region.top + region.height && y1 > region.top && x0 < region.left + region.width && x1 > region.left) indices.push(k);
  }
  return indices;
}

const NO_FLIP = { flipY: false, flipX: false } as const;

/**
 * The augmentation flips of the tile in grid row j, column i (make_tiles / unaugment_tiles): even row and odd column
 * flips Y, odd row and even column flips X, odd row and odd column flips both.
 */
export function flipsOfTile(j: number, i: number): { flipY: boolean; flipX: boolean } {
  return { flipY: i % 2 === 1, flipX: j % 2 === 1 };
}

/** np.linspace(0, stop, n).astype(int): i * (stop / (n - 1)) truncated, the last one exactly stop. */
function linspaceStarts(stop: number, n: number): number[] {
  if (n === 1) return [0];
  const step = stop / (n - 1);
  const starts = Array.from({ length: n }, (_, i) => Math.trunc(i * step));
  starts[n - 1] = stop;
  return starts;
}
