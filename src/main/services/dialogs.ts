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

// Cellpose's own trained models often have no extension (e.g. CP_20240101_lab), hence "All files".
const MODEL_DIALOG: OpenDialogOptions = {
  title: 'Import a Cellpose model',
  properties: ['openFile'],
  filters: [
    { name: 'Cellpose models (.pth, .onnx)', extensions: ['pth', 'pt', 'onnx'] },
    { name: 'All files', extensions: ['*'] },
  ],
};

async function chooseFile(parent: BrowserWindow | null, options: OpenDialogOptions): Promise<string | null> {
  const result = parent === null ? await dialog.showOpenDialog(options) : await dialog.showOpenDialog(parent, options);
  return result.canceled ? null : (result.filePaths[0] ?? null);
}

/** The image file the user picks, or null when they cancel. */
export function chooseImageFile(parent: BrowserWindow | null): Promise<string | null> {
  return chooseFile(parent, IMAGE_DIALOG);
}

/** The model file the user picks, or null when they cancel. */
export function chooseModelFile(parent: BrowserWindow | null): Promise<string | null> {
  return chooseFile(parent, MODEL_DIALOG);
}
