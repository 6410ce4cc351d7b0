// Turns the dynamics' end points into labelled masks (Cellpose's dynamics.get_masks): cells are where many pixels
// converged. Pure, runs anywhere.
import type { EndPoints } from './followFlows';

/** Histogram margin around the image (get_masks' rpad). */
const PAD = 20;
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
  const { height, width } = endPoints;
  const paddedWidth = width + 2 * PAD;
  const paddedHeight = height + 2 * PAD;
  const bins = endPointBins(endPoints, paddedWidth);
  const histogram = new Int32Array(paddedHeight * paddedWidth);
  for (let i = 0; i < bins.length; i++) histogram[bins[i]!]!++;

  const seeds = findSeeds(histogram, paddedHeight, paddedWidth);
  const binLabels = growSeeds(seeds, histogram, paddedHeight, paddedWidth);

  const labels = new Uint32Array(bins.length);
  for (let i = 0; i < bins.length; i++) labels[i] = binLabels[bins[i]!]!;
  dropLargeMasks(labels, seeds.length);
  renumberByFirstAppearance(labels, seeds.length);
  return labels;
}

/** Index into the padded histogram of each pixel's truncated end point. */
function endPointBins(endPoints: EndPoints, paddedWidth: number): Int32Array {
  const { y, x } = endPoints;
  const bins = new Int32Array(y.length);
  for (let i = 0; i < y.length; i++) {
    bins[i] = (Math.trunc(y[i]!) + PAD) * paddedWidth + Math.trunc(x[i]!) + PAD;
  }
  return bins;
}

/**
 * Bins that are the maximum of their 5 x 5 neighbourhood (maximum_filter1d of size 5 along rows, then columns; its
 * reflecting border never adds a larger value) and hold more than SEED_MIN_COUNT end points; see [Note: seed order].
 */
function findSeeds(histogram: Int32Array, rows: number, columns: number): Int32Array {
  const alongColumns = new Int32Array(histogram.length);
  for (let r = 0; r < rows; r++) {
    const lo = Math.max(0, r - 2);
    const hi = Math.min(rows - 1, r + 2);
    for (let c = 0; c < columns; c++) {
      let best = 0;
      for (let rr = lo; rr <= hi; rr++) best = Math.max(best, histogram[rr * columns + c]!);
      alongColumns[r * columns + c] = best;
    }
  }
  const seeds: number[] = [];
  for (let r = 0; r < rows; r++) {
    const row = r * columns;
    for (let c = 0; c < columns; c++) {
      const count = histogram[row + c]!;
      if (count <= SEED_MIN_COUNT) continue;
      let best = 0;
      const hi = Math.min(columns - 1, c + 2);
      for (let cc = Math.max(0, c - 2); cc <= hi; cc++) best = Math.max(best, alongColumns[row + cc]!);
      if (count >= best) seeds.push(row + c);
    }
  }
  seeds.sort((a, b) => histogram[b]! - histogram[a]! || b - a);
  return Int32Array.from(seeds);
}

/**
 * Grows each seed GROW_STEPS times into its 3 x 3 neighbourhood, keeping bins with more than GROW_MIN_COUNT end
 * points, and paints the result with the seed's number (1-based; later seeds overwrite earlier ones).
 */
function growSeeds(seeds: Int32Array, histogram: Int32Array, rows: number, columns: number): Uint32Array {
  const binLabels = new Uint32Array(histogram.length);
  // visited[bin] = k + 1 once seed k reached it: a fresh stamp per seed, so the array is never cleared.
  const visited = new Int32Array(histogram.length);
  const region: number[] = [];
  for (let k = 0; k < seeds.length; k++) {
    const stamp = k + 1;
    const seed = seeds[k]!;
    region.length = 0;
    region.push(seed);
    visited[seed] = stamp;
    let frontierStart = 0;
    for (let step = 0; step < GROW_STEPS; step++) {
      const frontierEnd = region.length;
      for (let f = frontierStart; f < frontierEnd; f++) {
        const bin = region[f]!;
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
              region.push(next);
            }
          }
        }
      }
      frontierStart = frontierEnd;
    }
    for (const bin of region) binLabels[bin] = stamp;
  }
  return binLabels;
}

/** Zeroes every label covering more than MAX_MASK_FRACTION of the image. */
function dropLargeMasks(labels: Uint32Array, maxLabel: number): void {
  const counts = new Int32Array(maxLabel + 1);
  for (let i = 0; i < labels.length; i++) counts[labels[i]!]!++;
  const limit = labels.length * MAX_MASK_FRACTION;
  let anyLarge = false;
  for (let label = 1; label <= maxLabel; label++) anyLarge ||= counts[label]! > limit;
  if (!anyLarge) return;
  for (let i = 0; i < labels.length; i++) {
    if (counts[labels[i]!]! > limit) labels[i] = 0;
  }
}

/** fastremap.renumber: labels become 1..N in the order they first appear in raster order; 0 stays 0. */
function renumberByFirstAppearance(labels: Uint32Array, maxLabel: number): void {
  const newLabel = new Uint32Array(maxLabel + 1);
  let next = 0;
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i]!;
    if (label === 0) continue;
    if (newLabel[label] === 0) newLabel[label] = ++next;
    labels[i] = newLabel[label]!;
  }
}
