// The window's title: the open image's name, marked while its edits are unsaved, as desktop editors do. Renderer
// (DOM-free; App sets document.title, which Electron shows as the window's title).

/** `● cells.tif — CellDesk` with unsaved edits, `cells.tif — CellDesk` without, `CellDesk` with no image. */
export function windowTitle(imageName: string | null, unsaved: boolean): string {
  if (imageName === null) return 'CellDesk';
  return `${unsaved ? '● ' : ''}${imageName} — CellDesk`;
}
