// Reading ImageJ ROI sets back into masks: the polygon ROIs CellDesk writes (as Cellpose's save_rois does) give the
// official masks back pixel for pixel; other ROI kinds and damaged sets are refused by name.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { zipSync } from 'fflate';
import { fillPolygon } from '../../src/engine/core/fillPolygon';
import { decodeImage } from '../../src/engine/image/decodeImage';
import { FileFormatError } from '../../src/engine/errors';
import { decodeImagejRoi, decodeImagejRoiZip, encodeImagejRoi } from '../../src/engine/formats/imagejRoi';
import { encodeLabelFile } from '../../src/engine/io/labelFiles';
import { readShared } from '../helpers/shared';

function fill(width: number, height: number, points: number[]): number[][] {
  const target = new Uint32Array(width * height);
  fillPolygon(target, width, height, points.filter((_, i) => i % 2 === 0), points.filter((_, i) => i % 2 === 1), 1);
  return Array.from({ length: height }, (_, y) => Array.from(target.subarray(y * width, (y + 1) * width)));
}

test('a polygon through pixel centres covers the pixels inside it and on it', () => {
  // The contour OpenCV traces around a 3 x 2 block at (1, 1), and around a diamond.
  assert.deepEqual(fill(5, 4, [1, 1, 1, 2, 2, 2, 3, 2, 3, 1, 2, 1]), [
    [0, 0, 0, 0, 0],
    [0, 1, 1, 1, 0],
    [0, 1, 1, 1, 0],
    [0, 0, 0, 0, 0],
  ]);
  assert.deepEqual(fill(5, 5, [2, 0, 0, 2, 2, 4, 4, 2]), [
    [0, 0, 1, 0, 0],
    [0, 1, 1, 1, 0],
    [1, 1, 1, 1, 1],
    [0, 1, 1, 1, 0],
    [0, 0, 1, 0, 0],
  ]);
  // A one-pixel line traced out and back, and a polygon reaching past the image.
  assert.deepEqual(fill(4, 2, [0, 0, 1, 0, 2, 0, 1, 0]), [
    [1, 1, 1, 0],
    [0, 0, 0, 0],
  ]);
  assert.deepEqual(fill(3, 2, [-5, -5, 10, -5, 10, 0, -5, 0]), [
    [1, 1, 1],
    [0, 0, 0],
  ]);
});

test('a polygon with absurdly long edges is refused instead of filling for ever', () => {
  const xs = Float64Array.from({ length: 10_000 }, (_, i) => i % 2);
  const ys = Float64Array.from({ length: 10_000 }, (_, i) => (i % 2) * 60000);
  assert.throws(() => fillPolygon(new Uint32Array(4 * 60000), 4, 60000, xs, ys, 1), /crosses the image's rows 600000000 times, more than/);
});

/**
 * The masks an outline set can give back: per mask, the 8-connected part its outline goes round (Cellpose exports the
 * longest outer contour of each mask, so a stray fragment of a mask has no ROI).
 */
function tracedParts(labels: Uint32Array, width: number, height: number, rois: { name: string; points: Float64Array }[]): Uint32Array {
  const out = new Uint32Array(labels.length);
  for (const roi of rois) {
    const label = Number(roi.name.replace('.roi', ''));
    const stack = [roi.points[1]! * width + roi.points[0]!];
    out[stack[0]!] = label;
    while (stack.length > 0) {
      const at = stack.pop()!;
      const [x, y] = [at % width, Math.floor(at / width)];
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const [nx, ny] = [x + dx, y + dy];
          const next = ny * width + nx;
          if (nx >= 0 && nx < width && ny >= 0 && ny < height && labels[next] === label && out[next] === 0) {
            out[next] = label;
            stack.push(next);
          }
        }
      }
    }
  }
  return out;
}

for (const name of ['cell_00849', 'omni_img02']) {
  test(`${name}'s official masks written as an ImageJ ROI set and read back are the same masks (each as its outline goes round it)`, async () => {
    const masks = await decodeImage(readShared('reference', 'seg', `${name}.seg-source.masks.tif`));
    const { width, height } = masks;
    const labels = Uint32Array.from(masks.data);
    const rois = decodeImagejRoiZip(encodeLabelFile('imagej-rois', labels, width, height) as Uint8Array);
    const back = new Uint32Array(labels.length);
    rois.forEach((roi) => fillPolygon(back, width, height, roi.points.filter((_, i) => i % 2 === 0), roi.points.filter((_, i) => i % 2 === 1), Number(roi.name.replace('.roi', ''))));
    assert.equal(rois.length, Math.max(...new Set(labels)));
    const expected = tracedParts(labels, width, height, rois);
    assert.deepEqual(back, expected);
    const lost = labels.reduce((n, label, i) => n + (label !== expected[i] ? 1 : 0), 0);
    assert.ok(lost <= 2, `${lost} pixels of stray fragments have no outline`);
  });
}

test('a ROI keeps its name and its sub-pixel coordinates', () => {
  const roi = decodeImagejRoi(encodeImagejRoi({ name: 'far', points: Int32Array.of(61000, 5, 61002, 5, 61002, 7) }));
  assert.equal(roi.name, 'far');
  assert.deepEqual(roi.points, Float64Array.of(61000, 5, 61002, 5, 61002, 7));
});

test('ROIs other than polygons, and damaged ROI sets, are refused by name', () => {
  const invalid = (message: RegExp) => (e: unknown) => e instanceof FileFormatError && message.test(e.message);
  const oval = encodeImagejRoi({ name: 'o', points: Int32Array.of(1, 1, 2, 2) });
  oval[6] = 2;
  assert.throws(() => decodeImagejRoiZip(zipSync({ 'o.roi': oval })), invalid(/o\.roi is an ImageJ oval ROI; CellDesk reads the polygon, freehand and traced ROIs/));
  const cut = encodeImagejRoi({ name: 'c', points: Int32Array.of(1, 1, 2, 2, 3, 3) }).subarray(0, 70);
  assert.throws(() => decodeImagejRoiZip(zipSync({ 'c.roi': cut })), invalid(/c\.roi is truncated: it declares 3 points/));
  assert.throws(() => decodeImagejRoiZip(zipSync({ 'a.txt': Uint8Array.of(1) })), invalid(/holds no ImageJ ROIs/));
  assert.throws(() => decodeImagejRoiZip(Uint8Array.of(1, 2, 3, 4)), invalid(/not a readable ImageJ ROI set/));
  assert.throws(() => decodeImagejRoiZip(zipSync({ 'x.roi': Uint8Array.of(1, 2, 3) })), invalid(/x\.roi is not an ImageJ ROI/));
});
