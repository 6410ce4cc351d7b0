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

/**
 * Asked when the page refuses to unload because edits are unsaved (Electron shows no prompt of its own): true when
 * the user chooses to leave anyway. The edits are not lost either way: they are kept as the image's draft.
 */
export function confirmLeavingUnsavedEdits(parent: BrowserWindow): boolean {
  const choice = dialog.showMessageBoxSync(parent, {
    type: 'question',
    buttons: ['Leave', 'Stay'],
    defaultId: 1,
    cancelId: 1,
    message: 'Your mask edits are not exported yet.',
    detail: 'They are kept as a draft and restored when you open this image again. Export the masks to save them as files.',
  });
  return choice === 0;
}
