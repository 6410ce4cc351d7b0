// Opens an image file to be read region by region, for segmenting it in blocks: a TIFF straight from the file, only
// the strips or tiles a region overlaps; a PNG or JPEG (one compressed stream) decoded whole first. Node.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { open } from 'node:fs/promises';
import type { Region } from '../core/image';
import { REGION_READ_LIMITS } from '../image/limits';
import type { SampleType } from '../image/raster';
import { tiffRegionReader, type TiffRegionReader } from '../image/tiff';
import { hasTiffSignature, type TiffBytes } from '../image/tiffStructure';
import type { ImageRegions } from '../pipeline/segmentBlocks';
import { imageRegionsOf } from '../pipeline/segmentBlocks';
import { ImageFileError, loadImageFile, pagesMayBeChannels } from './imageFiles';

export interface ImageFileRegions extends ImageRegions {
  /** Whether the file is read a region at a time (a TIFF) rather than decoded whole. */
  readByRegion: boolean;
  sampleType: SampleType | 'float32';
  /** Pages stacked as channels, as loadImageFile does (see [Note: pages as channels]). */
  pagesAsChannels: boolean;
  close(): Promise<void>;
}

function cannotRead(path: string, error: unknown): ImageFileError {
  const code = (error as NodeJS.ErrnoException).code;
  const why = code === 'ENOENT' ? ': no such file' : code === 'EISDIR' ? ': it is a folder' : ` (${code})`;
  return new ImageFileError(path, `Cannot read the image ${path}${why}.`, error);
}

/** A file read with positioned reads, as the TIFF reader asks for its pieces. */
function fileBytes(descriptor: number): TiffBytes {
  return {
    length: fstatSync(descriptor).size,
    read(offset, length) {
      const bytes = new Uint8Array(length);
      let done = 0;
      while (done < length) {
        const read = readSync(descriptor, bytes, done, length - done, offset + done);
        if (read === 0) break;
        done += read;
      }
      return bytes;
    },
  };
}

export async function openImageRegions(path: string, options: { page?: number } = {}): Promise<ImageFileRegions> {
  let signature: Uint8Array;
  try {
    const handle = await open(path, 'r');
    try {
      signature = new Uint8Array(8);
      await handle.read(signature, 0, 8, 0);
    } finally {
      await handle.close();
    }
  } catch (error) {
    throw cannotRead(path, error);
  }
  if (!hasTiffSignature(signature)) {
    const { image, raster, pagesAsChannels } = await loadImageFile(path, options);
    return { ...imageRegionsOf(image), readByRegion: false, sampleType: raster.sampleType, pagesAsChannels, close: async () => undefined };
  }
  const descriptor = openSync(path, 'r');
  try {
    const source = fileBytes(descriptor);
    const first = tiffRegionReader(source, options.page ?? 0, REGION_READ_LIMITS);
    let pages: TiffRegionReader[] = [first];
    if (pagesMayBeChannels(first, options.page)) {
      const all = Array.from({ length: first.pageCount }, (_, page) => (page === 0 ? first : tiffRegionReader(source, page, REGION_READ_LIMITS)));
      if (all.every((p) => p.width === first.width && p.height === first.height && p.channels === 1)) pages = all;
    }
    const channels = pages.length > 1 ? pages.length : first.channels;
    return {
      width: first.width,
      height: first.height,
      channels,
      readByRegion: true,
      sampleType: first.sampleType,
      pagesAsChannels: pages.length > 1,
      async read(region: Region) {
        const plane = region.width * region.height;
        const data = new Float32Array(channels * plane);
        // As numpy's astype(np.float32): integers above 2^24 and float64 samples round to the nearest float32.
        pages.forEach((page, k) => data.set(page.read(region), k * plane));
        return { width: region.width, height: region.height, channels, data };
      },
      async close() {
        closeSync(descriptor);
      },
    };
  } catch (error) {
    closeSync(descriptor);
    throw error;
  }
}
