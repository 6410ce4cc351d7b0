// File names for display: the last part of a path as Windows or POSIX writes it. Renderer.

/** `C:\models\CP_lab.pth` and `/models/CP_lab.pth` -> `CP_lab.pth`; a name without folders is itself. */
export function fileNameOf(path: string): string {
  return path.split(/[/\\]/).pop() ?? path;
}
