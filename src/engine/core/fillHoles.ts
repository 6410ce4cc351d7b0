// Final clean-up of masks (Cellpose's utils.fill_holes_and_remove_small_masks): small masks go, holes are filled,
// labels become consecutive. Pure, runs anywhere.
import { InvalidSettingError } from '../errors';
import { checkLabels, type LabelArray } from './flowError';

// [Note: fill holes in label order]
// As the official loop does, in place over labels 1..max with the bounding boxes taken once at the start
// (scipy find_objects): a label with fewer than minSize pixels (when minSize > 0) is erased; otherwise its holes
// are filled (binary_fill_holes inside its box: background not 4-connected to the box edge) and its pixels, filled
// ones included, get the next number j + 1. A filled hole may cover a label enclosed in it; what is left of that
// label is then handled when its turn comes. A volume's masks are counted over all their planes and filled plane
// by plane, each plane within the mask's 3D box (find_objects over the volume). Above 65535 labels 3.0.11 passes
// the masks through float32 (exact up to 2^24 labels); we keep uint32 throughout.

/** Box cell states: part of the mask, background not (yet) reached from the edge, background reached. */
const MASK = 1;
const UNREACHED = 0;
const OUTSIDE = 2;

/**
 * fill_holes_and_remove_small_masks; Uint16Array while the largest label fits, else Uint32Array. With `planes` > 1,
 * `labels` is a volume of that many height x width planes one after the other, cleaned as Cellpose cleans a 3D
 * label array: a mask's size counts its pixels in every plane, and its holes are filled plane by plane.
 */
export function fillHolesAndRemoveSmallMasks(labels: LabelArray, height: number, width: number, minSize: number, planes = 1): Uint16Array | Uint32Array {
  checkPlanes(labels, height, width, planes);
  return fillHolesInPlace(copyLabels(labels, null), height, width, minSize, planes);
}

/**
 * The labels in a new array, Uint16Array when every label fits, with the labels flagged in `without` (indexed by
 * label) set to 0.
 */
export function copyLabels(labels: LabelArray, without: Uint8Array | null): Uint16Array | Uint32Array {
  let maxLabel = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i]! > maxLabel) maxLabel = labels[i]!;
  const copy = maxLabel < 65536 ? new Uint16Array(labels.length) : new Uint32Array(labels.length);
  if (without === null) {
    copy.set(labels);
    return copy;
  }
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i]!;
    copy[i] = without[label] === 1 ? 0 : label;
  }
  return copy;
}

function checkPlanes(labels: LabelArray, height: number, width: number, planes: number): void {
  if (planes === 1) checkLabels(labels, height, width);
  else if (!Number.isInteger(planes) || planes < 1 || labels.length !== planes * height * width) {
    throw new InvalidSettingError(`${planes} label planes of ${height} x ${width} have ${planes * height * width} values; got ${labels.length}.`, {
      planes,
      height,
      width,
      length: labels.length,
    });
  }
}

/**
 * fillHolesAndRemoveSmallMasks on `masks` itself (labels only ever get smaller numbers); returns it, or a Uint16Array
 * copy when it is a Uint32Array whose labels now all fit.
 */
export function fillHolesInPlace(masks: Uint16Array | Uint32Array, height: number, width: number, minSize: number, planes = 1): Uint16Array | Uint32Array {
  checkPlanes(masks, height, width, planes);
  if (!Number.isFinite(minSize)) {
    throw new InvalidSettingError(`The minimum mask size must be a number of pixels; got ${minSize}.`, { minSize });
  }
  const planeSize = height * width;
  const boxes = boundingBoxes(masks, height, width);
  let nextLabel = 0;
  let inBox = new Uint8Array(0);
  let stack = new Int32Array(0);
  for (let label = 1; label < boxes.length / BOX; label++) {
    const at = BOX * label;
    const first = boxes[at]!;
    const last = boxes[at + 1]!;
    if (last < first) continue; // label absent: find_objects gives None
    const box = { top: boxes[at + 2]!, bottom: boxes[at + 3]!, left: boxes[at + 4]!, right: boxes[at + 5]! };
    const boxArea = (box.bottom - box.top + 1) * (box.right - box.left + 1);
    if (inBox.length < boxArea) {
      inBox = new Uint8Array(boxArea);
      stack = new Int32Array(boxArea);
    }
    let pixels = 0;
    for (let plane = first; plane <= last; plane++) pixels += markMask(masks.subarray(plane * planeSize, (plane + 1) * planeSize), inBox, box, width, label);
    if (minSize > 0 && pixels < minSize) {
      for (let plane = first; plane <= last; plane++) {
        const slice = masks.subarray(plane * planeSize, (plane + 1) * planeSize);
        if (first !== last) markMask(slice, inBox, box, width, label);
        paint(slice, inBox, box, width, MASK, 0);
      }
    } else if (pixels > 0) {
      nextLabel++;
      for (let plane = first; plane <= last; plane++) {
        const slice = masks.subarray(plane * planeSize, (plane + 1) * planeSize);
        if (first !== last) markMask(slice, inBox, box, width, label);
        markOutside(inBox, stack, box.bottom - box.top + 1, box.right - box.left + 1);
        paint(slice, inBox, box, width, MASK, nextLabel);
        paint(slice, inBox, box, width, UNREACHED, nextLabel);
      }
    }
  }
  // Every label was erased or renumbered to at most nextLabel, and a filled hole takes its mask's new number.
  return nextLabel < 65536 && masks instanceof Uint32Array ? new Uint16Array(masks) : masks;
}

