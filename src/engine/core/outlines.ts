// Mask outlines as Cellpose draws and exports them (utils.masks_to_outlines, utils.outlines_list): the outer contour
// of each mask, traced as OpenCV's findContours(RETR_EXTERNAL, CHAIN_APPROX_NONE) does. Pure, runs anywhere.
//
// [Note: outer contours] Cellpose 3.0.11 gets outlines from cv2.findContours on each mask's bounding box, external
// contours only, every point kept. That is Suzuki and Abe's border following (1985) restricted to outer borders of
// components that no other component of the same mask encloses: a border starts at a mask pixel whose left
// neighbour is background reached from outside the box (OpenCV reads beyond the box as background), and is followed
// by the paper's steps 3.1-3.5 with 8-connectivity. masks_to_outlines marks the pixels of every such contour;
// outlines_list keeps, per mask in label order, the contour with the most points, and an empty one when it has 4 or
// fewer points (ImageJ then gets no ROI for that mask).
import { checkLabels, type LabelArray } from './flowError';

/** A contour's pixels in tracing order, x then y for each point, in image coordinates. */
export interface MaskContour {
  label: number;
  /** [x0, y0, x1, y1, ...]. */
  points: Int32Array;
}

/** Neighbour offsets (row, column), clockwise as seen on screen (rows downwards), starting east. */
const NEIGHBOUR_ROW = [0, 1, 1, 1, 0, -1, -1, -1];
const NEIGHBOUR_COLUMN = [1, 1, 0, -1, -1, -1, 0, 1];
const WEST = 4;

/** Per label 1..max: top, bottom, left, right (inclusive); bottom < top for absent labels. */
function boundingBoxes(labels: LabelArray, width: number): { boxes: Int32Array; maxLabel: number } {
  let maxLabel = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i]! > maxLabel) maxLabel = labels[i]!;
  const boxes = new Int32Array(4 * (maxLabel + 1));
  for (let label = 0; label <= maxLabel; label++) {
    boxes[4 * label] = 2 ** 31 - 1;
    boxes[4 * label + 1] = -1;
    boxes[4 * label + 2] = 2 ** 31 - 1;
    boxes[4 * label + 3] = -1;
  }
  const height = labels.length / width;
  for (let y = 0, i = 0; y < height; y++) {
    for (let x = 0; x < width; x++, i++) {
      const label = labels[i]!;
      if (label === 0) continue;
      const at = 4 * label;
      if (y < boxes[at]!) boxes[at] = y;
      boxes[at + 1] = y;
      if (x < boxes[at + 2]!) boxes[at + 2] = x;
      if (x > boxes[at + 3]!) boxes[at + 3] = x;
    }
  }
  return { boxes, maxLabel };
}

/** Scratch buffers for one mask's padded box, grown as needed and reused across masks. */
class BoxScratch {
  cells = new Uint8Array(0);
  outside = new Uint8Array(0);
  stack = new Int32Array(0);

  fit(size: number): void {
    if (this.cells.length >= size) return;
    this.cells = new Uint8Array(size);
    this.outside = new Uint8Array(size);
    this.stack = new Int32Array(size);
  }
}

const BACKGROUND = 0;
const MASK = 1;
const TRACED = 2;

/**
 * Every outer contour of one mask: the box (padded by one background pixel on each side) is copied into
 * `scratch.cells`, the background reachable from the padding is flooded (4-connected, the complement of
 * 8-connected masks), and each border starting next to that background is traced.
 */
function contoursOfMask(labels: LabelArray, width: number, label: number, box: Int32Array, scratch: BoxScratch): Int32Array[] {
  const top = box[0]!;
  const left = box[2]!;
  const boxWidth = box[3]! - left + 3;
  const boxHeight = box[1]! - top + 3;
  const size = boxWidth * boxHeight;
  scratch.fit(size);
  const { cells, outside, stack } = scratch;
  cells.fill(BACKGROUND, 0, size);
  outside.fill(0, 0, size);
  for (let row = 1; row < boxHeight - 1; row++) {
    const source = (top + row - 1) * width + left - 1;
    for (let column = 1; column < boxWidth - 1; column++) {
      if (labels[source + column] === label) cells[row * boxWidth + column] = MASK;
    }
  }

  let stackSize = 0;
  outside[0] = 1;
  stack[stackSize++] = 0;
  while (stackSize > 0) {
    const at = stack[--stackSize]!;
    const row = (at / boxWidth) | 0;
    const column = at - row * boxWidth;
    if (column > 0) stackSize = visit(at - 1, cells, outside, stack, stackSize);
    if (column < boxWidth - 1) stackSize = visit(at + 1, cells, outside, stack, stackSize);
    if (row > 0) stackSize = visit(at - boxWidth, cells, outside, stack, stackSize);
    if (row < boxHeight - 1) stackSize = visit(at + boxWidth, cells, outside, stack, stackSize);
  }

  const contours: Int32Array[] = [];
  for (let row = 1; row < boxHeight - 1; row++) {
    for (let column = 1; column < boxWidth - 1; column++) {
      const at = row * boxWidth + column;
      if (cells[at] === MASK && outside[at - 1] === 1) {
        contours.push(followBorder(cells, boxWidth, row, column, left - 1, top - 1));
      }
    }
  }
  return contours;
}

