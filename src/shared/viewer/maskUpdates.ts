// Keeps a segmentation's outlines and measurements right after an edit by recomputing only the masks the edit
// touched, inside their bounding boxes. Pure, runs anywhere (the renderer, after each edit, undo and redo).
//
// [Note: incremental mask updates] Recomputing outlines and measurements of a 2560 x 2160 image after every brush
// stroke would cost a full pass per channel; an edit touches a few masks. Each mask's outline depends on its own
// pixels only (Cellpose traces every mask on its own), and its measurements too, so the masks an edit touched are
// re-traced and re-measured in their boxes and the others are left as they are. A touched mask's box after the edit
// lies inside its box before it joined with the edit's pixels, so per-label boxes are kept (MaskBoxes) and updated
// here. The region is scanned in raster order, the order measureMasks adds pixels in, so the sums, and hence the
// means, come out identical to a from-scratch computation, not merely close. Outlines are traced by the engine's
// own outlinePixels (Cellpose's masks_to_outlines) on the mask cut out of the image, so edited outlines are the ones
// an export writes; tsconfig.web.json includes outlines.ts and the two pure modules it imports for that.
import { outlinePixels } from '../../engine/core/outlines';
import type { MaskMeasurement } from '../engineTypes';
import { touchedLabels, type LabelEdit } from './labelEdits';
import type { ImagePlanes } from './rendering';

/** What an edit changes besides the labels: a Segmentation's outlines, mask count and measurement rows. */
export interface EditableMasks {
  width: number;
  height: number;
  labels: Uint32Array;
  /** 1 on each mask's outer contour. */
  outlines: Uint8Array;
  maskCount: number;
  /** One row per present mask, in label order. */
  masks: MaskMeasurement[];
}

interface Box {
  top: number;
  bottom: number;
  left: number;
  right: number;
}

/** Each label's bounding box (inclusive), kept up to date by updateAfterEdit. */
export class MaskBoxes {
  /** top, bottom, left, right per label; bottom < top for absent labels. */
  private boxes = new Int32Array(0);

  /** The boxes of every mask in `labels`, in one pass. */
  static of(labels: Uint32Array, width: number): MaskBoxes {
    const result = new MaskBoxes();
    for (let i = 0; i < labels.length; i++) {
      const label = labels[i]!;
      if (label === 0) continue;
      const y = Math.floor(i / width);
      result.include(label, i - y * width, y);
    }
    return result;
  }

  get(label: number): Box | null {
    const at = 4 * label;
    if (at + 3 >= this.boxes.length || this.boxes[at + 1]! < this.boxes[at]!) return null;
    return { top: this.boxes[at]!, bottom: this.boxes[at + 1]!, left: this.boxes[at + 2]!, right: this.boxes[at + 3]! };
  }

  set(label: number, box: Box | null): void {
    this.reserve(label);
    const at = 4 * label;
    this.boxes.set(box === null ? [1, 0, 1, 0] : [box.top, box.bottom, box.left, box.right], at);
  }

  private include(label: number, x: number, y: number): void {
    const box = this.get(label);
    this.set(label, box === null ? { top: y, bottom: y, left: x, right: x } : {
      top: Math.min(box.top, y),
      bottom: Math.max(box.bottom, y),
      left: Math.min(box.left, x),
      right: Math.max(box.right, x),
    });
  }

  private reserve(label: number): void {
    if (4 * label + 3 < this.boxes.length) return;
    const grown = new Int32Array(4 * Math.max(label + 1, 2 * (this.boxes.length / 4), 16));
    for (let at = 0; at < grown.length; at += 4) grown.set([1, 0, 1, 0], at);
    grown.set(this.boxes);
    this.boxes = grown;
  }
}

function union(a: Box | null, b: Box): Box {
  if (a === null) return b;
  return { top: Math.min(a.top, b.top), bottom: Math.max(a.bottom, b.bottom), left: Math.min(a.left, b.left), right: Math.max(a.right, b.right) };
}