interface Box {
  top: number;
  bottom: number;
  left: number;
  right: number;
}

/** Entries per label in boundingBoxes: first and last plane, top, bottom, left, right. */
const BOX = 6;

/** Per label: first and last plane, top, bottom, left, right (bottom < top when absent). */
function boundingBoxes(masks: Uint16Array | Uint32Array, height: number, width: number): Int32Array {
  let maxLabel = 0;
  for (let i = 0; i < masks.length; i++) maxLabel = Math.max(maxLabel, masks[i]!);
  const boxes = new Int32Array(BOX * (maxLabel + 1));
  for (let label = 0; label <= maxLabel; label++) boxes.set([0x7fffffff, -1, 0x7fffffff, -1, 0x7fffffff, -1], BOX * label);
  const planes = masks.length / (height * width);
  for (let plane = 0, i = 0; plane < planes; plane++) {
    for (let row = 0; row < height; row++) {
      for (let col = 0; col < width; col++, i++) {
        const label = masks[i]!;
        if (label === 0) continue;
        const at = BOX * label;
        if (plane < boxes[at]!) boxes[at] = plane;
        boxes[at + 1] = plane;
        if (row < boxes[at + 2]!) boxes[at + 2] = row;
        if (row > boxes[at + 3]!) boxes[at + 3] = row;
        if (col < boxes[at + 4]!) boxes[at + 4] = col;
        if (col > boxes[at + 5]!) boxes[at + 5] = col;
      }
    }
  }
  return boxes;
}

/** Marks the label's pixels of one plane's box as MASK, the rest UNREACHED; returns how many there are. */
function markMask(slice: Uint16Array | Uint32Array, inBox: Uint8Array, box: Box, width: number, label: number): number {
  let pixels = 0;
  for (let r = box.top, b = 0; r <= box.bottom; r++) {
    for (let c = box.left; c <= box.right; c++, b++) {
      const isMask = slice[r * width + c] === label;
      inBox[b] = isMask ? MASK : UNREACHED;
      if (isMask) pixels++;
    }
  }
  return pixels;
}

/** Flood fill (4-connected) of the background from the box edge: what it cannot reach is a hole. */
function markOutside(inBox: Uint8Array, stack: Int32Array, rows: number, columns: number): void {
  let size = 0;
  const push = (b: number): void => {
    if (inBox[b] === UNREACHED) {
      inBox[b] = OUTSIDE;
      stack[size++] = b;
    }
  };
  for (let c = 0; c < columns; c++) {
    push(c);
    push((rows - 1) * columns + c);
  }
  for (let r = 0; r < rows; r++) {
    push(r * columns);
    push(r * columns + columns - 1);
  }
  while (size > 0) {
    const b = stack[--size]!;
    const r = Math.trunc(b / columns);
    const c = b - r * columns;
    if (r > 0) push(b - columns);
    if (r < rows - 1) push(b + columns);
    if (c > 0) push(b - 1);
    if (c < columns - 1) push(b + 1);
  }
}

function paint(slice: Uint16Array | Uint32Array, inBox: Uint8Array, box: Box, width: number, state: number, value: number): void {
  for (let r = box.top, b = 0; r <= box.bottom; r++) {
    for (let c = box.left; c <= box.right; c++, b++) {
      if (inBox[b] === state) slice[r * width + c] = value;
    }
  }
}
