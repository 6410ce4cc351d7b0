// Crop sizes read from text, in one place: what a user types in the Benchmark view's field or after `celldesk bench
// --sizes` ("224, 448, full"), and the sizes the history database keeps as text. Pure, runs anywhere (see
// [Note: viewer helpers in src/shared]).
import { cropSize, type CropSize } from '../benchTypes';

export type CropSizesInput = { ok: true; sizes: CropSize[] | null } | { ok: false; message: string };

/** One size as text ('224', 'full', any case), or null when it is not one (not a whole number from 16). */
export function cropSizeFromText(word: string): CropSize | null {
  const parsed = cropSize.safeParse(word.toLowerCase() === 'full' ? 'full' : /^\d+$/.test(word) ? Number(word) : null);
  return parsed.success ? parsed.data : null;
}

/** Sides in pixels and 'full', separated by commas or spaces; empty: null (the engine's 224, 448, ... and full). */
export function parseCropSizes(text: string): CropSizesInput {
  const words = text.split(/[\s,;]+/).filter((word) => word !== '');
  if (words.length === 0) return { ok: true, sizes: null };
  const sizes: CropSize[] = [];
  for (const word of words) {
    const size = cropSizeFromText(word);
    if (size === null) {
      return { ok: false, message: `"${word}" is not a crop size: give sides in pixels from 16 (e.g. 224, 448) or "full" for the whole image.` };
    }
    if (sizes.includes(size)) return { ok: false, message: `The crop size ${word} is listed twice.` };
    sizes.push(size);
  }
  return { ok: true, sizes };
}

/** Crop sizes smallest first: sides ascending, then the full image; each once. */
export function sortSizes(sizes: Iterable<CropSize>): CropSize[] {
  const rank = (size: CropSize) => (size === 'full' ? Number.POSITIVE_INFINITY : size);
  return [...new Set(sizes)].sort((a, b) => rank(a) - rank(b));
}
