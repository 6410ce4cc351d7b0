// Decodes a PNG (any bit depth and colour type, with fast-png) into a planar RasterImage with the channels Cellpose's
// reader gives. Pure, runs anywhere.
//
// [Note: channels as Cellpose reads them] Cellpose 3.0.11's io.imread reads non-TIFF files with OpenCV,
// cv2.imread(path, -1) (IMREAD_UNCHANGED: 16-bit samples kept, no EXIF rotation), then keeps img[..., [2, 1, 0]]
// when the result has colour. OpenCV gives 1 channel for grey PNGs and JPEGs (transparency ignored, 1/2/4-bit
// grey scaled to 0..255), BGR for colour and palette images, and BGRA for anything with alpha (grey + alpha is
// first expanded to BGR). The [2, 1, 0] selection then keeps three channels in RGB order, so alpha is dropped:
// grey -> 1 channel; grey + alpha, RGB, RGBA, palette -> 3 channels (grey + alpha as three equal channels).
// CellDesk returns the same channels, so channel numbers mean what they mean in Cellpose.
import { decode as decodeWithFastPng } from 'fast-png';
import { FileFormatError } from '../errors';
import { inflatesBeyond } from '../formats/inflate';
import { checkDeclaredSize, type ImageLimits } from './limits';
import type { RasterImage } from './raster';

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

const GREY = 0;
const RGB = 2;
const PALETTE = 3;
const GREY_ALPHA = 4;
const RGBA = 6;

/** Bit depths the PNG specification allows for each colour type. */
const ALLOWED_DEPTHS: Readonly<Record<number, readonly number[]>> = {
  [GREY]: [1, 2, 4, 8, 16],
  [RGB]: [8, 16],
  [PALETTE]: [1, 2, 4, 8],
  [GREY_ALPHA]: [8, 16],
  [RGBA]: [8, 16],
};

const SAMPLES_PER_PIXEL: Readonly<Record<number, number>> = { [GREY]: 1, [RGB]: 3, [PALETTE]: 1, [GREY_ALPHA]: 2, [RGBA]: 4 };

export function hasPngSignature(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && SIGNATURE.every((b, i) => bytes[i] === b);
}

interface PngHeader {
  width: number;
  height: number;
  depth: number;
  colorType: number;
}

function truncatedPng(fileLength: number): FileFormatError {
  return new FileFormatError(
    'png',
    `This PNG file ends early (after ${fileLength.toLocaleString('en-US')} bytes, before its end marker). It was ` +
      'probably cut short while copying or downloading; copy it again from the original.',
    { truncated: true, fileLength },
  );
}

function readHeader(bytes: Uint8Array): PngHeader {
  if (bytes.length < 33) throw truncatedPng(bytes.length);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const type = String.fromCharCode(...bytes.subarray(12, 16));
  if (view.getUint32(8) !== 13 || type !== 'IHDR') {
    throw new FileFormatError('png', 'This PNG file is damaged: it does not start with its image header.');
  }
  const header = { width: view.getUint32(16), height: view.getUint32(20), depth: bytes[24]!, colorType: bytes[25]! };
  if (!(ALLOWED_DEPTHS[header.colorType] ?? []).includes(header.depth)) {
    throw new FileFormatError('png', `This PNG file is damaged: colour type ${header.colorType} with ${header.depth}-bit samples does not exist.`, {
      ...header,
    });
  }
  return header;
}

/**
 * Follows the chunk lengths to the end marker, so a cut file is named as such instead of failing mid-decode; returns
 * the compressed streams fast-png will inflate: the image data (IDAT chunks, joined) and any ICC profile.
 */
function compressedStreams(bytes: Uint8Array, colorType: number): { imageData: Uint8Array; profiles: Uint8Array[] } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 8;
  let hasPalette = false;
  const imageData: Uint8Array[] = [];
  const profiles: Uint8Array[] = [];
  for (;;) {
    if (at + 12 > bytes.length) throw truncatedPng(bytes.length);
    const length = view.getUint32(at);
    const type = String.fromCharCode(...bytes.subarray(at + 4, at + 8));
    const next = at + 12 + length;
    if (next > bytes.length) throw truncatedPng(bytes.length);
    const data = bytes.subarray(at + 8, at + 8 + length);
    if (type === 'PLTE') hasPalette = true;
    if (type === 'IDAT') imageData.push(data);
    // iCCP: profile name, NUL, compression method (one byte), then the zlib stream.
    if (type === 'iCCP') profiles.push(data.subarray(data.indexOf(0) + 2));
    if (type === 'IEND') break;
    at = next;
  }
  if (colorType === PALETTE && !hasPalette) {
    throw new FileFormatError('png', 'This PNG file is damaged: it is a palette image without a palette.');
  }
  const joined = new Uint8Array(imageData.reduce((sum, part) => sum + part.length, 0));
  imageData.reduce((offset, part) => (joined.set(part, offset), offset + part.length), 0);
  return { imageData: joined, profiles };
}

/** Adam7's passes: first column and row, and steps, of each. */
const ADAM7 = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
] as const;

