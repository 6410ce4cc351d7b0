// Entry point of image reading: recognises the format from the file's first bytes (never its name) and decodes it
// into a planar RasterImage. Pure (bytes in, arrays out), runs anywhere.
import { InvalidSettingError } from '../errors';
import { ImagePageOutOfRangeError, UnsupportedImageError, type ImageFormat } from './errors';
import { decodeJpeg, hasJpegSignature } from './jpeg';
import { DEFAULT_IMAGE_LIMITS, type ImageLimits } from './limits';
import { decodePng, hasPngSignature } from './png';
import type { RasterImage } from './raster';
import { decodeTiff } from './tiff';
import { hasTiffSignature } from './tiffStructure';

export interface DecodeImageOptions {
  /** Page of a multi-page TIFF, 0-based; default 0. */
  page?: number;
  /** Default DEFAULT_IMAGE_LIMITS; see [Note: image limits] in limits.ts. */
  limits?: ImageLimits;
  signal?: AbortSignal;
}

/** Formats people try to open that CellDesk does not read, by their first bytes, so the refusal can name them. */
const OTHER_FORMATS: readonly { name: string; magic: readonly number[] }[] = [
  { name: 'a Zeiss CZI file', magic: [0x5a, 0x49, 0x53, 0x52, 0x41, 0x57, 0x46, 0x49, 0x4c, 0x45] }, // ZISRAWFILE
  { name: 'a Nikon ND2 file', magic: [0xda, 0xce, 0xbe, 0x0a] },
  { name: 'an HDF5 file (e.g. Imaris .ims)', magic: [0x89, 0x48, 0x44, 0x46] },
  { name: 'a NumPy .npy file', magic: [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59] },
  { name: 'a GIF image', magic: [0x47, 0x49, 0x46, 0x38] },
  { name: 'a BMP image', magic: [0x42, 0x4d] },
  { name: 'a ZIP archive', magic: [0x50, 0x4b, 0x03, 0x04] },
];

/** The image format the bytes start with, or undefined when none CellDesk reads. */
export function sniffImageFormat(bytes: Uint8Array): ImageFormat | undefined {
  if (hasTiffSignature(bytes)) return 'tiff';
  if (hasPngSignature(bytes)) return 'png';
  if (hasJpegSignature(bytes)) return 'jpeg';
  return undefined;
}

function notAnImage(bytes: Uint8Array): UnsupportedImageError {
  const firstBytes = Array.from(bytes.subarray(0, 8), (b) => b.toString(16).padStart(2, '0')).join(' ');
  if (bytes.length === 0) return new UnsupportedImageError('This file is empty (0 bytes): it is not a supported image.', { firstBytes });
  const other = OTHER_FORMATS.find(({ magic }) => bytes.length >= magic.length && magic.every((b, i) => bytes[i] === b));
  const what = other === undefined ? 'Its first bytes match none of these formats.' : `It looks like ${other.name}; export it as TIFF first (Fiji can).`;
  return new UnsupportedImageError(`This file is not a supported image: CellDesk reads TIFF, PNG and JPEG files. ${what}`, {
    firstBytes,
    ...(other === undefined ? {} : { looksLike: other.name }),
  });
}

/**
 * Decodes a TIFF, PNG or JPEG file. Sizes are checked against `limits` before anything is allocated; damaged files
 * raise FileFormatError, unreadable variants UnsupportedImageError, oversize ones ImageTooLargeError. A TIFF checks
 * `signal` between strips and tiles; PNG and JPEG decode in one step (their libraries cannot pause), so for them it
 * is checked before and after.
 */
export async function decodeImage(bytes: Uint8Array, options: DecodeImageOptions = {}): Promise<RasterImage> {
  const { page = 0, limits = DEFAULT_IMAGE_LIMITS, signal } = options;
  if (!Number.isInteger(page) || page < 0) {
    throw new InvalidSettingError(`A page number is a whole number from 0 up, not ${page}.`, { page });
  }
  signal?.throwIfAborted();
  const format = sniffImageFormat(bytes);
  if (format === undefined) throw notAnImage(bytes);
  if (format === 'tiff') return decodeTiff(bytes, page, limits, signal);
  if (page !== 0) throw new ImagePageOutOfRangeError(format, page, 1);
  const raster = format === 'png' ? decodePng(bytes, limits) : decodeJpeg(bytes, limits);
  signal?.throwIfAborted();
  return raster;
}
