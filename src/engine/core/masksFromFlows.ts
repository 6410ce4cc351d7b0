// Turns the dynamics' end points into labelled masks (Cellpose's dynamics.get_masks): cells are where many pixels
// converged. Pure, runs anywhere.
import { InvalidSettingError } from '../errors';
import type { EndPoints } from './followFlows';

/** Histogram margin around the image (get_masks' rpad): bin (r, c) holds the end points at pixel (r - PAD, c - PAD). */
export const HISTOGRAM_PAD = 20;
const PAD = HISTOGRAM_PAD;
/** A seed is a histogram bin holding more than this many end points... */
const SEED_MIN_COUNT = 10;
/** ...and masks grow through bins holding more than this many. */
const GROW_MIN_COUNT = 2;
const GROW_STEPS = 5;
/** Masks covering more than this fraction of the image are dropped. */
const MAX_MASK_FRACTION = 0.4;

// [Note: seed order]
// get_masks sorts the seeds by bin count, descending, and paints them in that order, so where two grown seeds
// overlap the later (smaller) one wins. The sort line differs between versions: Cellpose 2.x has
// `for s in seeds: s = s[isort]`, which rebinds the loop variable and leaves the seeds in raster order (reported
// as MouseLand/cellpose issue #792, Sept. 2023), while the 3.0-era sources have `s[:] = s[isort]`, which sorts.
// Both orders reproduce every official 3.0.11 reference mask bit for bit (the ten diameter-30 images of
// ../shared/reference and the two cyto3 dumps): they differ before the flow-error check on some images, never in
// a mask that survives it. We follow the 3.0 source and CELLPOSE-3-INFERENCE.md: descending by count. For equal
// counts NumPy's default (unstable) argsort leaves the order to its sorting routine; we take what a stable argsort
// followed by [::-1] gives: the later raster position first. (Cellpose 3.1 and later sort ascending.)

/**
 * Labels every pixel by the histogram bin its end point fell in (end points truncated to whole pixels; a pixel that
 * did not move stays in its own bin), as get_masks does: seeds at local maxima, grown, big masks dropped, labels
 * renumbered 1..N in order of first appearance in raster order. Returns height x width labels, 0 = background.
 */
export function masksFromFlows(endPoints: EndPoints): Uint32Array {
  const { height, width, y, x } = endPoints;
  const bins = new Int32Array(y.length);
  for (let i = 0; i < y.length; i++) bins[i] = endPointBin(y[i]!, x[i]!, width);
  return masksFromBins(bins, height, width);
}

/** The histogram bin of an end point (y, x) of an image `width` pixels wide: get_masks' padded histogram. */
export function endPointBin(y: number, x: number, width: number): number {
  return (Math.trunc(y) + PAD) * (width + 2 * PAD) + Math.trunc(x) + PAD;
}

/** Fills `bins` with every pixel's own bin, the bin of a pixel that does not move. */
export function fillOwnBins(bins: Int32Array, height: number, width: number): void {
  const paddedWidth = width + 2 * PAD;
  for (let row = 0, i = 0; row < height; row++) {
    const first = (row + PAD) * paddedWidth + PAD;
    for (let col = 0; col < width; col++, i++) bins[i] = first + col;
  }
}

/**
 * Histogram-sized buffers masksFromBins can use again from one call to the next, for images of one size: large
 * fresh arrays cost more than the work done in them (the system hands out and zeroes new memory page by page).
 */
export interface HistogramScratch {
  histogram: Int32Array;
  binLabels: Uint32Array;
  visited: Int32Array;
}

export function histogramScratch(height: number, width: number): HistogramScratch {
  const size = (height + 2 * PAD) * (width + 2 * PAD);
  return { histogram: new Int32Array(size), binLabels: new Uint32Array(size), visited: new Int32Array(size) };
}

export interface MasksFromBinsOptions {
  /** Buffers from an earlier call on an image of this size. */
  scratch?: HistogramScratch;
  /** Pixels of the whole image when these bins are a block of it (the size the 40% rule is about). */
  imagePixels?: number;
}

/** masksFromFlows from the bins of the end points (endPointBin of each pixel's end point, in raster order). */
export function masksFromBins(bins: Int32Array, height: number, width: number, options: MasksFromBinsOptions = {}): Uint32Array {
  const scratch = options.scratch ?? histogramScratch(height, width);
  const paddedWidth = width + 2 * PAD;
  const paddedHeight = height + 2 * PAD;
  if (bins.length !== height * width || scratch.histogram.length !== paddedHeight * paddedWidth) {
    throw new InvalidSettingError(`End point bins and buffers of a ${height} x ${width} image do not have its size.`, { height, width, bins: bins.length });
  }
  const { histogram, binLabels, visited } = scratch;
  histogram.fill(0);
  binLabels.fill(0);
  visited.fill(0);
  // Bins that may be seeds, noted as their count passes SEED_MIN_COUNT: few, so the seed search looks at them alone.
  const crowded: number[] = [];
  for (let i = 0; i < bins.length; i++) {
    if (++histogram[bins[i]!]! === SEED_MIN_COUNT + 1) crowded.push(bins[i]!);
  }
  const seeds = findSeeds(crowded, histogram, paddedHeight, paddedWidth);
  const pixelCounts = growSeeds(seeds, histogram, paddedHeight, paddedWidth, binLabels, visited);
  return labelPixels(bins, binLabels, pixelCounts, (options.imagePixels ?? bins.length) * MAX_MASK_FRACTION);
}

