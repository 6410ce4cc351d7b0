import { test } from 'node:test';
import assert from 'node:assert/strict';
import { maskContours, outlinePixels } from '../../src/engine/core/outlines';
import { loadSharedRaster } from '../helpers/demoModel';

/** A label image from rows of text: digits are labels, '.' is background. */
function labelImage(rows: string[]): { labels: Uint32Array; height: number; width: number } {
  const width = rows[0]!.length;
  const labels = Uint32Array.from(rows.join(''), (ch) => (ch === '.' ? 0 : Number(ch)));
  return { labels, height: rows.length, width };
}

function asText(outlines: Uint8Array, width: number): string[] {
  const rows: string[] = [];
  for (let i = 0; i < outlines.length; i += width) rows.push(Array.from(outlines.subarray(i, i + width), (v) => (v ? '#' : '.')).join(''));
  return rows;
}

function pairs(points: Int32Array): [number, number][] {
  const out: [number, number][] = [];
  for (let p = 0; p < points.length; p += 2) out.push([points[p]!, points[p + 1]!]);
  return out;
}

test('a square mask is outlined by its border ring, traced from its top-left pixel down the left side first (as OpenCV)', () => {
  const { labels, height, width } = labelImage(['.....', '.111.', '.111.', '.111.', '.....']);
  assert.deepEqual(asText(outlinePixels(labels, height, width), width), ['.....', '.###.', '.#.#.', '.###.', '.....']);
  const [contour] = maskContours(labels, height, width);
  assert.equal(contour!.label, 1);
  assert.deepEqual(pairs(contour!.points), [[1, 1], [1, 2], [1, 3], [2, 3], [3, 3], [3, 2], [3, 1], [2, 1]]);
});

test("a mask's hole gets no outline, and a piece of the same mask inside the hole is not an outer contour", () => {
  const { labels, height, width } = labelImage(['1111111', '1.....1', '1.111.1', '1.111.1', '1.111.1', '1.....1', '1111111']);
  assert.deepEqual(asText(outlinePixels(labels, height, width), width), [
    '#######',
    '#.....#',
    '#.....#',
    '#.....#',
    '#.....#',
    '#.....#',
    '#######',
  ]);
});

test('masks touching each other and the image edge are each outlined in full', () => {
  const { labels, height, width } = labelImage(['1122', '1122', '3322']);
  assert.deepEqual(asText(outlinePixels(labels, height, width), width), ['####', '####', '####']);
  assert.deepEqual(maskContours(labels, height, width).map((c) => c.label), [1, 2, 3]);
});

test('contours of 4 points or fewer are left empty, as outlines_list does; a mask of two pieces keeps its longer contour', () => {
  const { labels, height, width } = labelImage(['1.2222', '..2222', '333...', '333..3']);
  const contours = maskContours(labels, height, width);
  assert.deepEqual(contours.map((c) => [c.label, c.points.length / 2]), [[1, 0], [2, 8], [3, 6]]);
  assert.deepEqual(pairs(contours[2]!.points)[0], [0, 2]);
  // Every contour point, pieces included, is an outline pixel.
  const outlines = outlinePixels(labels, height, width);
  assert.equal(outlines[3 * width + 5], 1);
  assert.equal(outlines[0], 1);
});

test("on official Cellpose masks, outline pixels are exactly the mask pixels with a 4-neighbour outside their mask", async () => {
  const raster = await loadSharedRaster('reference', 'cp_075.d30.masks.tif');
  const labels = raster.data as Uint16Array | Uint32Array;
  const { width, height } = raster;
  const outlines = outlinePixels(labels, height, width);
  let borderPixels = 0;
  let mismatches = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const label = labels[i]!;
      const border =
        label !== 0 &&
        (x === 0 || y === 0 || x === width - 1 || y === height - 1 ||
          labels[i - 1] !== label || labels[i + 1] !== label || labels[i - width] !== label || labels[i + width] !== label);
      if (border) borderPixels++;
      if (border !== (outlines[i] === 1)) mismatches++;
    }
  }
  assert.ok(borderPixels > 1000, `${borderPixels} border pixels`);
  assert.equal(mismatches, 0);
  const contours = maskContours(labels, height, width);
  assert.equal(contours.length, new Set(labels).size - 1);
  assert.ok(contours.every((c) => c.points.length > 8));
});
