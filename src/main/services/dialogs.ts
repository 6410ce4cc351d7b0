// The desktop app's native file dialogs. Main process only.
import { dialog, type BrowserWindow, type OpenDialogOptions } from 'electron';

const IMAGE_DIALOG: OpenDialogOptions = {
  title: 'Open an image',
  properties: ['openFile'],
  filters: [
    { name: 'Images (TIFF, PNG, JPEG)', extensions: ['tif', 'tiff', 'png', 'jpg', 'jpeg'] },
    { name: 'All files', extensions: ['*'] },
  ],
};

/** The image file the user picks, or null when they cancel. */
export async function chooseImageFile(parent: BrowserWindow | null): Promise<string | null> {
  const result = parent === null ? await dialog.showOpenDialog(IMAGE_DIALOG) : await dialog.showOpenDialog(parent, IMAGE_DIALOG);
  return result.canceled ? null : (result.filePaths[0] ?? null);
}