/**
 * Bins that are the maximum of their 5 x 5 neighbourhood and hold more than SEED_MIN_COUNT end points: get_masks'
 * maximum_filter1d of size 5 along rows, then along columns, is the maximum over the 5 x 5 box (its reflecting
 * border repeats values already in the box). See [Note: seed order].
 */
function findSeeds(crowded: readonly number[], histogram: Int32Array, rows: number, columns: number): Int32Array {
  const seeds: number[] = [];
  for (const bin of crowded) {
    const count = histogram[bin]!;
    const r = Math.trunc(bin / columns);
    const c = bin - r * columns;
    let isMaximum = true;
    for (let rr = Math.max(0, r - 2); rr <= Math.min(rows - 1, r + 2) && isMaximum; rr++) {
      for (let cc = Math.max(0, c - 2); cc <= Math.min(columns - 1, c + 2); cc++) {
        if (histogram[rr * columns + cc]! > count) {
          isMaximum = false;
          break;
        }
      }
    }
    if (isMaximum) seeds.push(bin);
  }
  seeds.sort((a, b) => histogram[b]! - histogram[a]! || b - a);
  return Int32Array.from(seeds);
}

/**
 * Grows each seed GROW_STEPS times into its 3 x 3 neighbourhood, keeping bins with more than GROW_MIN_COUNT end
 * points, and paints the result into binLabels (all 0) with the seed's number (1-based; later seeds overwrite earlier
 * ones). Returns the end points (so the pixels) each label gets.
 */
function growSeeds(seeds: Int32Array, histogram: Int32Array, rows: number, columns: number, binLabels: Uint32Array, visited: Int32Array): Float64Array {
  // visited[bin] = k + 1 once seed k reached it (all 0 at first): a fresh stamp per seed, so it is never cleared.
  const regions: number[] = [];
  const regionStart = new Int32Array(seeds.length + 1);
  for (let k = 0; k < seeds.length; k++) {
    const stamp = k + 1;
    const seed = seeds[k]!;
    const first = regions.length;
    regions.push(seed);
    visited[seed] = stamp;
    let frontierStart = first;
    for (let step = 0; step < GROW_STEPS; step++) {
      const frontierEnd = regions.length;
      for (let f = frontierStart; f < frontierEnd; f++) {
        const bin = regions[f]!;
        const r = Math.trunc(bin / columns);
        const c = bin - r * columns;
        for (let dr = -1; dr <= 1; dr++) {
          const rr = r + dr;
          if (rr < 0 || rr >= rows) continue;
          for (let dc = -1; dc <= 1; dc++) {
            const cc = c + dc;
            if (cc < 0 || cc >= columns) continue;
            const next = rr * columns + cc;
            if (visited[next] !== stamp && histogram[next]! > GROW_MIN_COUNT) {
              visited[next] = stamp;
              regions.push(next);
            }
          }
        }
      }
      frontierStart = frontierEnd;
    }
    for (let f = first; f < regions.length; f++) binLabels[regions[f]!] = stamp;
    regionStart[stamp] = regions.length;
  }
  // A bin painted by a later seed counts for that seed only.
  const pixelCounts = new Float64Array(seeds.length + 1);
  for (let stamp = 1; stamp <= seeds.length; stamp++) {
    for (let f = regionStart[stamp - 1]!; f < regionStart[stamp]!; f++) {
      const bin = regions[f]!;
      if (binLabels[bin] === stamp) pixelCounts[stamp]! += histogram[bin]!;
    }
  }
  return pixelCounts;
}

/**
 * Each pixel's label from its end point's bin, with labels covering more than MAX_MASK_FRACTION of the image
 * dropped, then renumbered 1..N in order of first appearance in raster order (fastremap.renumber); 0 stays 0.
 */
function labelPixels(bins: Int32Array, binLabels: Uint32Array, pixelCounts: Float64Array, limit: number): Uint32Array {
  // newLabel[l]: 0 = not seen yet, -1 = dropped, else the new number.
  const newLabel = new Int32Array(pixelCounts.length);
  for (let label = 1; label < pixelCounts.length; label++) if (pixelCounts[label]! > limit) newLabel[label] = -1;
  const labels = new Uint32Array(bins.length);
  let next = 0;
  for (let i = 0; i < bins.length; i++) {
    const label = binLabels[bins[i]!]!;
    if (label === 0) continue;
    let renamed = newLabel[label]!;
    if (renamed === 0) renamed = newLabel[label] = ++next;
    if (renamed > 0) labels[i] = renamed;
  }
  return labels;
}
