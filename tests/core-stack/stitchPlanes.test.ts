// Stitching planes as Cellpose's utils.stitch3D does, and the clean-up of a label volume as its
// fill_holes_and_remove_small_masks does on 3D masks: small cases worked out by hand (each answer is what the official
// functions of 3.0.11 return for it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fillHolesAndRemoveSmallMasks } from '../../src/engine/core/fillHoles';
import { stitchPlanes } from '../../src/engine/core/stitchPlanes';

/** A label volume from planes drawn as rows of characters: '.' background, a digit a label. */
function volume(...planes: string[][]): { labels: Uint32Array; planeSize: number; height: number; width: number } {
  const height = planes[0]!.length;
  const width = planes[0]![0]!.length;
  const labels = Uint32Array.from(planes.flatMap((rows) => rows.flatMap((row) => [...row].map((c) => (c === '.' ? 0 : Number(c))))));
  return { labels, planeSize: height * width, height, width };
}

function draw(labels: Uint32Array | Uint16Array, planeSize: number, width: number): string[][] {
  const planes: string[][] = [];
  for (let start = 0; start < labels.length; start += planeSize) {
    const rows: string[] = [];
    for (let r = start; r < start + planeSize; r += width) rows.push(Array.from(labels.subarray(r, r + width), (l) => (l === 0 ? '.' : String(l))).join(''));
    planes.push(rows);
  }
  return planes;
}

test('a mask takes the label of the mask it overlaps best above the threshold; the others get new labels in label order', () => {
  const { labels, planeSize, width } = volume(
    ['11..22', '11..22', '......'],
    ['22..11', '22....', '....33'],
  );
  stitchPlanes(labels, 2, planeSize, 0.25);
  // Plane 1: its 2 overlaps plane 0's 1 (IoU 1), its 1 overlaps plane 0's 2 (IoU 0.5), its 3 overlaps none: new label 3.
  assert.deepEqual(draw(labels, planeSize, width), [
    ['11..22', '11..22', '......'],
    ['11..22', '11....', '....33'],
  ]);
});

test('an overlap below the threshold does not link, and only the best overlap of each previous mask counts', () => {
  const below = volume(['1111....'], ['...1....']);
  stitchPlanes(below.labels, 2, below.planeSize, 0.3);
  assert.deepEqual(draw(below.labels, below.planeSize, below.width), [['1111....'], ['...2....']]);
  // Plane 0's mask 1 overlaps plane 1's 1 (IoU 0.4) and 2 (IoU 0.6): only 2 keeps it; 1 gets a new label.
  const best = volume(['1111111111'], ['1111222222']);
  stitchPlanes(best.labels, 2, best.planeSize, 0.25);
  assert.deepEqual(draw(best.labels, best.planeSize, best.width), [['1111111111'], ['2222111111']]);
});

test('a tie goes to the lowest label, as numpy argmax does', () => {
  const { labels, planeSize, width } = volume(['1122'], ['.33.']);
  stitchPlanes(labels, 2, planeSize, 0.25);
  assert.deepEqual(draw(labels, planeSize, width), [['1122'], ['.11.']]);
});

test('empty planes: before a first stitch a plane keeps its labels; after it, masks beyond an empty plane are numbered on', () => {
  // Cellpose's bookkeeping: plane 1 is empty, so plane 2 keeps its own labels (repeating plane 0's 1).
  const early = volume(['1.'], ['..'], ['.1']);
  stitchPlanes(early.labels, 3, early.planeSize, 0.25);
  assert.deepEqual(draw(early.labels, early.planeSize, early.width), [['1.'], ['..'], ['.1']]);
  // Planes 0 and 1 were stitched; plane 3 comes after the empty plane 2 and is numbered after the largest label.
  const late = volume(['1.2'], ['1..'], ['...'], ['1.2']);
  stitchPlanes(late.labels, 4, late.planeSize, 0.25);
  assert.deepEqual(draw(late.labels, late.planeSize, late.width), [['1.2'], ['1..'], ['...'], ['3.4']]);
});

test('a volume clean-up counts a mask over its planes, fills holes plane by plane and renumbers 1..N', () => {
  const { labels, height, width, planeSize } = volume(
    ['33333', '3...3', '33333', '.....', '..7..'],
    ['.....', '.....', '.....', '.....', '..7..'],
    ['.....', '.333.', '.....', '.....', '..5..'],
  );
  // Label 3 has 15 pixels over two planes: kept at min size 15 although no plane holds 15; its ring is filled in
  // plane 0 only. Label 7 (2 pixels) goes; label 5 (1 pixel) goes.
  const cleaned = fillHolesAndRemoveSmallMasks(labels, height, width, 15, 3);
  assert.ok(cleaned instanceof Uint16Array);
  assert.deepEqual(draw(cleaned, planeSize, width), [
    ['11111', '11111', '11111', '.....', '.....'],
    ['.....', '.....', '.....', '.....', '.....'],
    ['.....', '.111.', '.....', '.....', '.....'],
  ]);
});

test('nonsense is refused: a threshold outside (0, 1], a volume of the wrong length', () => {
  const { labels, planeSize } = volume(['1'], ['1']);
  assert.throws(() => stitchPlanes(labels, 2, planeSize, 0), /stitch threshold is an IoU above 0/);
  assert.throws(() => stitchPlanes(labels, 3, planeSize, 0.5), /3 planes of 1 pixels has 3 labels; got 2/);
  assert.throws(() => fillHolesAndRemoveSmallMasks(labels, 1, 1, 15, 3), /3 label planes of 1 x 1 have 3 values; got 2/);
});
