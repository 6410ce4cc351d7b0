// The desktop app's native file and folder dialogs. Main process only: only Electron can show them, so tests reach
// the contract calls that open them through the router with answers of their own (tests/contract).
import { dialog, type BrowserWindow, type OpenDialogOptions } from 'electron';
import { IMAGE_FILE_TYPES } from '../../shared/imageFileTypes';

const IMAGE_DIALOG: OpenDialogOptions = {
  title: 'Open an image',
  properties: ['openFile'],
  filters: [
    { name: 'Images (TIFF, PNG, JPEG)', extensions: IMAGE_FILE_TYPES.flatMap((type) => type.extensions) },
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

/** The first path the user picks in an open dialog (a file or a folder, as `options` ask), or null when they cancel. */
async function choosePath(parent: BrowserWindow | null, options: OpenDialogOptions): Promise<string | null> {
  const result = parent === null ? await dialog.showOpenDialog(options) : await dialog.showOpenDialog(parent, options);
  return result.canceled ? null : (result.filePaths[0] ?? null);
}

/** The image file the user picks, or null when they cancel. */
export function chooseImageFile(parent: BrowserWindow | null): Promise<string | null> {
  return choosePath(parent, IMAGE_DIALOG);
}

/** The folder the user picks for exports, starting at `current` when it exists; null when they cancel. */
export async function chooseExportFolder(parent: BrowserWindow | null, current: string | undefined): Promise<string | null> {
  const options: OpenDialogOptions = {
    title: 'Export masks to a folder',
    buttonLabel: 'Export Here',
    properties: ['openDirectory', 'createDirectory', 'promptToCreate'],
    ...(current === undefined || current === '' ? {} : { defaultPath: current }),
  };
  return choosePath(parent, options);
}

/** A batch's images: the folder the user picks (its images directly in it), or the image files; none when they cancel. */
export async function chooseBatchImages(parent: BrowserWindow | null, kind: 'folder' | 'files'): Promise<string[]> {
  const options: OpenDialogOptions =
    kind === 'folder'
      ? { title: 'Segment the images of a folder', buttonLabel: 'Choose Folder', properties: ['openDirectory'] }
      : { ...IMAGE_DIALOG, title: 'Segment these images', buttonLabel: 'Choose', properties: ['openFile', 'multiSelections'] };
  const result = parent === null ? await dialog.showOpenDialog(options) : await dialog.showOpenDialog(parent, options);
  return result.canceled ? [] : result.filePaths;
}

/** The model file the user picks, or null when they cancel. */
export function chooseModelFile(parent: BrowserWindow | null): Promise<string | null> {
  return choosePath(parent, MODEL_DIALOG);
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
