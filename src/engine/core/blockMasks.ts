// compute_masks on one block of an image segmented in blocks: the masks of the block's outer region, those whose
// first pixel lies in its inner region kept, each checked for what the margin may have cut off (see
// [Note: block margins] in blockLayout.ts). Pure, runs anywhere.
import { InvalidSettingError } from '../errors';
import { candidatesFromBins, finishMasks } from './computeMasks';
import { HELD_BOTTOM, HELD_LEFT, HELD_RIGHT, HELD_TOP, moves, newWalkEnd, walkInterpolated } from './followFlows';
import type { Region } from './image';
import { endPointBin, fillOwnBins, HISTOGRAM_PAD } from './masksFromFlows';

export interface BlockMasksOptions {
  /** The network's dY, dX (planes, not divided) and cell probability over the block's outer region. */
  dP: Float32Array;
  cellprob: Float32Array;
  outer: Region;
  inner: Region;
  imageHeight: number;
  imageWidth: number;
  niter: number;
  cellprobThreshold: number;
  flowThreshold: number;
  minSize: number;
}

export interface BlockMasks {
  /** Over the outer region: the kept masks numbered 1..count in their label order, 0 elsewhere. */
  labels: Uint32Array;
  count: number;
  /** Kept masks the check cannot vouch for; 0 when the block's masks are the whole image's. */
  uncertain: number;
}

/** Walkers starting this close to an edge of the outer region inside the image stand for those beyond it. */
const EDGE_BAND = 2;
/** Histogram bins around a mask's end points within which a doubtful end point could change it (2 + 5, twice, + 2). */
const BIN_REACH = 16;

/**
 * The masks compute_masks finds over the outer region, with the 40% rule taken on the whole image, keeping those
 * whose first pixel (raster order) lies in the inner region. `uncertain` counts the candidate masks (before the flow
 * check and clean-up) with their first pixel there that touch an edge of the outer region lying inside the image,
 * or near whose end points (within BIN_REACH bins) ends a walker that such an edge held back or that starts within
 * EDGE_BAND of one.
 */
export function blockMasks(options: BlockMasksOptions): BlockMasks {
  const { outer, inner, dP, cellprob, niter, imageHeight, imageWidth } = options;
  const { height, width } = outer;
  const n = height * width;
  if (dP.length !== 2 * n || cellprob.length !== n) {
    throw new InvalidSettingError(`The network output of a ${height} x ${width} block does not have its size.`, { height, width });
  }
  const openSides =
    (outer.top > 0 ? HELD_TOP : 0) |
    (outer.top + height < imageHeight ? HELD_BOTTOM : 0) |
    (outer.left > 0 ? HELD_LEFT : 0) |
    (outer.left + width < imageWidth ? HELD_RIGHT : 0);

  // compute_masks: dP * (cellprob > threshold) / 5 in float32, then every moving pixel walks.
  const threshold = Math.fround(options.cellprobThreshold);
  const dY = new Float32Array(n);
  const dX = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    if (cellprob[i]! > threshold) {
      dY[i] = dP[i]! / 5;
      dX[i] = dP[n + i]! / 5;
    }
  }
  const field = { dY, dX, height, width };
  const bins = new Int32Array(n);
  fillOwnBins(bins, height, width);
  const doubtful: number[] = [];
  const end = newWalkEnd();
  let moving = 0;
  for (let i = 0; i < n; i++) {
    if (!moves(dY[i]!, dX[i]!)) continue;
    moving++;
    walkInterpolated(field, i, niter, end, null);
    bins[i] = endPointBin(end[0]!, end[1]!, width);
    if ((end[2]! & openSides) !== 0 || nearOpenSide(i, width, height, openSides)) doubtful.push(bins[i]!);
  }
  const candidates = candidatesFromBins(bins, moving, height, width, { imagePixels: imageHeight * imageWidth });
  const own = { top: inner.top - outer.top, left: inner.left - outer.left, height: inner.height, width: inner.width };
  // Checked before the flow check and the clean-up: a mask the margin cut may fail them and vanish.
  const uncertain = candidates.labels === null ? 0 : uncertainMasks(candidates.labels, bins, doubtful, own, height, width, openSides);
  const masks = finishMasks(candidates, { dP, flowThreshold: options.flowThreshold, minSize: options.minSize });
  return { ...keepOwnMasks(masks, own, width), uncertain };
}

function nearOpenSide(i: number, width: number, height: number, openSides: number): boolean {
  const row = Math.trunc(i / width);
  const column = i - row * width;
  return (
    ((openSides & HELD_TOP) !== 0 && row < EDGE_BAND) ||
    ((openSides & HELD_BOTTOM) !== 0 && row >= height - EDGE_BAND) ||
    ((openSides & HELD_LEFT) !== 0 && column < EDGE_BAND) ||
    ((openSides & HELD_RIGHT) !== 0 && column >= width - EDGE_BAND)
  );
}

function insideRegion(pixel: number, region: Region, width: number): boolean {
  const row = Math.trunc(pixel / width);
  const column = pixel - row * width;
  return row >= region.top && row < region.top + region.height && column >= region.left && column < region.left + region.width;
}

