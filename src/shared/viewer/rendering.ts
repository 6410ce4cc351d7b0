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

/**
 * Each label's overlay pixel, 0..largest, as the four RGBA bytes of one 32-bit word (written byte by byte, so in
 * the platform's order): the overlay is then one word copied per pixel, the pass a re-threshold waits for.
 */
function overlayPalette(largest: number, options: OverlayOptions): Uint32Array {
  const palette = new Uint32Array(largest + 1);
  const bytes = new Uint8Array(palette.buffer);
  const fillAlpha = Math.round(Math.min(1, Math.max(0, options.opacity)) * 255);
  const selectedAlpha = Math.round(Math.max(SELECTED_MIN_ALPHA, options.opacity) * 255);
  if (options.showMasks) {
    for (let label = 1; label <= largest; label++) {
      bytes.set(maskColour(label), 4 * label);
      bytes[4 * label + 3] = fillAlpha;
    }
  }
  for (const label of options.selected) {
    if (label < 1 || label > largest) continue;
    bytes.set([255, 255, 255, selectedAlpha], 4 * label);
  }
  return palette;
}

/** The outline colour as one word, as overlayPalette writes them. */
const OUTLINE_WORD = new Uint32Array(new Uint8Array(OUTLINE_RGBA).buffer)[0]!;

export function renderOverlay(labels: Uint32Array, outlines: Uint8Array, options: OverlayOptions, target: Uint8ClampedArray): void {
  let largest = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i]! > largest) largest = labels[i]!;
  const palette = overlayPalette(largest, options);
  const pixels = new Uint32Array(target.buffer, target.byteOffset, labels.length);
  if (!options.showOutlines) {
    for (let i = 0; i < labels.length; i++) pixels[i] = palette[labels[i]!]!;
    return;
  }
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i]!;
    pixels[i] = label !== 0 && outlines[i] === 1 ? OUTLINE_WORD : palette[label]!;
  }
}
