// Errors of image decoding: a file that is no image we read, one too large to open, a page or plane that does not
// exist, axes that do not fit the pages.
// Pure, runs anywhere. See [Note: typed errors] in ../errors.ts. Damaged files (truncated, corrupt) raise
// FileFormatError from ../errors with the format's name.
import { CellDeskError } from '../errors';

export type ImageFormat = 'tiff' | 'png' | 'jpeg';

/** The bytes are not an image format CellDesk reads, or use a variant of one it does not (a compression, a bit depth). */
export class UnsupportedImageError extends CellDeskError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('IMAGE_UNSUPPORTED', message, details);
  }
}

/** The file declares an image larger than the limits allow; nothing was decoded or allocated. */
export class ImageTooLargeError extends CellDeskError {
  constructor(format: ImageFormat, message: string, details: Record<string, unknown>) {
    super('IMAGE_TOO_LARGE', message, { format, ...details });
  }
}

/** A page beyond the last one of a multi-page file was asked for. */
export class ImagePageOutOfRangeError extends CellDeskError {
  readonly pageCount: number;

  constructor(format: ImageFormat, page: number, pageCount: number) {
    const pages = pageCount === 1 ? 'only one page (page 0)' : `${pageCount} pages (numbered 0 to ${pageCount - 1})`;
    super(
      'IMAGE_PAGE_OUT_OF_RANGE',
      `Page ${page} was asked for, but this ${format.toUpperCase()} file has ${pages}.`,
      { format, page, pageCount },
    );
    this.pageCount = pageCount;
  }
}

/**
 * A multi-page file whose declared axes do not fit its pages: counts that disagree with each other or with the
 * pages the file holds, a plane stored in another file, pages of different sizes in one stack.
 */
export class ImageAxesError extends CellDeskError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('IMAGE_AXES', message, details);
  }
}

/** A plane (Z) or frame (T) beyond the last one of a stack was asked for. */
export class ImagePositionOutOfRangeError extends CellDeskError {
  constructor(axis: 'plane' | 'frame', index: number, count: number) {
    const has = count === 1 ? `only one ${axis} (${axis} 0)` : `${count} ${axis}s (numbered 0 to ${count - 1})`;
    super('IMAGE_POSITION_OUT_OF_RANGE', `${axis[0]!.toUpperCase()}${axis.slice(1)} ${index} was asked for, but this image has ${has}.`, { axis, index, count });
  }
}
