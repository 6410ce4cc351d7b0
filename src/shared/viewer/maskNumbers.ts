// Where the viewer writes each mask's number: one anchor per mask in image coordinates, and which numbers a view
// shows, in screen coordinates. Pure; the viewer draws them (src/renderer/src/views/Viewer.tsx).
//
// [Note: mask numbers] A number is written at its mask's centroid, or, where the centroid falls outside the mask
// (a crescent, a ring), at the mask's pixel nearest to it, so that every number sits on its own mask. The numbers
// are drawn in screen space at a fixed text size, so they stay readable at any zoom; a number is left out while its
// mask is narrower or shorter on screen than its text, where it would cover its neighbours rather than name a mask.
import type { Viewport } from './viewport';

export interface MaskAnchor {
  label: number;
  /** The pixel the number is written on (its centre is at x + 0.5, y + 0.5). */
  x: number;
  y: number;
  /** The mask's bounding box, in image pixels. */
  boxWidth: number;
  boxHeight: number;
}

/** One anchor per label present, in label order (see [Note: mask numbers]). */
export function maskAnchors(labels: Uint32Array, width: number): MaskAnchor[] {
  let largest = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i]! > largest) largest = labels[i]!;
  const count = new Float64Array(largest + 1);
  const sumX = new Float64Array(largest + 1);
  const sumY = new Float64Array(largest + 1);
  const minX = new Int32Array(largest + 1).fill(width);
  const maxX = new Int32Array(largest + 1).fill(-1);
  const minY = new Int32Array(largest + 1).fill(labels.length);
  const maxY = new Int32Array(largest + 1).fill(-1);
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i]!;
    if (label === 0) continue;
    const x = i % width;
    const y = (i - x) / width;
    count[label]! += 1;
    sumX[label]! += x;
    sumY[label]! += y;
    if (x < minX[label]!) minX[label] = x;
    if (x > maxX[label]!) maxX[label] = x;
    if (y < minY[label]!) minY[label] = y;
    if (y > maxY[label]!) maxY[label] = y;
  }

  const anchorX = new Int32Array(largest + 1);
  const anchorY = new Int32Array(largest + 1);
  /** Labels whose centroid pixel belongs to another mask or to none: their nearest own pixel is looked for. */
  const outside = new Float64Array(largest + 1);
  let anyOutside = false;
  for (let label = 1; label <= largest; label++) {
    if (count[label] === 0) continue;
    const cx = Math.round(sumX[label]! / count[label]!);
    const cy = Math.round(sumY[label]! / count[label]!);
    anchorX[label] = cx;
    anchorY[label] = cy;
    if (labels[cy * width + cx] !== label) {
      outside[label] = Infinity;
      anyOutside = true;
    }
  }
  if (anyOutside) {
    for (let i = 0; i < labels.length; i++) {
      const label = labels[i]!;
      if (outside[label]! === 0) continue;
      const x = i % width;
      const y = (i - x) / width;
      const cx = sumX[label]! / count[label]!;
      const cy = sumY[label]! / count[label]!;
      const distance = (x - cx) ** 2 + (y - cy) ** 2;
      if (distance < outside[label]!) {
        outside[label] = distance;
        anchorX[label] = x;
        anchorY[label] = y;
      }
    }
  }

  const anchors: MaskAnchor[] = [];
  for (let label = 1; label <= largest; label++) {
    if (count[label] === 0) continue;
    anchors.push({
      label,
      x: anchorX[label]!,
      y: anchorY[label]!,
      boxWidth: maxX[label]! - minX[label]! + 1,
      boxHeight: maxY[label]! - minY[label]! + 1,
    });
  }
  return anchors;
}

export interface PlacedNumber {
  label: number;
  /** The centre of the text, in CSS pixels from the view's top left. */
  x: number;
  y: number;
}

export interface NumberText {
  /** Width of a label's text on screen, in CSS pixels. */
  width(label: number): number;
  /** Height of the text, in CSS pixels. */
  height: number;
}

/** The numbers a view of `viewWidth` x `viewHeight` CSS pixels shows, where to write them (see [Note: mask numbers]). */
export function placeMaskNumbers(anchors: readonly MaskAnchor[], view: Viewport, viewWidth: number, viewHeight: number, text: NumberText): PlacedNumber[] {
  const placed: PlacedNumber[] = [];
  const { scale, offsetX, offsetY } = view;
  for (const anchor of anchors) {
    const textWidth = text.width(anchor.label);
    if (anchor.boxWidth * scale < textWidth || anchor.boxHeight * scale < text.height) continue;
    const x = offsetX + (anchor.x + 0.5) * scale;
    const y = offsetY + (anchor.y + 0.5) * scale;
    if (x + textWidth / 2 < 0 || x - textWidth / 2 > viewWidth || y + text.height / 2 < 0 || y - text.height / 2 > viewHeight) continue;
    placed.push({ label: anchor.label, x, y });
  }
  return placed;
}