function visit(at: number, cells: Uint8Array, outside: Uint8Array, stack: Int32Array, stackSize: number): number {
  if (cells[at] !== BACKGROUND || outside[at] === 1) return stackSize;
  outside[at] = 1;
  stack[stackSize] = at;
  return stackSize + 1;
}

/** Suzuki-Abe steps 3.1-3.5 for the outer border starting at (row, column); marks its pixels TRACED. */
function followBorder(cells: Uint8Array, boxWidth: number, row: number, column: number, offsetX: number, offsetY: number): Int32Array {
  const points: number[] = [];
  const isSet = (r: number, c: number) => cells[r * boxWidth + c] !== BACKGROUND;
  // 3.1: clockwise from the west neighbour, the first mask pixel; none means a lone pixel.
  let first = -1;
  for (let k = 0; k < 8; k++) {
    const direction = (WEST + k) % 8;
    if (isSet(row + NEIGHBOUR_ROW[direction]!, column + NEIGHBOUR_COLUMN[direction]!)) {
      first = direction;
      break;
    }
  }
  if (first < 0) {
    cells[row * boxWidth + column] = TRACED;
    return Int32Array.of(column + offsetX, row + offsetY);
  }
  // 3.2
  const firstRow = row + NEIGHBOUR_ROW[first]!;
  const firstColumn = column + NEIGHBOUR_COLUMN[first]!;
  let currentRow = row;
  let currentColumn = column;
  let cameFrom = first; // direction from the current pixel to the previous one
  for (;;) {
    // 3.3: counterclockwise from the neighbour after the previous pixel, the first mask pixel.
    let next = cameFrom;
    for (let k = 1; k <= 8; k++) {
      next = (cameFrom - k + 8) % 8;
      if (isSet(currentRow + NEIGHBOUR_ROW[next]!, currentColumn + NEIGHBOUR_COLUMN[next]!)) break;
    }
    // 3.4
    cells[currentRow * boxWidth + currentColumn] = TRACED;
    points.push(currentColumn + offsetX, currentRow + offsetY);
    const nextRow = currentRow + NEIGHBOUR_ROW[next]!;
    const nextColumn = currentColumn + NEIGHBOUR_COLUMN[next]!;
    // 3.5: back at the start, about to repeat the first step.
    if (nextRow === row && nextColumn === column && currentRow === firstRow && currentColumn === firstColumn) break;
    cameFrom = (next + 4) % 8;
    currentRow = nextRow;
    currentColumn = nextColumn;
  }
  return Int32Array.from(points);
}

/** Calls `onMask` with each present label and its outer contours, in label order. */
function forEachMaskContours(labels: LabelArray, height: number, width: number, onMask: (label: number, contours: Int32Array[]) => void): void {
  checkLabels(labels, height, width);
  const { boxes, maxLabel } = boundingBoxes(labels, width);
  const scratch = new BoxScratch();
  for (let label = 1; label <= maxLabel; label++) {
    const box = boxes.subarray(4 * label, 4 * label + 4);
    if (box[1]! < box[0]!) continue;
    onMask(label, contoursOfMask(labels, width, label, box, scratch));
  }
}

/**
 * utils.masks_to_outlines: 1 where a pixel lies on the outer contour of its mask, else 0. A pixel so marked always
 * belongs to a mask, so an outline whose mask is later erased can be hidden by looking at the labels.
 */
export function outlinePixels(labels: LabelArray, height: number, width: number): Uint8Array {
  const outlines = new Uint8Array(height * width);
  forEachMaskContours(labels, height, width, (_label, contours) => {
    for (const contour of contours) {
      for (let p = 0; p < contour.length; p += 2) outlines[contour[p + 1]! * width + contour[p]!] = 1;
    }
  });
  return outlines;
}

/**
 * utils.outlines_list: per present mask, in label order, its longest outer contour; `points` is empty when that
 * contour has 4 points or fewer.
 */
export function maskContours(labels: LabelArray, height: number, width: number): MaskContour[] {
  const result: MaskContour[] = [];
  forEachMaskContours(labels, height, width, (label, contours) => {
    let longest = contours[0]!;
    for (const contour of contours) if (contour.length > longest.length) longest = contour;
    result.push({ label, points: longest.length > 8 ? longest : new Int32Array(0) });
  });
  return result;
}