/** Bytes of filtered rows the image data holds for this header: a filter byte and the packed samples of each row. */
function filteredSize(width: number, height: number, bitsPerPixel: number, interlaced: boolean): number {
  const rows = (w: number, h: number) => (w === 0 || h === 0 ? 0 : h * (1 + Math.ceil((w * bitsPerPixel) / 8)));
  if (!interlaced) return rows(width, height);
  return ADAM7.reduce((sum, [x0, y0, dx, dy]) => sum + rows(Math.ceil((width - x0) / dx), Math.ceil((height - y0) / dy)), 0);
}

/** ICC profiles are a few kilobytes to a megabyte; this is ample. */
const PROFILE_LIMIT = 16 * 2 ** 20;

/**
 * Refuses compressed streams that inflate beyond what the header allows, before fast-png (which inflates whatever
 * a stream holds) is given the file; see [Note: inflation limits]. Streams that are damaged are left for fast-png,
 * whose message names the problem.
 */
function checkInflatedSizes(bytes: Uint8Array, header: PngHeader, limit: number): void {
  const { imageData, profiles } = compressedStreams(bytes, header.colorType);
  const overflows = (stream: Uint8Array, most: number) => {
    try {
      return inflatesBeyond(stream, most, 'zlib');
    } catch {
      return false;
    }
  };
  if (overflows(imageData, limit)) {
    throw new FileFormatError('png', `This PNG file is damaged: its image data decompresses to more than its ${header.width} x ${header.height} pixels hold.`, { ...header });
  }
  if (profiles.some((profile) => overflows(profile, PROFILE_LIMIT))) {
    throw new FileFormatError('png', 'This PNG file is damaged: its colour profile decompresses to far more than a profile holds.', { ...header });
  }
}

export function decodePng(bytes: Uint8Array, limits: ImageLimits): RasterImage {
  const { width, height, depth, colorType } = readHeader(bytes);
  const channels = colorType === GREY ? 1 : 3;
  const bytesPerSample = depth === 16 ? 2 : 1;
  // The decoder holds the file's own samples (up to 4 per pixel) before they become planes: check the larger.
  checkDeclaredSize({ format: 'png', width, height, channels: Math.max(channels, SAMPLES_PER_PIXEL[colorType]!), bytesPerSample }, limits);
  const interlaced = bytes[28] === 1;
  checkInflatedSizes(bytes, { width, height, depth, colorType }, filteredSize(width, height, depth * SAMPLES_PER_PIXEL[colorType]!, interlaced));

  let decoded: ReturnType<typeof decodeWithFastPng>;
  try {
    decoded = decodeWithFastPng(bytes);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new FileFormatError('png', `This PNG file is damaged and cannot be decoded (${reason}).`, {}, { cause: error });
  }
  const base = { width, height, channels, pageCount: 1, page: 0, format: 'png' as const };
  const n = width * height;

  if (colorType === GREY && depth >= 8) {
    return depth === 16
      ? { ...base, sampleType: 'uint16', data: decoded.data as Uint16Array }
      : { ...base, sampleType: 'uint8', data: decoded.data as Uint8Array };
  }
  if (colorType === GREY) return { ...base, sampleType: 'uint8', data: unpackGrey(decoded.data as Uint8Array, width, height, depth) };

  const data = depth === 16 ? new Uint16Array(3 * n) : new Uint8Array(3 * n);
  if (colorType === PALETTE) {
    paletteToPlanes(decoded.data as Uint8Array, decoded.palette ?? [], width, height, depth, data as Uint8Array);
  } else {
    const stride = SAMPLES_PER_PIXEL[colorType]!;
    const source = decoded.data;
    for (let c = 0; c < 3; c++) {
      // Grey + alpha has one colour sample: it fills all three planes.
      const offset = colorType === GREY_ALPHA ? 0 : c;
      for (let i = 0, s = offset, t = c * n; i < n; i++, s += stride, t++) data[t] = source[s]!;
    }
  }
  return depth === 16 ? { ...base, sampleType: 'uint16', data: data as Uint16Array } : { ...base, sampleType: 'uint8', data: data as Uint8Array };
}

/** 1-, 2- and 4-bit grey, packed most significant bits first, scaled to 0..255 as libpng's expand does. */
function unpackGrey(packed: Uint8Array, width: number, height: number, depth: number): Uint8Array {
  const out = new Uint8Array(width * height);
  const rowBytes = Math.ceil((width * depth) / 8);
  const mask = (1 << depth) - 1;
  const scale = 255 / mask;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const bit = x * depth;
      const value = (packed[y * rowBytes + (bit >> 3)]! >> (8 - depth - (bit & 7))) & mask;
      out[y * width + x] = value * scale;
    }
  }
  return out;
}

/** Palette indices (packed when under 8 bits) to R, G, B planes; an index past the palette's end gives black. */
function paletteToPlanes(
  indices: Uint8Array,
  palette: readonly (readonly number[])[],
  width: number,
  height: number,
  depth: number,
  out: Uint8Array,
): void {
  const n = width * height;
  const rowBytes = Math.ceil((width * depth) / 8);
  const mask = (1 << depth) - 1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const bit = x * depth;
      const index = (indices[y * rowBytes + (bit >> 3)]! >> (8 - depth - (bit & 7))) & mask;
      const colour = palette[index];
      const i = y * width + x;
      out[i] = colour?.[0] ?? 0;
      out[n + i] = colour?.[1] ?? 0;
      out[2 * n + i] = colour?.[2] ?? 0;
    }
  }
}
