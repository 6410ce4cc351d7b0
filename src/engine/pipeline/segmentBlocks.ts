// Segmentation of images too large to hold whole (whole slides): the image is read, run through the network and
// turned into masks block by block, with memory that does not grow with the image, and the labels leave in row
// bands as they are finished. Runs in Node wherever a NetworkSession exists (CLI, engine worker).
//
// [Note: block mode] Every value a block computes is the one the whole-image pipeline computes at those pixels:
// - normalisation uses the whole image's percentiles, found in two passes over the blocks (PercentileSelection);
// - the network runs the whole image's tiles (the grid make_tiles lays over the resized, padded image) that cover
//   the block and its margin, cut from the same normalised and resized pixels (resizeBilinearRegion) and stitched
//   in the same order (averageTilesRegion), so its flows and cell probability are the whole image's to the bit
//   (onnxruntime's CPU kernels give a tile the same output whatever batch it is in);
// - the dynamics run over the block and its margin; the masks whose first pixel lies in the block are kept (so a
//   cell on a seam belongs to one block and is one mask) and checked, and a block whose check fails is computed
//   again with twice the margin ([Note: block margins] in src/engine/core/blockLayout.ts).
// Labels are numbered block after block. A mask never reaches above its first pixel, so once a row of blocks is
// done the rows above the next one are final and are handed to the sink.
import type { ExecutionProvider } from '../backend/types';
import { blockLayout, blockMargin, withMargin, type Block } from '../core/blockLayout';
import { blockMasks } from '../core/blockMasks';
import { selectChannels } from '../core/channels';
import { cropWindow, type PlanarImage, type Region } from '../core/image';
import { normalizeWithBounds, PercentileSelection, type ChannelBounds } from '../core/normalize';
import { rescaledSize, resizeBilinearRegion, resizeSourceRegion } from '../core/resize';
import { averageTilesRegion, unaugmentTiles } from '../core/stitch';
import { cutTiles, paddingFor, tileGrid, tilesOverlapping, type TileGrid } from '../core/tile';
import { CellDeskError, InvalidSettingError } from '../errors';
import { defaultIterations } from './estimateDiameter';
import type { RunHooks } from './progress';
import type { SegmentationModel } from './segment';
import { InvalidImageError } from './segment';
import { resolveSettings, type CellposeSettings, type SegmentSettings } from './settings';

/** An image read region by region (a whole-slide file). */
export interface ImageRegions {
  width: number;
  height: number;
  channels: number;
  /** The region's pixels, planar float32, as the whole image would have them. */
  read(region: Region): Promise<PlanarImage>;
}

/** Where finished label rows go: rows [top, top + rows) of the label image, each `width` labels long, in order. */
export interface LabelRowSink {
  write(top: number, rows: number, labels: Uint32Array): Promise<void>;
}

export interface BlockOptions {
  /** Side of the blocks, in pixels of the image (default DEFAULT_BLOCK_SIZE). */
  blockSize?: number;
}

export interface BlockSegmentResult {
  width: number;
  height: number;
  maskCount: number;
  diameter: number;
  blocks: number;
  /** Blocks computed again with a wider margin; uncertain masks that remained even then. */
  widenedBlocks: number;
  uncertainMasks: number;
  executionProvider: ExecutionProvider;
  settings: SegmentSettings;
  timings: Record<string, number>;
}

export const DEFAULT_BLOCK_SIZE = 1024;

/** An image held in memory, read region by region. */
export function imageRegionsOf(image: PlanarImage): ImageRegions {
  return { width: image.width, height: image.height, channels: image.channels, read: async (region) => cropWindow({ image, top: 0, left: 0 }, region) };
}
/** A block whose check fails is computed again with twice the margin, at most this many times. */
const MARGIN_WIDENINGS = 2;

