// Writes the masks' numbers over the viewer's canvas, in screen space at one text size (see [Note: mask numbers] in
// src/shared/viewer/maskNumbers.ts): white with a dark edge, readable over any mask colour. Renderer.
import { placeMaskNumbers, type MaskAnchor } from '../../../shared/viewer/maskNumbers';
import type { Viewport } from '../../../shared/viewer/viewport';

const FONT_PX = 12;
/** Room kept around a number, in CSS pixels, when deciding whether its mask is large enough to carry it. */
const PADDING_PX = 2;

/** Draws the numbers the view shows; answers how many it drew. `ratio`: device pixels per CSS pixel. */
export function drawMaskNumbers(
  context: CanvasRenderingContext2D,
  anchors: readonly MaskAnchor[],
  view: Viewport,
  viewWidth: number,
  viewHeight: number,
  ratio: number,
): number {
  context.setTransform(ratio, 0, 0, ratio, 0, 0);
  context.font = `600 ${FONT_PX}px system-ui, sans-serif`;
  const widths = new Map<number, number>();
  const width = (label: number): number => {
    const digits = String(label).length;
    let measured = widths.get(digits);
    if (measured === undefined) {
      measured = context.measureText('0'.repeat(digits)).width + 2 * PADDING_PX;
      widths.set(digits, measured);
    }
    return measured;
  };
  const placed = placeMaskNumbers(anchors, view, viewWidth, viewHeight, { width, height: FONT_PX + PADDING_PX });
  context.textAlign = 'center';
  context.textBaseline = 'middle';
  context.lineJoin = 'round';
  context.lineWidth = 3;
  context.strokeStyle = 'rgba(0, 0, 0, 0.85)';
  context.fillStyle = '#ffffff';
  for (const { label, x, y } of placed) {
    context.strokeText(String(label), x, y);
    context.fillText(String(label), x, y);
  }
  return placed.length;
}
