// The draw and erase tools' edits of a label image: a freehand outline filled into a new mask, and a brush stroke
// that clears mask pixels. Both return a LabelEdit (labelEdits.ts), so they undo like any other edit. Pure, runs
// anywhere.
//
// [Note: tool geometry] Paths are in image coordinates as the viewer reports them (pixel k spans [k, k + 1), so its
// centre is k + 0.5). A drawn outline covers the pixels whose centres lie inside it (even-odd rule) and every pixel
// its line passes through, as cv2.fillPoly, which Cellpose's GUI fills drawn masks with, includes the boundary. A
// brush of size d covers the pixels whose centres are within d / 2 of its path, and the pixels the path passes
// through, so even a size-1 brush erases what is under the pointer.
import type { LabelEdit } from './labelEdits';

/** A rectangle of pixels, inclusive, clipped to the image. */
interface Box {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/** A flag per pixel of `box`, with the box it covers. */
class BoxMarks {
  readonly width: number;
  readonly flags: Uint8Array;

  constructor(readonly box: Box) {
    this.width = box.right - box.left + 1;
    this.flags = new Uint8Array(Math.max(0, this.width * (box.bottom - box.top + 1)));
  }

  mark(x: number, y: number): void {
    const { left, top, right, bottom } = this.box;
    if (x >= left && x <= right && y >= top && y <= bottom) this.flags[(y - top) * this.width + x - left] = 1;
  }
}

/** The pixels of the path's box grown by `margin`, clipped to the image; null when it lies wholly outside. */
function pathBox(points: readonly number[], margin: number, width: number, height: number): Box | null {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (let p = 0; p < points.length; p += 2) {
    minX = Math.min(minX, points[p]!);
    maxX = Math.max(maxX, points[p]!);
    minY = Math.min(minY, points[p + 1]!);
    maxY = Math.max(maxY, points[p + 1]!);
  }
  const box = {
    left: Math.max(0, Math.floor(minX - margin)),
    top: Math.max(0, Math.floor(minY - margin)),
    right: Math.min(width - 1, Math.floor(maxX + margin)),
    bottom: Math.min(height - 1, Math.floor(maxY + margin)),
  };
  return box.left > box.right || box.top > box.bottom ? null : box;
}

/** Marks every pixel the segment (x0, y0)-(x1, y1) passes through, sampled at least twice per pixel. */
function markSegment(marks: BoxMarks, x0: number, y0: number, x1: number, y1: number): void {
  const steps = Math.max(1, Math.ceil(2 * Math.max(Math.abs(x1 - x0), Math.abs(y1 - y0))));
  for (let s = 0; s <= steps; s++) {
    const t = s / steps;
    marks.mark(Math.floor(x0 + (x1 - x0) * t), Math.floor(y0 + (y1 - y0) * t));
  }
}

/** Sets the marked pixels that `accept` allows to `value` (in place) and records them, in pixel order. */
function applyMarks(labels: Uint32Array, imageWidth: number, marks: BoxMarks, value: number, accept: (label: number) => boolean) {
  const { left, top } = marks.box;
  const found: number[] = [];
  for (let k = 0; k < marks.flags.length; k++) {
    if (marks.flags[k] !== 1) continue;
    const index = (top + Math.floor(k / marks.width)) * imageWidth + left + (k % marks.width);
    if (accept(labels[index]!)) found.push(index);
  }
  const pixels = Uint32Array.from(found);
  const previous = new Uint32Array(pixels.length);
  for (let k = 0; k < pixels.length; k++) {
    previous[k] = labels[pixels[k]!]!;
    labels[pixels[k]!] = value;
  }
  return { pixels, previous };
}

/**
 * Fills the closed outline `points` ([x0, y0, x1, y1, ...], image coordinates) into a new mask labelled `value`
 * (in place). Only background pixels join it: pixels already in masks stay theirs, as in Cellpose. Null when the
 * outline has fewer than three points or covers no background pixel.
 */
export function fillOutline(labels: Uint32Array, width: number, height: number, points: readonly number[], value: number): LabelEdit | null {
  const count = Math.floor(points.length / 2);
  if (count < 3 || value <= 0) return null;
  const box = pathBox(points, 0, width, height);
  if (box === null) return null;
  const marks = new BoxMarks(box);
  const crossings: number[] = [];
  for (let y = box.top; y <= box.bottom; y++) {
    const centreY = y + 0.5;
    crossings.length = 0;
    for (let a = 0; a < count; a++) {
      const b = (a + 1) % count;
      const ya = points[2 * a + 1]!;
      const yb = points[2 * b + 1]!;
      if (ya <= centreY === yb <= centreY) continue;
      const xa = points[2 * a]!;
      crossings.push(xa + ((centreY - ya) / (yb - ya)) * (points[2 * b]! - xa));
    }
    crossings.sort((p, q) => p - q);
    for (let c = 0; c + 1 < crossings.length; c += 2) {
      // Pixel x is inside when its centre x + 0.5 lies in [from, to).
      const from = Math.max(box.left, Math.ceil(crossings[c]! - 0.5));
      const to = Math.min(box.right + 1, Math.ceil(crossings[c + 1]! - 0.5));
      for (let x = from; x < to; x++) marks.mark(x, y);
    }
  }
  for (let a = 0; a < count; a++) {
    const b = (a + 1) % count;
    markSegment(marks, points[2 * a]!, points[2 * a + 1]!, points[2 * b]!, points[2 * b + 1]!);
  }
  const changed = applyMarks(labels, width, marks, value, (label) => label === 0);
  return changed.pixels.length === 0 ? null : { kind: 'draw', labels: [value], value, ...changed };
}

/** Squared distance from (px, py) to the segment (x0, y0)-(x1, y1). */
function segmentDistance2(px: number, py: number, x0: number, y0: number, x1: number, y1: number): number {
  const dx = x1 - x0;
  const dy = y1 - y0;
  const length2 = dx * dx + dy * dy;
  const t = length2 === 0 ? 0 : Math.min(1, Math.max(0, ((px - x0) * dx + (py - y0) * dy) / length2));
  const ex = px - (x0 + t * dx);
  const ey = py - (y0 + t * dy);
  return ex * ex + ey * ey;
}

/**
 * Erases mask pixels under a brush of size `size` (pixels across) moved along `points` ([x0, y0, ...], image
 * coordinates; one point is a dab), in place. Null when the stroke touched no mask.
 */
export function eraseStroke(labels: Uint32Array, width: number, height: number, points: readonly number[], size: number): LabelEdit | null {
  const count = Math.floor(points.length / 2);
  if (count === 0) return null;
  const radius = Math.max(0, size) / 2;
  const box = pathBox(points, radius + 1, width, height);
  if (box === null) return null;
  const marks = new BoxMarks(box);
  const radius2 = radius * radius;
  for (let a = 0; a < count; a++) {
    const b = Math.min(a + 1, count - 1);
    const [x0, y0, x1, y1] = [points[2 * a]!, points[2 * a + 1]!, points[2 * b]!, points[2 * b + 1]!];
    const segment = pathBox([x0, y0, x1, y1], radius + 1, width, height);
    if (segment === null) continue;
    for (let y = segment.top; y <= segment.bottom; y++) {
      for (let x = segment.left; x <= segment.right; x++) {
        if (segmentDistance2(x + 0.5, y + 0.5, x0, y0, x1, y1) <= radius2) marks.mark(x, y);
      }
    }
    markSegment(marks, x0, y0, x1, y1);
  }
  const changed = applyMarks(labels, width, marks, 0, (label) => label !== 0);
  if (changed.pixels.length === 0) return null;
  const touched = [...new Set(changed.previous)].sort((p, q) => p - q);
  return { kind: 'erase', labels: touched, value: 0, ...changed };
}