/** Block mode was asked to estimate the diameter, which needs the whole image's style. */
export class BlockModeNeedsDiameterError extends CellDeskError {
  constructor() {
    super('BLOCK_MODE_NEEDS_DIAMETER', 'Segmenting an image in blocks needs the cell diameter: give it in pixels rather than asking for an estimate, for example after calibrating on a crop of the image.');
  }
}

/** Where the network's tiles lie: the whole image's geometry, shared by all its blocks. */
interface Geometry {
  height: number;
  width: number;
  resized: { height: number; width: number };
  padTop: number;
  padLeft: number;
  grid: TileGrid;
  padded: { height: number; width: number };
}

export async function segmentInBlocks(
  source: ImageRegions,
  model: SegmentationModel,
  requested: CellposeSettings,
  sink: LabelRowSink,
  options: BlockOptions = {},
  hooks: RunHooks = {},
): Promise<BlockSegmentResult> {
  const resolved = resolveSettings(requested);
  const { diameter } = resolved;
  if (diameter === 'estimate') throw new BlockModeNeedsDiameterError();
  const settings = { ...resolved, diameter };
  const start = performance.now();
  const timings: Record<string, number> = {};
  const blockSize = options.blockSize ?? DEFAULT_BLOCK_SIZE;
  const { height, width } = source;
  const margin = blockMargin(settings.diameter);
  const blocks = blockLayout(height, width, blockSize, margin);

  hooks.onProgress?.({ stage: 'normalize', done: 0, total: 1 });
  const bounds = await timeStage(timings, 'normalize', () => imagePercentiles(source, blocks, settings, hooks));
  const rescale = model.architecture.diamMean / settings.diameter;
  const geometry = layTiles(height, width, rescale, settings.augment);
  const niter = settings.niter ?? defaultIterations(rescale);

  const band = new LabelBand(width, blockSize + margin * 2 ** MARGIN_WIDENINGS);
  let maskCount = 0;
  let widenedBlocks = 0;
  let uncertainMasks = 0;
  hooks.onProgress?.({ stage: 'network', done: 0, total: blocks.length });
  for (const [index, block] of blocks.entries()) {
    hooks.signal?.throwIfAborted();
    if (block.column === 0 && block.row > 0) await band.flush(block.inner.top, sink);
    let computed = block;
    let found = await segmentBlock(source, model, settings, bounds, geometry, niter, computed, timings);
    for (let widening = 1; found.uncertain > 0 && widening <= MARGIN_WIDENINGS; widening++) {
      if (widening === 1) widenedBlocks++;
      computed = { ...block, outer: withMargin(block.inner, margin * 2 ** widening, height, width) };
      found = await segmentBlock(source, model, settings, bounds, geometry, niter, computed, timings);
    }
    uncertainMasks += found.uncertain;
    band.place(found.labels, computed.outer, maskCount);
    maskCount += found.count;
    hooks.onProgress?.({ stage: 'network', done: index + 1, total: blocks.length });
  }
  await band.flush(height, sink);
  timings.total = performance.now() - start;
  return {
    width,
    height,
    maskCount,
    diameter: settings.diameter,
    blocks: blocks.length,
    widenedBlocks,
    uncertainMasks,
    executionProvider: model.session.executionProvider,
    settings,
    timings,
  };
}

async function timeStage<T>(timings: Record<string, number>, stage: string, work: () => Promise<T>): Promise<T> {
  const start = performance.now();
  try {
    return await work();
  } finally {
    timings[stage] = (timings[stage] ?? 0) + (performance.now() - start);
  }
}

/** The two network channels of a region, checked for values that are not numbers. */
async function readChannels(source: ImageRegions, region: Region, settings: SegmentSettings): Promise<PlanarImage> {
  const selected = selectChannels(await source.read(region), settings.channels);
  for (let i = 0; i < selected.data.length; i++) {
    if (!Number.isFinite(selected.data[i]!)) {
      throw new InvalidImageError(
        `The image has pixel values that are not numbers (NaN or infinity) in the channels to segment, near (${region.left}, ${region.top}). Replace them (for example with 0) and try again.`,
        { region },
      );
    }
  }
  return selected;
}

