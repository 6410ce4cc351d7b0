// Opens an image file to be read region by region, for segmenting it in blocks: a TIFF straight from the file, only
// the strips or tiles a region overlaps; a PNG or JPEG (one compressed stream) decoded whole first. Node.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { open } from 'node:fs/promises';
import type { Region } from '../core/image';
import { CellDeskError } from '../errors';
import type { SampleType } from '../image/raster';
import { defaultPosition, openTiffRegions, type PlanePosition } from '../image/imageStack';
import { hasTiffSignature, type TiffBytes } from '../image/tiffStructure';
import type { ImageRegions } from '../pipeline/segmentBlocks';
import { imageRegionsOf } from '../pipeline/segmentBlocks';
import { ImageFileError, readImagePlane } from './imageFiles';

export interface ImageFileRegions extends ImageRegions {
  /** Whether the file is read a region at a time (a TIFF) rather than decoded whole. */
  readByRegion: boolean;
  sampleType: SampleType;
  /** The plane read (the one the image opens on unless asked for another). */
  position: PlanePosition;
  close(): Promise<void>;
}

/** Block mode segments one plane: a stack's must be named. */
export class BlockModeNeedsPlaneError extends CellDeskError {
  constructor(path: string, planes: number, frames: number) {
    const what = frames > 1 ? `${planes} planes in ${frames} time points` : `${planes} planes`;
    super('BLOCK_MODE_NEEDS_PLANE', `${path} holds ${what}; segmenting in blocks takes one plane: choose it with --plane (and --frame).`, { path, planes, frames });
  }
}

function cannotRead(path: string, error: unknown): ImageFileError {
  const code = (error as NodeJS.ErrnoException).code;
  const reason = code === 'ENOENT' ? 'there is no such file' : code === 'EISDIR' ? 'it is a folder' : `the system said ${code}`;
  return new ImageFileError(path, reason, error);
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

/**
 * One plane of the image at `path`, to be read region by region: the plane asked for (a TIFF's undeclared pages
 * then read as planes, as the CLI reads them), else the image's only plane; a stack's plane must be chosen.
 */
export async function openImageRegions(path: string, options: { position?: PlanePosition } = {}): Promise<ImageFileRegions> {
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
    const { stack, image } = await readImagePlane(path, options.position);
    const position = options.position ?? defaultPosition(stack.description);
    return { ...imageRegionsOf(image), readByRegion: false, sampleType: stack.description.sampleType, position, close: async () => undefined };
  }
  const descriptor = openSync(path, 'r');
  try {
    const stack = openTiffRegions(fileBytes(descriptor), { pagesAsPlanes: options.position !== undefined });
    const { width, height, channels, sampleType, planes, frames } = stack.description;
    if (options.position === undefined && planes * frames > 1) throw new BlockModeNeedsPlaneError(path, planes, frames);
    const position = options.position ?? defaultPosition(stack.description);
    return {
      width,
      height,
      channels,
      readByRegion: true,
      sampleType,
      position,
      async read(region: Region) {
        // As numpy's astype(np.float32): integers above 2^24 and float64 samples round to the nearest float32.
        return { width: region.width, height: region.height, channels, data: new Float32Array(stack.readRegion(position, region)) };
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
