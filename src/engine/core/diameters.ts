// The typical cell diameter of a label image (Cellpose's utils.diameters), used by the size model's second pass.
// Pure, runs anywhere.
import type { LabelArray } from './flowError';

/**
 * utils.diameters: the median over labels of sqrt(pixel count), divided by sqrt(pi) / 2 (the diameter of a disc of
 * that area); 0 when there is no mask. Like the official code it drops the count of the smallest label value, which
 * is the background when the image has any background pixel; in an image without background the smallest mask is
 * left out instead.
 */
export function diameters(labels: LabelArray): number {
  let maxLabel = 0;
  for (let i = 0; i < labels.length; i++) maxLabel = Math.max(maxLabel, labels[i]!);
  const counts = new Float64Array(maxLabel + 1);
  for (let i = 0; i < labels.length; i++) counts[labels[i]!]!++;
  const roots: number[] = [];
  let skippedSmallest = false;
  for (let label = 0; label <= maxLabel; label++) {
    if (counts[label] === 0) continue;
    if (!skippedSmallest) {
      skippedSmallest = true;
      continue;
    }
    roots.push(Math.sqrt(counts[label]!));
  }
  if (roots.length === 0) return 0;
  roots.sort((a, b) => a - b);
  const middle = roots.length >> 1;
  const median = roots.length % 2 === 1 ? roots[middle]! : (roots[middle - 1]! + roots[middle]!) / 2;
  return median / (Math.sqrt(Math.PI) / 2);
}
