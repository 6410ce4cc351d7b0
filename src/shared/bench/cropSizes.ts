// The Benchmark view's "crop sizes" field: what a user types ("224, 448, full") read as the sizes bench:start takes,
// or a sentence saying what is wrong. Pure, runs anywhere (see [Note: viewer helpers in src/shared]).

export type CropSizesInput = { ok: true; sizes: (number | 'full')[] | null } | { ok: false; message: string };

/** Sides in pixels and 'full', separated by commas or spaces; empty: null (the engine's 224, 448, ... and full). */
export function parseCropSizes(text: string): CropSizesInput {
  const words = text.split(/[\s,;]+/).filter((word) => word !== '');
  if (words.length === 0) return { ok: true, sizes: null };
  const sizes: (number | 'full')[] = [];
  for (const word of words) {
    const size = word.toLowerCase() === 'full' ? 'full' : /^\d+$/.test(word) ? Number(word) : null;
    if (size === null || (size !== 'full' && size < 16)) {
      return { ok: false, message: `"${word}" is not a crop size: give sides in pixels from 16 (e.g. 224, 448) or "full" for the whole image.` };
    }
    if (sizes.includes(size)) return { ok: false, message: `The crop size ${word} is listed twice.` };
    sizes.push(size);
  }
  return { ok: true, sizes };
}