/** The 1st and 99th percentiles of both network channels over the whole image, in two passes over the blocks. */
async function imagePercentiles(source: ImageRegions, blocks: Block[], settings: SegmentSettings, hooks: RunHooks): Promise<ChannelBounds[]> {
  const selections = [0, 1].map(() => new PercentileSelection(source.height * source.width, [1, 99]));
  for (const pass of ['high', 'low'] as const) {
    for (const { inner } of blocks) {
      hooks.signal?.throwIfAborted();
      const image = await readChannels(source, inner, settings);
      const plane = inner.height * inner.width;
      selections.forEach((selection, c) => {
        const values = image.data.subarray(c * plane, (c + 1) * plane);
        if (pass === 'high') selection.countHigh(values);
        else selection.countLow(values);
      });
    }
    if (pass === 'high') selections.forEach((selection) => selection.locate());
  }
  return selections.map((selection) => selection.percentiles() as unknown as ChannelBounds);
}

/** The whole image's network geometry: resized size, padding, and the tile grid over the padded image. */
function layTiles(height: number, width: number, rescale: number, augment: boolean): Geometry {
  const resized = rescale === 1 ? { height, width } : { height: rescaledSize(height, rescale), width: rescaledSize(width, rescale) };
  if (resized.height < 1 || resized.width < 1) {
    throw new InvalidSettingError(`A ${width} x ${height} image resized for this diameter has no pixels left; give a smaller diameter.`, { height, width, rescale });
  }
  const [padTop, padBottom] = paddingFor(resized.height);
  const [padLeft, padRight] = paddingFor(resized.width);
  const padded = { height: resized.height + padTop + padBottom, width: resized.width + padLeft + padRight };
  return { height, width, resized, padTop, padLeft, padded, grid: tileGrid(padded.height, padded.width, { augment }) };
}

function intersect(a: Region, b: Region): Region {
  const top = Math.max(a.top, b.top);
  const left = Math.max(a.left, b.left);
  return { top, left, height: Math.max(0, Math.min(a.top + a.height, b.top + b.height) - top), width: Math.max(0, Math.min(a.left + a.width, b.left + b.width) - left) };
}

