// Links the 2D masks of consecutive planes into 3D labels by their overlap (Cellpose 3.0.11's utils.stitch3D), for a
// stack segmented plane by plane with stitch_threshold > 0. Pure, runs anywhere.
import { InvalidSettingError } from '../errors';

// [Note: stitching planes] As utils.stitch3D, plane after plane, in place: the masks of plane i + 1 (its own labels
// 1..n) are compared with plane i as already relabelled, by IoU (metrics._intersection_over_union, float64). IoUs
// below the threshold count as 0; in each mask of plane i, only the largest IoU with a mask of plane i + 1 is kept;
// a mask of plane i + 1 then takes the label of plane i it keeps the largest IoU with (the lowest such label on a
// tie), or a new label, mmax + 1, mmax + 2, ... in its label order when it keeps none. Every label up to a plane's
// largest counts, present or not, as in the official matrices. The official bookkeeping of empty planes is kept
// as it is: until a first pair of planes both holding masks has been stitched, a plane next to an empty one keeps
// its own labels (which may repeat an earlier plane's numbers) and resets mmax to its largest label; afterwards
// its masks get new labels after mmax. Cellpose then runs fill_holes_and_remove_small_masks on the whole volume
// (fillHoles.ts with `planes`), which renumbers the labels 1..N.

function largestLabel(volume: Uint32Array, start: number, end: number): number {
  let max = 0;
  for (let i = start; i < end; i++) if (volume[i]! > max) max = volume[i]!;
  return max;
}

/** For each label of `next` (index = label), its new label: the IoU rule of [Note: stitching planes]. */
function stitchPair(volume: Uint32Array, previousStart: number, nextStart: number, planeSize: number, threshold: number, mmax: number): { mapping: Uint32Array; mmax: number } {
  const maxNext = largestLabel(volume, nextStart, nextStart + planeSize);
  const maxPrevious = largestLabel(volume, previousStart, previousStart + planeSize);
  const nextArea = new Float64Array(maxNext + 1);
  const previousArea = new Float64Array(maxPrevious + 1);
  // Overlapping pairs only: a pair that shares no pixel has IoU 0 and never decides anything.
  const overlaps = new Map<number, number>();
  for (let p = 0; p < planeSize; p++) {
    const n = volume[nextStart + p]!;
    const q = volume[previousStart + p]!;
    nextArea[n]!++;
    previousArea[q]!++;
    if (n !== 0 && q !== 0) {
      const key = n * (maxPrevious + 1) + q;
      overlaps.set(key, (overlaps.get(key) ?? 0) + 1);
    }
  }
  const pairs: { next: number; previous: number; iou: number }[] = [];
  const bestOfPrevious = new Float64Array(maxPrevious + 1);
  for (const [key, shared] of overlaps) {
    const next = Math.floor(key / (maxPrevious + 1));
    const previous = key - next * (maxPrevious + 1);
    const iou = shared / (nextArea[next]! + previousArea[previous]! - shared);
    if (iou < threshold) continue;
    pairs.push({ next, previous, iou });
    if (iou > bestOfPrevious[previous]!) bestOfPrevious[previous] = iou;
  }
  const bestIou = new Float64Array(maxNext + 1);
  const bestPrevious = new Uint32Array(maxNext + 1);
  for (const { next, previous, iou } of pairs) {
    if (iou < bestOfPrevious[previous]!) continue;
    if (iou > bestIou[next]! || (iou === bestIou[next]! && previous < bestPrevious[next]!)) {
      bestIou[next] = iou;
      bestPrevious[next] = previous;
    }
  }
  const mapping = new Uint32Array(maxNext + 1);
  for (let label = 1; label <= maxNext; label++) mapping[label] = bestIou[label]! > 0 ? bestPrevious[label]! : ++mmax;
  return { mapping, mmax };
}

/**
 * utils.stitch3D on `volume`, `planes` label planes of `planeSize` pixels one after the other, in place; see
 * [Note: stitching planes]. `threshold` is the smallest IoU that links two masks (Cellpose's stitch_threshold).
 */
export function stitchPlanes(volume: Uint32Array, planes: number, planeSize: number, threshold: number): void {
  if (!Number.isInteger(planes) || planes < 1 || volume.length !== planes * planeSize) {
    throw new InvalidSettingError(`A stack of ${planes} planes of ${planeSize} pixels has ${planes * planeSize} labels; got ${volume.length}.`, {
      planes,
      planeSize,
      length: volume.length,
    });
  }
  if (!(threshold > 0 && threshold <= 1)) {
    throw new InvalidSettingError(`The stitch threshold is an IoU above 0 and at most 1; got ${threshold}.`, { threshold });
  }
  let mmax = largestLabel(volume, 0, planeSize);
  let stitchedOnce = false;
  for (let i = 0; i + 1 < planes; i++) {
    const previousStart = i * planeSize;
    const nextStart = previousStart + planeSize;
    const maxNext = largestLabel(volume, nextStart, nextStart + planeSize);
    const bothHaveMasks = maxNext > 0 && largestLabel(volume, previousStart, nextStart) > 0;
    let mapping: Uint32Array;
    if (!bothHaveMasks && !stitchedOnce) {
      mmax = maxNext;
      continue;
    } else if (!bothHaveMasks) {
      mapping = Uint32Array.from({ length: maxNext + 1 }, (_, label) => (label === 0 ? 0 : mmax + label));
      mmax += maxNext;
    } else {
      ({ mapping, mmax } = stitchPair(volume, previousStart, nextStart, planeSize, threshold, mmax));
      stitchedOnce = true;
    }
    for (let p = nextStart; p < nextStart + planeSize; p++) volume[p] = mapping[volume[p]!]!;
  }
}