/** The masks whose first pixel (raster order) lies in `own`, renumbered 1..count in label order; 0 elsewhere. */
function keepOwnMasks(masks: Uint16Array | Uint32Array, own: Region, width: number): { labels: Uint32Array; count: number } {
  let maxLabel = 0;
  for (let i = 0; i < masks.length; i++) if (masks[i]! > maxLabel) maxLabel = masks[i]!;
  const first = new Int32Array(maxLabel + 1).fill(-1);
  for (let i = 0; i < masks.length; i++) if (first[masks[i]!] === -1) first[masks[i]!] = i;
  const renumbered = new Uint32Array(maxLabel + 1);
  let count = 0;
  for (let label = 1; label <= maxLabel; label++) if (first[label] !== -1 && insideRegion(first[label]!, own, width)) renumbered[label] = ++count;
  const labels = new Uint32Array(masks.length);
  for (let i = 0; i < masks.length; i++) labels[i] = renumbered[masks[i]!]!;
  return { labels, count };
}

/**
 * Of the candidate masks whose first pixel lies in `own`, how many touch an open side of the outer region or have a
 * doubtful walker's end point within BIN_REACH bins of their own end points.
 */
function uncertainMasks(labels: Uint32Array, bins: Int32Array, doubtful: number[], own: Region, height: number, width: number, openSides: number): number {
  let maxLabel = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i]! > maxLabel) maxLabel = labels[i]!;
  const binColumns = width + 2 * HISTOGRAM_PAD;
  // Per label: first pixel, then top, bottom, left, right of its pixels and of its end point bins.
  const first = new Int32Array(maxLabel + 1).fill(-1);
  const boxes = new Int32Array(8 * (maxLabel + 1));
  for (let label = 1; label <= maxLabel; label++) boxes.set([height, -1, width, -1, 1 << 30, -1, 1 << 30, -1], 8 * label);
  for (let row = 0, i = 0; row < height; row++) {
    for (let column = 0; column < width; column++, i++) {
      const label = labels[i]!;
      if (label === 0) continue;
      if (first[label] === -1) first[label] = i;
      const at = 8 * label;
      const binRow = Math.trunc(bins[i]! / binColumns);
      const binColumn = bins[i]! - binRow * binColumns;
      boxes[at] = Math.min(boxes[at]!, row);
      boxes[at + 1] = row;
      boxes[at + 2] = Math.min(boxes[at + 2]!, column);
      boxes[at + 3] = Math.max(boxes[at + 3]!, column);
      boxes[at + 4] = Math.min(boxes[at + 4]!, binRow);
      boxes[at + 5] = Math.max(boxes[at + 5]!, binRow);
      boxes[at + 6] = Math.min(boxes[at + 6]!, binColumn);
      boxes[at + 7] = Math.max(boxes[at + 7]!, binColumn);
    }
  }
  const doubtfulCount = countingGrid(doubtful, height + 2 * HISTOGRAM_PAD, binColumns);
  let uncertain = 0;
  for (let label = 1; label <= maxLabel; label++) {
    if (first[label] === -1 || !insideRegion(first[label]!, own, width)) continue;
    const at = 8 * label;
    const touchesOpenSide =
      ((openSides & HELD_TOP) !== 0 && boxes[at] === 0) ||
      ((openSides & HELD_BOTTOM) !== 0 && boxes[at + 1] === height - 1) ||
      ((openSides & HELD_LEFT) !== 0 && boxes[at + 2] === 0) ||
      ((openSides & HELD_RIGHT) !== 0 && boxes[at + 3] === width - 1);
    const nearDoubtful = doubtfulCount(boxes[at + 4]! - BIN_REACH, boxes[at + 5]! + BIN_REACH, boxes[at + 6]! - BIN_REACH, boxes[at + 7]! + BIN_REACH) > 0;
    if (touchesOpenSide || nearDoubtful) uncertain++;
  }
  return uncertain;
}

/** How many of the points (raster indices of a rows x columns grid) lie in a box, by a summed-area table. */
function countingGrid(points: readonly number[], rows: number, columns: number): (top: number, bottom: number, left: number, right: number) => number {
  if (points.length === 0) return () => 0;
  const stride = columns + 1;
  const sums = new Int32Array((rows + 1) * stride);
  for (const point of points) {
    const row = Math.trunc(point / columns);
    sums[(row + 1) * stride + point - row * columns + 1]!++;
  }
  for (let r = 1; r <= rows; r++) {
    for (let c = 1; c <= columns; c++) sums[r * stride + c]! += sums[(r - 1) * stride + c]! + sums[r * stride + c - 1]! - sums[(r - 1) * stride + c - 1]!;
  }
  return (top, bottom, left, right) => {
    const r0 = Math.max(0, top);
    const r1 = Math.min(rows - 1, bottom);
    const c0 = Math.max(0, left);
    const c1 = Math.min(columns - 1, right);
    if (r1 < r0 || c1 < c0) return 0;
    return sums[(r1 + 1) * stride + c1 + 1]! - sums[r0 * stride + c1 + 1]! - sums[(r1 + 1) * stride + c0]! + sums[r0 * stride + c0]!;
  };
}
