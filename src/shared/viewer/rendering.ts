// Pixels for the viewer's two layers: the image (each channel through its display range) and the mask overlay
// (filled masks in their colours, outlines, selection). RGBA, row-major, as a canvas ImageData holds them. Pure.
import { maskColour } from './colours';

export interface ImagePlanes {
  width: number;
  height: number;
  channels: number;
  /** Channel-major: sample (c, y, x) at data[(c * height + y) * width + x]. */
  data: ArrayLike<number>;
}

/**
 * The image as RGBA: one channel as grey, otherwise channels 1, 2, 3 as red, green and blue (as the outlines export
 * renders it), channels with `visible[c]` false left dark, each mapped linearly from its range to 0..255.
 */
export function renderImage(planes: ImagePlanes, ranges: readonly (readonly [number, number])[], visible: readonly boolean[], target: Uint8ClampedArray): void {
  const plane = planes.width * planes.height;
  target.fill(0);
  for (let i = 0; i < plane; i++) target[4 * i + 3] = 255;
  const shown = Math.min(3, planes.channels);
  for (let c = 0; c < shown; c++) {
    if (visible[c] === false) continue;
    const [low, high] = ranges[c]!;
    const scale = high > low ? 255 / (high - low) : 0;
    const offset = c * plane;
    const { data } = planes;
    if (planes.channels === 1) {
      for (let i = 0; i < plane; i++) {
        const value = (data[offset + i]! - low) * scale;
        target[4 * i] = target[4 * i + 1] = target[4 * i + 2] = value;
      }
    } else {
      for (let i = 0; i < plane; i++) target[4 * i + c] = (data[offset + i]! - low) * scale;
    }
  }
}

export interface OverlayOptions {
  showMasks: boolean;
  showOutlines: boolean;
  /** Mask fill opacity, 0..1. */
  opacity: number;
  selected: ReadonlySet<number>;
}

/** Outline colour and alpha, as Cellpose's GUI draws outlines (pale blue-white). */
export const OUTLINE_RGBA = [200, 200, 255, 255] as const;
/** Selected masks are filled white, at least this opaque, whatever the overlay shows. */
export const SELECTED_MIN_ALPHA = 0.6;

/** RGB per label 0..largest, 3 bytes each. */
function colourTable(largest: number): Uint8Array {
  const table = new Uint8Array(3 * (largest + 1));
  for (let label = 1; label <= largest; label++) table.set(maskColour(label), 3 * label);
  return table;
}

export function renderOverlay(labels: Uint32Array, outlines: Uint8Array, options: OverlayOptions, target: Uint8ClampedArray): void {
  let largest = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i]! > largest) largest = labels[i]!;
  const colours = colourTable(largest);
  const isSelected = new Uint8Array(largest + 1);
  for (const label of options.selected) if (label <= largest) isSelected[label] = 1;
  const fillAlpha = Math.round(Math.min(1, Math.max(0, options.opacity)) * 255);
  const selectedAlpha = Math.round(Math.max(SELECTED_MIN_ALPHA, options.opacity) * 255);
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i]!;
    const at = 4 * i;
    if (label === 0) {
      target[at] = target[at + 1] = target[at + 2] = target[at + 3] = 0;
    } else if (options.showOutlines && outlines[i] === 1) {
      target[at] = OUTLINE_RGBA[0];
      target[at + 1] = OUTLINE_RGBA[1];
      target[at + 2] = OUTLINE_RGBA[2];
      target[at + 3] = OUTLINE_RGBA[3];
    } else if (isSelected[label] === 1) {
      target[at] = target[at + 1] = target[at + 2] = 255;
      target[at + 3] = selectedAlpha;
    } else if (options.showMasks) {
      target[at] = colours[3 * label]!;
      target[at + 1] = colours[3 * label + 1]!;
      target[at + 2] = colours[3 * label + 2]!;
      target[at + 3] = fillAlpha;
    } else {
      target[at + 3] = 0;
    }
  }
}
