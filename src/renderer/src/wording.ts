// How the models and views word counts and file names in what they tell the user. Renderer (DOM-free).

/** `1 run`, `3 runs`: a count with its noun, plural when the count is not one. */
export function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/** `C:\models\CP_lab.pth` and `/models/CP_lab.pth` -> `CP_lab.pth`; a name without folders is itself. */
export function fileNameOf(path: string): string {
  return path.split(/[/\\]/).pop() ?? path;
}
