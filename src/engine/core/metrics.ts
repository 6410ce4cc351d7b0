// Comparing two label images: matching masks by IoU, Cellpose's average precision (metrics.average_precision) and
// the share of pixels that agree once labels are matched. Pure, runs anywhere.
import { InvalidSettingError } from '../errors';
import type { LabelArray } from './flowError';

/** Pixel overlaps between the labels of two images, sparse: only pairs of non-zero labels that share pixels. */
interface Overlaps {
  maxTruth: number;
  maxPredicted: number;
  truthArea: Float64Array;
  predictedArea: Float64Array;
  /** Per truth label, the predicted labels it overlaps and by how many pixels. */
  pairs: Map<number, number>[];
  /** Pixels that are background in both. */
  bothBackground: number;
}

export interface AveragePrecision {
  /** tp / (tp + fp + fn), float32 as Cellpose returns it; NaN when both images have no mask. */
  ap: number;
  tp: number;
  fp: number;
  fn: number;
}

/** A pair of masks, one per image, and their intersection over union. */
export interface MaskPair {
  truth: number;
  predicted: number;
  iou: number;
}

/**
 * cellpose.metrics.average_precision for one image at one IoU threshold in (0, 1]. Like the official code, the
 * mask counts are the largest labels. Its true positives come from an optimal assignment whose cost puts the number
 * of pairs with IoU >= threshold first (a bonus below 1 in total breaks ties), so tp is the size of a maximum
 * matching among those pairs, which is what this computes.
 */
export function averagePrecision(truth: LabelArray, predicted: LabelArray, threshold: number): AveragePrecision {
  if (!(threshold > 0 && threshold <= 1)) {
    throw new InvalidSettingError(`The IoU threshold must be above 0 and at most 1; got ${threshold}.`, { threshold });
  }
  const overlaps = countOverlaps(truth, predicted);
  const candidates: number[][] = [];
  forEachPair(overlaps, (t, p, iou) => {
    if (iou >= threshold) (candidates[t] ??= []).push(p);
  });
  const tp = maximumMatching(candidates, overlaps.maxPredicted);
  const fp = overlaps.maxPredicted - tp;
  const fn = overlaps.maxTruth - tp;
  return { ap: Math.fround(tp / (tp + fp + fn)), tp, fp, fn };
}

/** The pairs of masks with IoU above 0.5: each mask has at most one such partner, so the matching is unique. */
export function matchMasks(truth: LabelArray, predicted: LabelArray): MaskPair[] {
  const matches: MaskPair[] = [];
  forEachPair(countOverlaps(truth, predicted), (t, p, iou) => {
    if (iou > 0.5) matches.push({ truth: t, predicted: p, iou });
  });
  return matches;
}

/**
 * The fraction of pixels on which two label images agree once their labels are matched (IoU > 0.5): background in
 * both, or inside a matched pair. 1 means the same masks, whatever their numbers.
 */
export function pixelAgreement(a: LabelArray, b: LabelArray): number {
  const overlaps = countOverlaps(a, b);
  let agree = overlaps.bothBackground;
  forEachPair(overlaps, (t, p, iou) => {
    if (iou > 0.5) agree += overlaps.pairs[t]!.get(p)!;
  });
  return agree / a.length;
}

/** The number of distinct non-zero labels. */
export function countMasks(labels: LabelArray): number {
  const seen = new Set<number>();
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] !== 0) seen.add(labels[i]!);
  }
  return seen.size;
}

function countOverlaps(truth: LabelArray, predicted: LabelArray): Overlaps {
  if (truth.length !== predicted.length) {
    throw new InvalidSettingError(
      `Masks can only be compared on images of the same size; got ${truth.length} and ${predicted.length} pixels.`,
      { truthPixels: truth.length, predictedPixels: predicted.length },
    );
  }
  let maxTruth = 0;
  let maxPredicted = 0;
  for (let i = 0; i < truth.length; i++) {
    maxTruth = Math.max(maxTruth, truth[i]!);
    maxPredicted = Math.max(maxPredicted, predicted[i]!);
  }
  const truthArea = new Float64Array(maxTruth + 1);
  const predictedArea = new Float64Array(maxPredicted + 1);
  const pairs = Array.from({ length: maxTruth + 1 }, () => new Map<number, number>());
  let bothBackground = 0;
  for (let i = 0; i < truth.length; i++) {
    const t = truth[i]!;
    const p = predicted[i]!;
    truthArea[t]!++;
    predictedArea[p]!++;
    if (t === 0 && p === 0) bothBackground++;
    else if (t !== 0 && p !== 0) {
      const shared = pairs[t]!;
      shared.set(p, (shared.get(p) ?? 0) + 1);
    }
  }
  return { maxTruth, maxPredicted, truthArea, predictedArea, pairs, bothBackground };
}

function forEachPair(overlaps: Overlaps, visit: (truth: number, predicted: number, iou: number) => void): void {
  for (let t = 1; t <= overlaps.maxTruth; t++) {
    for (const [p, shared] of overlaps.pairs[t]!) {
      visit(t, p, shared / (overlaps.truthArea[t]! + overlaps.predictedArea[p]! - shared));
    }
  }
}

/** Size of a maximum bipartite matching (augmenting paths); candidates[t] lists the partners allowed for t. */
function maximumMatching(candidates: number[][], maxPredicted: number): number {
  const partnerOf = new Int32Array(maxPredicted + 1).fill(-1);
  // visitedIn[p] = the search (t + 1) that last looked at p: no clearing between searches.
  const visitedIn = new Int32Array(maxPredicted + 1);
  let size = 0;
  const augment = (t: number, search: number): boolean => {
    for (const p of candidates[t] ?? []) {
      if (visitedIn[p] === search) continue;
      visitedIn[p] = search;
      if (partnerOf[p] === -1 || augment(partnerOf[p]!, search)) {
        partnerOf[p] = t;
        return true;
      }
    }
    return false;
  };
  for (let t = 0; t < candidates.length; t++) {
    if (candidates[t] !== undefined && augment(t, t + 1)) size++;
  }
  return size;
}