/** Area, centroid, channel means and box of `label` inside `region`; null when no pixel there has it. */
function measureIn(labels: Uint32Array, width: number, label: number, region: Box, image: ImagePlanes | null): { row: MaskMeasurement; box: Box } | null {
  let area = 0;
  let sumX = 0;
  let sumY = 0;
  const box = { top: Infinity, bottom: -1, left: Infinity, right: -1 };
  for (let y = region.top; y <= region.bottom; y++) {
    for (let x = region.left, i = y * width + region.left; x <= region.right; x++, i++) {
      if (labels[i] !== label) continue;
      area += 1;
      sumX += x;
      sumY += y;
      if (y < box.top) box.top = y;
      box.bottom = y;
      if (x < box.left) box.left = x;
      if (x > box.right) box.right = x;
    }
  }
  if (area === 0) return null;
  const meanIntensity: number[] = [];
  const plane = width * (image?.height ?? 0);
  for (let c = 0; c < (image?.channels ?? 0); c++) {
    const { data } = image!;
    let sum = 0;
    for (let y = box.top; y <= box.bottom; y++) {
      for (let i = y * width + box.left, end = y * width + box.right; i <= end; i++) if (labels[i] === label) sum += data[c * plane + i]!;
    }
    meanIntensity.push(sum / area);
  }
  return { row: { label, area, centroidX: sumX / area, centroidY: sumY / area, meanIntensity }, box };
}

/** Writes the outline of `label`, cut out of the image at `box`, into `outlines`. */
function traceOutline(labels: Uint32Array, outlines: Uint8Array, width: number, label: number, box: Box): void {
  const cutWidth = box.right - box.left + 1;
  const cutHeight = box.bottom - box.top + 1;
  const cut = new Uint8Array(cutWidth * cutHeight);
  for (let y = 0; y < cutHeight; y++) {
    for (let x = 0, i = (box.top + y) * width + box.left; x < cutWidth; x++, i++) if (labels[i] === label) cut[y * cutWidth + x] = 1;
  }
  const traced = outlinePixels(cut, cutHeight, cutWidth);
  for (let y = 0; y < cutHeight; y++) {
    for (let x = 0, i = (box.top + y) * width + box.left; x < cutWidth; x++, i++) if (cut[y * cutWidth + x] === 1) outlines[i] = traced[y * cutWidth + x]!;
  }
}

/**
 * Brings `masks` (outlines, count, rows) and `boxes` up to date after `edit` was applied to or reverted from
 * `masks.labels`. `image` gives the channel means (null: no intensities). See [Note: incremental mask updates].
 */
export function updateAfterEdit(masks: EditableMasks, boxes: MaskBoxes, image: ImagePlanes | null, edit: LabelEdit): void {
  const { labels, outlines, width } = masks;
  if (edit.pixels.length === 0) return;
  let editBox: Box = { top: Infinity, bottom: -1, left: Infinity, right: -1 };
  for (let k = 0; k < edit.pixels.length; k++) {
    const index = edit.pixels[k]!;
    const y = Math.floor(index / width);
    const x = index - y * width;
    editBox = { top: Math.min(editBox.top, y), bottom: Math.max(editBox.bottom, y), left: Math.min(editBox.left, x), right: Math.max(editBox.right, x) };
    // A pixel that changed hands is re-traced below if it still belongs to a mask.
    outlines[index] = 0;
  }
  const touched = touchedLabels(edit);
  const rows: MaskMeasurement[] = [];
  for (const label of touched) {
    const measured = measureIn(labels, width, label, union(boxes.get(label), editBox), image);
    boxes.set(label, measured?.box ?? null);
    if (measured === null) continue;
    rows.push(measured.row);
    traceOutline(labels, outlines, width, label, measured.box);
  }
  const isTouched = new Set(touched);
  masks.masks = [...masks.masks.filter((row) => !isTouched.has(row.label)), ...rows].sort((a, b) => a.label - b.label);
  masks.maskCount = masks.masks.length;
}
