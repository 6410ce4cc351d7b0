// Edits of a label image (0 = background, 1..N = masks) that can be undone: each records exactly the pixels it
// changed and their labels before. Pure, runs anywhere.

/** Masks erased: `pixels` are the indices that changed, `previous` their labels before. */
export interface DeleteEdit {
  kind: 'delete';
  labels: number[];
  pixels: Uint32Array;
  previous: Uint32Array;
}

/** Erases the masks in `doomed` from `labels` (in place); null when none of them is present. */
export function deleteMasks(labels: Uint32Array, doomed: ReadonlySet<number>): DeleteEdit | null {
  if (doomed.size === 0) return null;
  const largest = Math.max(...doomed);
  const isDoomed = new Uint8Array(largest + 1);
  for (const label of doomed) if (label > 0) isDoomed[label] = 1;
  let count = 0;
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i]!;
    if (label <= largest && isDoomed[label] === 1) count++;
  }
  if (count === 0) return null;
  const pixels = new Uint32Array(count);
  const previous = new Uint32Array(count);
  for (let i = 0, k = 0; i < labels.length; i++) {
    const label = labels[i]!;
    if (label <= largest && isDoomed[label] === 1) {
      pixels[k] = i;
      previous[k++] = label;
      labels[i] = 0;
    }
  }
  return { kind: 'delete', labels: [...doomed].filter((label) => label > 0).sort((a, b) => a - b), pixels, previous };
}

/** Puts back what `edit` erased. */
export function revertDelete(labels: Uint32Array, edit: DeleteEdit): void {
  const { pixels, previous } = edit;
  for (let k = 0; k < pixels.length; k++) labels[pixels[k]!] = previous[k]!;
}

/** Erases again what `edit` erased. */
export function reapplyDelete(labels: Uint32Array, edit: DeleteEdit): void {
  const { pixels } = edit;
  for (let k = 0; k < pixels.length; k++) labels[pixels[k]!] = 0;
}

/** Which labels are present (present[label] = 1) and how many. */
export function labelPresence(labels: Uint32Array): { present: Uint8Array; count: number } {
  let largest = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i]! > largest) largest = labels[i]!;
  const present = new Uint8Array(largest + 1);
  let count = 0;
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i]!;
    if (label !== 0 && present[label] === 0) {
      present[label] = 1;
      count++;
    }
  }
  return { present, count };
}
