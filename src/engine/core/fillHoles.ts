// Final clean-up of masks (Cellpose's utils.fill_holes_and_remove_small_masks): small masks go, holes are filled,
// labels become consecutive. Pure, runs anywhere.
import { InvalidSettingError } from '../errors';
import { checkLabels, type LabelArray } from './flowError';

// [Note: fill holes in label order]
// As the official loop does, in place over labels 1..max with the bounding boxes taken once at the start
// (scipy find_objects): a label with fewer than minSize pixels (when minSize > 0) is erased; otherwise its holes
// are filled (binary_fill_holes inside its box: background not 4-connected to the box edge) and its pixels, filled
// ones included, get the next number j + 1. A filled hole may cover a label enclosed in it; what is left of that
// label is then handled when its turn comes. Above 65535 labels 3.0.11 passes the masks through float32 (exact up
// to 2^24 labels); we keep uint32 throughout.

/** Box cell states: part of the mask, background not (yet) reached from the edge, background reached. */
const MASK = 1;
const UNREACHED = 0;
const OUTSIDE = 2;

/** fill_holes_and_remove_small_masks; Uint16Array while the largest label fits, else Uint32Array. */
export function fillHolesAndRemoveSmallMasks(labels: LabelArray, height: number, width: number, minSize: number): Uint16Array | Uint32Array {
  checkLabels(labels, height, width);
  return fillHolesInPlace(copyLabels(labels, null), height, width, minSize);
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

/**
 * fillHolesAndRemoveSmallMasks on `masks` itself (labels only ever get smaller numbers); returns it, or a Uint16Array
 * copy when it is a Uint32Array whose labels now all fit.
 */
export function fillHolesInPlace(masks: Uint16Array | Uint32Array, height: number, width: number, minSize: number): Uint16Array | Uint32Array {
  checkLabels(masks, height, width);
  if (!Number.isFinite(minSize)) {
    throw new InvalidSettingError(`The minimum mask size must be a number of pixels; got ${minSize}.`, { minSize });
  }
  const boxes = boundingBoxes(masks, width);
  let nextLabel = 0;
  let inBox = new Uint8Array(0);
  let stack = new Int32Array(0);
  for (let label = 1; label < boxes.length / 4; label++) {
    const top = boxes[4 * label]!;
    const bottom = boxes[4 * label + 1]!;
    if (bottom < top) continue; // label absent: find_objects gives None
    const left = boxes[4 * label + 2]!;
    const right = boxes[4 * label + 3]!;
    const boxWidth = right - left + 1;
    const boxArea = (bottom - top + 1) * boxWidth;
    if (inBox.length < boxArea) {
      inBox = new Uint8Array(boxArea);
      stack = new Int32Array(boxArea);
    }
    let pixels = 0;
    for (let r = top, b = 0; r <= bottom; r++) {
      for (let c = left; c <= right; c++, b++) {
        const isMask = masks[r * width + c] === label;
        inBox[b] = isMask ? MASK : UNREACHED;
        if (isMask) pixels++;
      }
    }
    if (minSize > 0 && pixels < minSize) {
      paint(masks, inBox, top, bottom, left, right, width, MASK, 0);
    } else if (pixels > 0) {
      markOutside(inBox, stack, bottom - top + 1, boxWidth);
      nextLabel++;
      paint(masks, inBox, top, bottom, left, right, width, MASK, nextLabel);
      paint(masks, inBox, top, bottom, left, right, width, UNREACHED, nextLabel);
    }
  }
  // Every label was erased or renumbered to at most nextLabel, and a filled hole takes its mask's new number.
  return nextLabel < 65536 && masks instanceof Uint32Array ? new Uint16Array(masks) : masks;
}

/** Per label: top, bottom, left, right (bottom < top when absent). */
function boundingBoxes(masks: Uint16Array | Uint32Array, width: number): Int32Array {
  let maxLabel = 0;
  for (let i = 0; i < masks.length; i++) maxLabel = Math.max(maxLabel, masks[i]!);
  const boxes = new Int32Array(4 * (maxLabel + 1));
  for (let label = 0; label <= maxLabel; label++) {
    boxes[4 * label] = 0x7fffffff;
    boxes[4 * label + 1] = -1;
    boxes[4 * label + 2] = 0x7fffffff;
    boxes[4 * label + 3] = -1;
  }
  const height = masks.length / width;
  for (let row = 0, i = 0; row < height; row++) {
    for (let col = 0; col < width; col++, i++) {
      const label = masks[i]!;
      if (label === 0) continue;
      const at = 4 * label;
      if (row < boxes[at]!) boxes[at] = row;
      boxes[at + 1] = row;
      if (col < boxes[at + 2]!) boxes[at + 2] = col;
      if (col > boxes[at + 3]!) boxes[at + 3] = col;
    }
  }
  return boxes;
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

function paint(
  masks: Uint16Array | Uint32Array,
  inBox: Uint8Array,
  top: number,
  bottom: number,
  left: number,
  right: number,
  width: number,
  state: number,
  value: number,
): void {
  for (let r = top, b = 0; r <= bottom; r++) {
    for (let c = left; c <= right; c++, b++) {
      if (inBox[b] === state) masks[r * width + c] = value;
    }
  }
}
