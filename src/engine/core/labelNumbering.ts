// Numbers masks 1..N without gaps, keeping their order, as the official Cellpose GUI keeps them after edits
// (deleting mask k there lowers every number above k by one). Pure, over a label image.
//
// [Note: label numbering] CellDesk keeps a mask's number while the user edits (a deleted or merged mask leaves its
// number unused), so that the table, the selection and undo stay put. What leaves CellDesk as labels is numbered
// 1..N without gaps by default, as files from the Cellpose GUI are and as tools that count masks by the largest
// label expect; the numbers keep their order. The export says so in the file (label TIFF ImageDescription, PNG text
// chunk), and an option keeps the original numbers instead.

export interface NumberedLabels {
  /** The labels numbered 1..N (a new array), or the input itself when it already was. */
  labels: Uint32Array;
  /** N: the masks present. */
  count: number;
  /** Whether any number changed. */
  renumbered: boolean;
}

/** `labels` with its masks numbered 1..N in the order of their numbers; 0 stays background. */
export function numberConsecutively(labels: Uint32Array): NumberedLabels {
  let largest = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i]! > largest) largest = labels[i]!;
  const present = new Uint8Array(largest + 1);
  for (let i = 0; i < labels.length; i++) present[labels[i]!] = 1;
  const next = new Uint32Array(largest + 1);
  let count = 0;
  for (let label = 1; label <= largest; label++) if (present[label] === 1) next[label] = ++count;
  if (count === largest) return { labels, count, renumbered: false };
  const numbered = new Uint32Array(labels.length);
  for (let i = 0; i < labels.length; i++) numbered[i] = next[labels[i]!]!;
  return { labels: numbered, count, renumbered: true };
}

/** What an exported label image says about its numbers (see [Note: label numbering]). */
export function labelNumberingDescription(numbering: 'consecutive' | 'original', count: number, largest: number, writer: string): string {
  const head = `Cellpose label image written by ${writer}: 0 is background, each mask has its own number.`;
  if (numbering === 'consecutive') {
    return `${head} The ${count} masks are numbered 1 to ${count} without gaps, in the order of their numbers in CellDesk, as the Cellpose GUI numbers them after edits.`;
  }
  return `${head} The ${count} masks keep the numbers they had in CellDesk (largest ${largest}): numbers of deleted or merged masks are unused.`;
}
