// Pixels inside a polygon, for masks read back from ImageJ ROIs: the inverse of the outlines Cellpose exports as
// ROIs (utils.outlines_list). Pure, runs anywhere.
//
// [Note: polygons through pixel centres] Cellpose's ROIs (and CellDesk's) are the outer contours OpenCV traces
// around each mask: their vertices are the centres of the mask's border pixels, each step to an 8-neighbour. So a
// mask is the pixels whose centre lies inside its polygon or on it: the border itself, and every pixel between
// crossings of the polygon with the row through the pixel centres (even-odd rule; an edge counts for the rows from
// its upper end to just above its lower end, so a vertex on a row is counted once, and a contour that runs out and
// back along a one-pixel line crosses it twice and fills it). For a mask in one piece and without holes, as
// Cellpose's masks are after fill_holes, that gives the mask back pixel for pixel; a stray fragment of a mask has no
// outline of its own (outlines_list keeps the longest) and is not given back. ImageJ itself reads vertices as pixel
// corners, so in Fiji such a ROI sits half a pixel up and left of its mask, as Cellpose's own ROIs do.
import { InvalidSettingError } from '../errors';

/** More crossings of polygon edges with pixel rows than this is refused: no outline of a real mask comes close. */
const MAX_CROSSINGS = 1 << 22;

/**
 * Sets to `label` the pixels of `target` (height x width, row-major) whose centre lies inside or on the closed polygon
 * through (xs[k], ys[k]); see [Note: polygons through pixel centres]. Parts outside the image are left out.
 */
export function fillPolygon(target: Uint32Array, width: number, height: number, xs: ArrayLike<number>, ys: ArrayLike<number>, label: number): void {
  const n = xs.length;
  // The rows an edge crosses: from its upper end to just above its lower end (y0 <= y < y1 or y1 <= y < y0).
  const span = (k: number): [number, number] => {
    const [y0, y1] = [ys[k]!, ys[(k + 1) % n]!];
    return y0 === y1 ? [0, -1] : [Math.max(0, Math.ceil(Math.min(y0, y1))), Math.min(height - 1, Math.ceil(Math.max(y0, y1)) - 1)];
  };
  let crossings = 0;
  for (let k = 0; k < n; k++) {
    const [first, last] = span(k);
    crossings += Math.max(0, last - first + 1);
  }
  if (!(crossings <= MAX_CROSSINGS)) {
    throw new InvalidSettingError(`A polygon with ${n} corners crosses the image's rows ${crossings} times, more than ${MAX_CROSSINGS}; no mask outline does.`, { corners: n });
  }
  const rows: number[][] = [];
  for (let k = 0; k < n; k++) {
    const [x0, y0, x1, y1] = [xs[k]!, ys[k]!, xs[(k + 1) % n]!, ys[(k + 1) % n]!];
    markEdge(target, width, height, x0, y0, x1, y1, label);
    const [first, last] = span(k);
    for (let y = first; y <= last; y++) (rows[y] ??= []).push(x0 + ((y - y0) * (x1 - x0)) / (y1 - y0));
  }
  rows.forEach((crossings, y) => {
    crossings.sort((a, b) => a - b);
    for (let c = 0; c + 1 < crossings.length; c += 2) {
      const from = Math.max(0, Math.ceil(crossings[c]!));
      const to = Math.min(width - 1, Math.floor(crossings[c + 1]!));
      for (let x = from; x <= to; x++) target[y * width + x] = label;
    }
  });
}

/** Labels the pixel centres an edge between whole-number vertices passes through (none for fractional vertices). */
function markEdge(target: Uint32Array, width: number, height: number, x0: number, y0: number, x1: number, y1: number, label: number): void {
  if (![x0, y0, x1, y1].every(Number.isSafeInteger)) return;
  const steps = gcd(Math.abs(x1 - x0), Math.abs(y1 - y0));
  const dx = steps === 0 ? 0 : (x1 - x0) / steps;
  const dy = steps === 0 ? 0 : (y1 - y0) / steps;
  // Only the steps that land inside the image, so that an edge far outside costs nothing.
  let from = 0;
  let to = steps;
  for (const [start, step, size] of [[x0, dx, width], [y0, dy, height]] as const) {
    if (step === 0) {
      if (start < 0 || start >= size) return;
      continue;
    }
    const a = (0 - start) / step;
    const b = (size - 1 - start) / step;
    from = Math.max(from, Math.ceil(Math.min(a, b)));
    to = Math.min(to, Math.floor(Math.max(a, b)));
  }
  for (let s = from; s <= to; s++) target[(y0 + s * dy) * width + x0 + s * dx] = label;
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}
