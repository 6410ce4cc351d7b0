// The image file formats CellDesk opens, said once for the open dialog, the installers' file associations, the
// browser mode's upload, the batch's folders and the launch arguments. No side effects.

/** The image formats CellDesk opens: what the open dialog offers and the installers associate with CellDesk. */
export const IMAGE_FILE_TYPES = [
  { name: 'TIFF image', mimeType: 'image/tiff', extensions: ['tif', 'tiff'] },
  { name: 'PNG image', mimeType: 'image/png', extensions: ['png'] },
  { name: 'JPEG image', mimeType: 'image/jpeg', extensions: ['jpg', 'jpeg'] },
] as const;

/** The extensions of IMAGE_FILE_TYPES, lower case, with the dot. */
export const IMAGE_EXTENSIONS: readonly string[] = IMAGE_FILE_TYPES.flatMap((type) => type.extensions.map((extension) => `.${extension}`));