/** The network output and masks of one block; see [Note: block mode]. */
async function segmentBlock(
  source: ImageRegions,
  model: SegmentationModel,
  settings: SegmentSettings,
  bounds: ChannelBounds[],
  geometry: Geometry,
  niter: number,
  block: Block,
  timings: Record<string, number>,
) {
  const { outer } = block;
  const { resized, grid, padTop, padLeft, height, width } = geometry;
  const isResized = resized.height !== height || resized.width !== width;
  // Map pixels (resized scale) the flows of the outer region are interpolated from, and the tiles that cover them.
  const mapRegion = isResized ? resizeSourceRegion(resized.height, resized.width, height, width, outer) : outer;
  const paddedRegion = { ...mapRegion, top: mapRegion.top + padTop, left: mapRegion.left + padLeft };
  const tiles = tilesOverlapping(grid, paddedRegion);
  const tileRows = tiles.map((k) => grid.ysub[k]!);
  const tileColumns = tiles.map((k) => grid.xsub[k]!);
  const covered = {
    top: Math.min(...tileRows.map(([y0]) => y0)),
    left: Math.min(...tileColumns.map(([x0]) => x0)),
    height: Math.max(...tileRows.map(([, y1]) => y1)) - Math.min(...tileRows.map(([y0]) => y0)),
    width: Math.max(...tileColumns.map(([, x1]) => x1)) - Math.min(...tileColumns.map(([x0]) => x0)),
  };
  const batch = await timeStage(timings, 'read', async () => {
    // The covered part of the padded image: zeros, with the normalised, resized pixels where the image lies.
    const inImage = intersect({ ...covered, top: covered.top - padTop, left: covered.left - padLeft }, { top: 0, left: 0, ...resized });
    const imageRegion = isResized ? resizeSourceRegion(height, width, resized.height, resized.width, inImage) : inImage;
    const normalized = normalizeWithBounds(await readChannels(source, imageRegion, settings), bounds);
    const pixels = resizeBilinearRegion({ image: normalized, top: imageRegion.top, left: imageRegion.left }, height, width, resized.height, resized.width, inImage);
    const padded = new Float32Array(2 * covered.height * covered.width);
    for (let c = 0; c < 2; c++) {
      for (let y = 0; y < inImage.height; y++) {
        const from = (c * inImage.height + y) * inImage.width;
        padded.set(pixels.data.subarray(from, from + inImage.width), (c * covered.height + inImage.top + padTop - covered.top + y) * covered.width + inImage.left + padLeft - covered.left);
      }
    }
    const window = { image: { width: covered.width, height: covered.height, channels: 2, data: padded }, top: covered.top, left: covered.left };
    return cutTiles(window, geometry.padded.height, geometry.padded.width, grid, tiles);
  });
  const outputs = await timeStage(timings, 'network', async () => {
    const tileSize = 2 * grid.tileHeight * grid.tileWidth;
    const outputSize = 3 * grid.tileHeight * grid.tileWidth;
    const all = new Float32Array(tiles.length * outputSize);
    for (let first = 0; first < tiles.length; first += settings.batchSize) {
      const n = Math.min(settings.batchSize, tiles.length - first);
      const result = await model.session.run(batch.subarray(first * tileSize, (first + n) * tileSize), n, grid.tileHeight, grid.tileWidth);
      all.set(result.flows, first * outputSize);
    }
    return all;
  });
  return timeStage(timings, 'masks', async () => {
    const stitched = averageTilesRegion(grid.augmented ? unaugmentTiles(outputs, grid, tiles) : outputs, grid, tiles, paddedRegion);
    const flows = isResized ? resizeBilinearRegion({ image: stitched, top: mapRegion.top, left: mapRegion.left }, resized.height, resized.width, height, width, outer) : stitched;
    const plane = outer.height * outer.width;
    return blockMasks({
      dP: flows.data.subarray(0, 2 * plane),
      cellprob: flows.data.subarray(2 * plane, 3 * plane),
      outer,
      inner: block.inner,
      imageHeight: height,
      imageWidth: width,
      niter,
      cellprobThreshold: settings.cellprobThreshold,
      flowThreshold: settings.flowThreshold,
      minSize: settings.minSize,
    });
  });
}

/**
 * Label rows from the top of the current row of blocks down as far as its masks can reach, full width: masks are
 * placed as blocks finish, and rows are handed on once no later block can write to them.
 */
class LabelBand {
  private top = 0;
  private readonly labels: Uint32Array;

  constructor(
    private readonly width: number,
    private readonly rows: number,
  ) {
    this.labels = new Uint32Array(width * rows);
  }

  /** Writes a block's kept masks (labels over `region`, 0 = none) numbered after `offset`. */
  place(masks: Uint32Array, region: Region, offset: number): void {
    for (let y = 0; y < region.height; y++) {
      const row = region.top + y - this.top;
      for (let x = 0; x < region.width; x++) {
        const label = masks[y * region.width + x]!;
        if (label !== 0) this.labels[row * this.width + region.left + x] = offset + label;
      }
    }
  }

  /** Hands rows above `until` to the sink and moves the band down to start there. */
  async flush(until: number, sink: LabelRowSink): Promise<void> {
    const rows = until - this.top;
    if (rows <= 0) return;
    await sink.write(this.top, rows, this.labels.slice(0, rows * this.width));
    this.labels.copyWithin(0, rows * this.width);
    this.labels.fill(0, (this.rows - rows) * this.width);
    this.top = until;
  }
}
