// Edits of a label image (0 = background, 1..N = masks) that can be undone: each records exactly the pixels it
// changed and their labels before. Pure, runs anywhere.

/**
 * One undoable change of a label image: every pixel in `pixels` was set to `value` (0 = erased); `previous` holds
 * their labels before. Deleting, merging, drawing and erasing all have this shape, so one pair of functions undoes
 * and redoes any of them.
 */
export interface LabelEdit {
  kind: 'delete' | 'merge' | 'draw' | 'erase';
  /** The masks the user acted on (deleted, merged, drawn, erased from), ascending; for notices and selection. */
  labels: number[];
  pixels: Uint32Array;
  previous: Uint32Array;
  value: number;
}

/** Sets every pixel whose label is in `chosen` to `value` (in place); null when no pixel changes. */
function relabel(labels: Uint32Array, chosen: ReadonlySet<number>, value: number): { pixels: Uint32Array; previous: Uint32Array } | null {
  let largest = 0;
  for (const label of chosen) if (label > largest) largest = label;
  const isChosen = new Uint8Array(largest + 1);
  for (const label of chosen) if (label > 0 && label !== value) isChosen[label] = 1;
  let count = 0;
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i]!;
    if (label <= largest && isChosen[label] === 1) count++;
  }
  if (count === 0) return null;
  const pixels = new Uint32Array(count);
  const previous = new Uint32Array(count);
  for (let i = 0, k = 0; i < labels.length; i++) {
    const label = labels[i]!;
    if (label <= largest && isChosen[label] === 1) {
      pixels[k] = i;
      previous[k++] = label;
      labels[i] = value;
    }
  }
  return { pixels, previous };
}

const ascending = (labels: Iterable<number>) => [...labels].filter((label) => label > 0).sort((a, b) => a - b);

/** Erases the masks in `doomed` from `labels` (in place); null when none of them is present. */
export function deleteMasks(labels: Uint32Array, doomed: ReadonlySet<number>): LabelEdit | null {
  const changed = relabel(labels, doomed, 0);
  return changed === null ? null : { kind: 'delete', labels: ascending(doomed), value: 0, ...changed };
}

/**
 * Merges the masks in `chosen` into one (in place), which keeps the smallest of their labels, so the other labels
 * stay as they are; null when fewer than two of them are present.
 */
export function mergeMasks(labels: Uint32Array, chosen: ReadonlySet<number>): LabelEdit | null {
  const merged = ascending(chosen);
  if (merged.length < 2) return null;
  // Which of them are present: a lookup table, not a Set, because this runs once per pixel.
  const largest = merged[merged.length - 1]!;
  const state = new Uint8Array(largest + 1);
  for (const label of merged) state[label] = 1;
  const present = new Set<number>();
  for (let i = 0; i < labels.length && present.size < merged.length; i++) {
    const label = labels[i]!;
    if (label <= largest && state[label] === 1) {
      state[label] = 2;
      present.add(label);
    }
  }
  if (present.size < 2) return null;
  const kept = ascending(present);
  const changed = relabel(labels, present, kept[0]!)!;
  return { kind: 'merge', labels: kept, value: kept[0]!, ...changed };
}

/** Puts back the labels `edit` replaced. */
export function revertEdit(labels: Uint32Array, edit: LabelEdit): void {
  const { pixels, previous } = edit;
  for (let k = 0; k < pixels.length; k++) labels[pixels[k]!] = previous[k]!;
}

/** Applies `edit` again. */
export function reapplyEdit(labels: Uint32Array, edit: LabelEdit): void {
  const { pixels, value } = edit;
  for (let k = 0; k < pixels.length; k++) labels[pixels[k]!] = value;
}

/** The labels whose pixels `edit` touched, before or after it (0 excluded), ascending. */
export function touchedLabels(edit: LabelEdit): number[] {
  const touched = new Set<number>(edit.previous);
  touched.add(edit.value);
  return ascending(touched);
}

/**
 * The largest label in `labels` (0 when there are no masks). With `step` 2, `labels` are (value, length) runs of a
 * label image (src/shared/arrayRuns.ts), read in a fraction of the time.
 */
export function largestLabel(labels: Uint32Array, step = 1): number {
  let largest = 0;
  for (let i = 0; i < labels.length; i += step) if (labels[i]! > largest) largest = labels[i]!;
  return largest;
}

/** Which labels are present (present[label] = 1) and how many; `step` as largestLabel's. */
export function labelPresence(labels: Uint32Array, step = 1): { present: Uint8Array; count: number } {
  const present = new Uint8Array(largestLabel(labels, step) + 1);
  let count = 0;
  for (let i = 0; i < labels.length; i += step) {
    const label = labels[i]!;
    if (label !== 0 && present[label] === 0) {
      present[label] = 1;
      count++;
    }
  }
  return { present, count };
}
