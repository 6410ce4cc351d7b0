// Reads an image file the way Cellpose's io.imread + convert_image see it, as one planar float32 image. Node side.
// [Note: pages as channels] tifffile stacks every page of a multi-page TIFF, and Cellpose then takes a first axis
// shorter than 8 (and shorter than the image's width) as channels. So a 2- or 3-page TIFF of single-channel pages is
// a multi-channel image to Cellpose, and CellDesk reads it the same way unless the user picks one page.
import { readFile } from 'node:fs/promises';
import type { PlanarImage } from '../core/image';
import { CellDeskError } from '../errors';
import { decodeImage } from '../image/decodeImage';
import { rasterToPlanarFloat32, type RasterImage } from '../image/raster';

export class ImageFileError extends CellDeskError {
  constructor(path: string, message: string, cause?: unknown) {
    super('IMAGE_FILE', message, { path }, cause === undefined ? undefined : { cause });
  }
}

export interface LoadedImage {
  image: PlanarImage;
  /** The first page read, as decoded (sample type, page count, format). */
  raster: RasterImage;
  /** Pages stacked as channels (see [Note: pages as channels]). */
  pagesAsChannels: boolean;
}

const MAX_CHANNEL_AXIS = 8;

function stackPages(pages: RasterImage[]): PlanarImage {
  const first = pages[0]!;
  const plane = first.width * first.height;
  const data = new Float32Array(plane * pages.length);
  pages.forEach((page, index) => data.set(rasterToPlanarFloat32(page).data, index * plane));
  return { width: first.width, height: first.height, channels: pages.length, data };
}

/** Whether Cellpose would take the pages of this image as its channels (see [Note: pages as channels]); `page` as asked. */
export function pagesMayBeChannels(first: { pageCount: number; width: number; channels: number }, page: number | undefined): boolean {
  return page === undefined && first.pageCount > 1 && first.pageCount < MAX_CHANNEL_AXIS && first.pageCount < first.width && first.channels === 1;
}

export async function loadImageFile(path: string, options: { page?: number; signal?: AbortSignal } = {}): Promise<LoadedImage> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(path));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? ': no such file' : code === 'EISDIR' ? ': it is a folder' : ` (${code})`;
    throw new ImageFileError(path, `Cannot read the image ${path}${why}.`, error);
  }
  const first = await decodeImage(bytes, { page: options.page ?? 0, signal: options.signal });
  if (!pagesMayBeChannels(first, options.page)) return { image: rasterToPlanarFloat32(first), raster: first, pagesAsChannels: false };
  const pages = [first];
  for (let page = 1; page < first.pageCount; page++) pages.push(await decodeImage(bytes, { page, signal: options.signal }));
  if (pages.some((p) => p.width !== first.width || p.height !== first.height || p.channels !== 1)) {
    return { image: rasterToPlanarFloat32(first), raster: first, pagesAsChannels: false };
  }
  return { image: stackPages(pages), raster: first, pagesAsChannels: true };
}
