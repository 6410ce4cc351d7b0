// Size limits on decoded images, checked against the sizes a file declares before any pixel is decoded or allocated.
// Pure, runs anywhere.
import { FileFormatError } from '../errors';
import { ImageTooLargeError, type ImageFormat } from './errors';

export interface ImageLimits {
  /** Most pixels in one plane (width x height). */
  maxPixels: number;
  /** Longest width or height, in pixels. */
  maxSide: number;
  /** Most bytes of decoded samples (width x height x channels x bytes per sample). */
  maxBytes: number;
}

/**
 * [Note: image limits] A header is a promise, not a fact: a damaged or hostile file can declare any size, so every
 * decoder compares the declared size with these limits before it allocates anything.
 * - maxPixels 2^28 (268 million, e.g. 16384 x 16384): Cellpose tiles a plane this large into about 7,700 network
 *   tiles of 224 x 224 per pass (CELLPOSE-3-INFERENCE.md section 4), hours on a desktop CPU; larger images (whole
 *   slides) need cropping or tiling first.
 * - maxSide 65535: the largest side a JPEG can have and the largest ImageJ/Fiji users meet; a longer side in a
 *   microscopy image almost always means a damaged header.
 * - maxBytes 4 GiB (2^32): the largest single buffer Node 20 allocates, and exactly the largest plane (2^28
 *   pixels) with 4 channels of 32-bit samples. The pipeline's float32 copy needs up to 4 times the decoded bytes
 *   of an 8-bit image, so this is the most a 16 GiB workstation can hold with room to run the network.
 */
export const DEFAULT_IMAGE_LIMITS: Readonly<ImageLimits> = Object.freeze({
  maxPixels: 2 ** 28,
  maxSide: 65535,
  maxBytes: 2 ** 32,
});

/**
 * Limits for an image read region by region (block mode, src/engine/io/imageRegions.ts): nothing image-sized is
 * ever allocated, so only sides no slide scanner makes (2^24, 16.7 million pixels) are refused; each strip or tile
 * is still held to DEFAULT_IMAGE_LIMITS.
 */
export const REGION_READ_LIMITS: Readonly<ImageLimits> = Object.freeze({
  maxPixels: 2 ** 48,
  maxSide: 2 ** 24,
  maxBytes: 2 ** 53,
});

export interface DeclaredSize {
  format: ImageFormat;
  width: number;
  height: number;
  channels: number;
  bytesPerSample: number;
}

const FORMAT_NAMES: Record<ImageFormat, string> = { tiff: 'TIFF', png: 'PNG', jpeg: 'JPEG' };

function count(n: number): string {
  return n.toLocaleString('en-US');
}

function byteSize(bytes: number): string {
  if (bytes >= 2 ** 30) return `${(bytes / 2 ** 30).toFixed(1)} GiB`;
  if (bytes >= 2 ** 20) return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
  return `${(bytes / 2 ** 10).toFixed(1)} KiB`;
}

/** Throws unless an image of the declared size may be decoded: a zero side is a damaged file, an oversize one is refused. */
export function checkDeclaredSize(declared: DeclaredSize, limits: ImageLimits): void {
  const { format, width, height, channels, bytesPerSample } = declared;
  const name = FORMAT_NAMES[format];
  const size = `${count(width)} x ${count(height)} pixels`;
  if (width === 0 || height === 0) {
    throw new FileFormatError(
      format,
      `This ${name} file declares an image of ${size}, so it holds no pixels. The file is damaged or was not written completely.`,
      { width, height },
    );
  }
  const details = { width, height, channels, bytesPerSample, limits: { ...limits } };
  if (width > limits.maxSide || height > limits.maxSide) {
    throw new ImageTooLargeError(
      format,
      `This ${name} file declares an image of ${size}; CellDesk opens images up to ${count(limits.maxSide)} pixels ` +
        'on a side. If the size is real, crop or downsample the image first (for example in Fiji); if not, the file is damaged.',
      details,
    );
  }
  const pixels = width * height;
  if (pixels > limits.maxPixels) {
    throw new ImageTooLargeError(
      format,
      `This ${name} file declares an image of ${size} (${count(pixels)} pixels); CellDesk opens images of up to ` +
        `${count(limits.maxPixels)} pixels. Crop or downsample the image first (for example in Fiji).`,
      details,
    );
  }
  const bytes = pixels * channels * bytesPerSample;
  if (bytes > limits.maxBytes) {
    throw new ImageTooLargeError(
      format,
      `This ${name} file declares an image of ${size} with ${channels} channel${channels === 1 ? '' : 's'} of ` +
        `${bytesPerSample * 8}-bit samples, ${byteSize(bytes)} once decoded; CellDesk decodes at most ` +
        `${byteSize(limits.maxBytes)}. Crop the image, or keep fewer channels, first.`,
      details,
    );
  }
}
