// Reads an image file from disk into the one image reader (src/engine/image/imageStack.ts): what the app's engine,
// the CLI and the benchmark open images with. Node side.
import { readFile } from 'node:fs/promises';
import type { PlanarImage } from '../core/image';
import { CellDeskError } from '../errors';
import { defaultPosition, openImageStack, type ImageStack, type OpenImageOptions, type PlanePosition } from '../image/imageStack';
import { rasterToPlanarFloat32 } from '../image/raster';

/** The image file could not be read from disk (missing, a folder, no permission). */
export class ImageFileError extends CellDeskError {
  constructor(path: string, reason: string, cause?: unknown) {
    super('IMAGE_FILE', `Cannot read the image ${path}: ${reason}.`, { path }, cause === undefined ? undefined : { cause });
  }
}

/** The file's bytes (kept: drafts are keyed by their hash) and the stack they hold. */
export interface ImageFile {
  bytes: Uint8Array;
  stack: ImageStack;
}

export async function readImageFile(path: string, options: OpenImageOptions = {}): Promise<ImageFile> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(path));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'there is no such file' : code === 'EISDIR' ? 'it is a folder' : `the system said ${code}`;
    throw new ImageFileError(path, reason, error);
  }
  return { bytes, stack: await openImageStack(bytes, options) };
}

/** One plane of the image at `path` as the pipeline's planar float32 image; by default the plane it opens on. */
export async function readImagePlane(path: string, position?: PlanePosition): Promise<{ stack: ImageStack; image: PlanarImage }> {
  const { stack } = await readImageFile(path);
  const raster = await stack.readPlane(position ?? defaultPosition(stack.description));
  return { stack, image: rasterToPlanarFloat32(raster) };
}
