// Decodes a JPEG (baseline or progressive, 8-bit; with jpeg-js) into a planar RasterImage: grey -> 1 channel,
// colour -> RGB. Pure, runs anywhere. Channels follow [Note: channels as Cellpose reads them] in png.ts; as there,
// EXIF orientation is not applied. jpeg-js and the libjpeg inside OpenCV round the inverse DCT and upsample chroma
// differently, so colour pixels can differ from Cellpose's by a few grey levels (JPEG is lossy to begin with).
import jpeg from 'jpeg-js';
import { FileFormatError } from '../errors';
import { UnsupportedImageError } from './errors';
import { checkDeclaredSize, type ImageLimits } from './limits';
import type { RasterImage } from './raster';

export function hasJpegSignature(bytes: Uint8Array): boolean {
  return bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
}

interface JpegFrame {
  marker: number;
  precision: number;
  width: number;
  height: number;
  components: number;
  /** Horizontal and vertical sampling factors of each component. */
  sampling: { h: number; v: number }[];
}

/** Start-of-frame markers jpeg-js decodes: baseline, extended sequential and progressive Huffman-coded DCT. */
const DECODABLE_FRAMES = new Set([0xc0, 0xc1, 0xc2]);
const FRAME_NAMES: Readonly<Record<number, string>> = {
  0xc3: 'lossless JPEG',
  0xc9: 'arithmetic-coded JPEG',
  0xca: 'arithmetic-coded JPEG',
  0xcb: 'arithmetic-coded lossless JPEG',
};

function truncatedJpeg(fileLength: number): FileFormatError {
  return new FileFormatError(
    'jpeg',
    `This JPEG file ends early (after ${fileLength.toLocaleString('en-US')} bytes). It was probably cut short while ` +
      'copying or downloading; copy it again from the original.',
    { truncated: true, fileLength },
  );
}

/** Walks the marker segments up to the frame header, which declares the size. */
function readFrame(bytes: Uint8Array): JpegFrame {
  let at = 2;
  for (;;) {
    while (at < bytes.length && bytes[at] === 0xff && bytes[at + 1] === 0xff) at++; // fill bytes
    if (at + 4 > bytes.length) throw truncatedJpeg(bytes.length);
    if (bytes[at] !== 0xff) throw new FileFormatError('jpeg', 'This JPEG file is damaged: a marker is missing where one must be.', { offset: at });
    const marker = bytes[at + 1]!;
    const length = (bytes[at + 2]! << 8) | bytes[at + 3]!;
    const isFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isFrame) {
      if (at + 10 > bytes.length) throw truncatedJpeg(bytes.length);
      const components = bytes[at + 9]!;
      if (at + 10 + 3 * components > bytes.length) throw truncatedJpeg(bytes.length);
      const sampling = Array.from({ length: components }, (_, i) => ({ h: bytes[at + 11 + 3 * i]! >> 4, v: bytes[at + 11 + 3 * i]! & 15 }));
      return {
        marker,
        precision: bytes[at + 4]!,
        height: (bytes[at + 5]! << 8) | bytes[at + 6]!,
        width: (bytes[at + 7]! << 8) | bytes[at + 8]!,
        components,
        sampling,
      };
    }
    if (marker === 0xda || marker === 0xd9) {
      throw new FileFormatError('jpeg', 'This JPEG file is damaged: its image data starts before its frame header.');
    }
    at += 2 + length;
  }
}

/**
 * The fewest bytes of image data a JPEG of this frame can hold. Every 8 x 8 block of every component codes at least
 * its DC coefficient, in at least one bit (in a baseline scan, and in a progressive file's first DC scan), so a file
 * shorter than one bit per block cannot be what its header declares: a damaged size field, which the decoder would
 * otherwise honour by allocating and decoding the whole declared image.
 */
function fewestDataBytes(frame: JpegFrame): number {
  const hMax = Math.max(1, ...frame.sampling.map((s) => s.h));
  const vMax = Math.max(1, ...frame.sampling.map((s) => s.v));
  let blocks = 0;
  for (const { h, v } of frame.sampling) {
    blocks += Math.ceil(Math.ceil((frame.width * h) / hMax) / 8) * Math.ceil(Math.ceil((frame.height * v) / vMax) / 8);
  }
  return Math.floor(blocks / 8);
}

export function decodeJpeg(bytes: Uint8Array, limits: ImageLimits): RasterImage {
  const frame = readFrame(bytes);
  if (!DECODABLE_FRAMES.has(frame.marker) || frame.precision !== 8) {
    const kind = frame.precision !== 8 ? `${frame.precision}-bit JPEG` : (FRAME_NAMES[frame.marker] ?? 'hierarchical JPEG');
    throw new UnsupportedImageError(
      `This file is a ${kind}, which CellDesk does not read (it reads 8-bit baseline and progressive JPEG). Save the ` +
        'image as TIFF or PNG instead.',
      { format: 'jpeg', marker: frame.marker, precision: frame.precision },
    );
  }
  if (frame.components !== 1 && frame.components !== 3 && frame.components !== 4) {
    throw new UnsupportedImageError(`This JPEG file has ${frame.components} colour components; CellDesk reads grey and colour JPEG.`, {
      format: 'jpeg',
      components: frame.components,
    });
  }
  const channels = frame.components === 1 ? 1 : 3;
  checkDeclaredSize({ format: 'jpeg', width: frame.width, height: frame.height, channels, bytesPerSample: 1 }, limits);
  if (frame.sampling.some((s) => s.h < 1 || s.h > 4 || s.v < 1 || s.v > 4)) {
    throw new FileFormatError('jpeg', 'This JPEG file is damaged: its frame header gives impossible sampling factors.', { sampling: frame.sampling });
  }
  if (bytes.length < fewestDataBytes(frame)) {
    throw new FileFormatError(
      'jpeg',
      `This JPEG file declares ${frame.width.toLocaleString('en-US')} x ${frame.height.toLocaleString('en-US')} pixels but is far too short to hold them ` +
        `(${bytes.length.toLocaleString('en-US')} bytes): its header is damaged, or the file was cut short. Copy it again from the original.`,
      { width: frame.width, height: frame.height, fileLength: bytes.length },
    );
  }

  let decoded: { width: number; height: number; data: Uint8Array };
  try {
    decoded = jpeg.decode(bytes, {
      useTArray: true,
      formatAsRGBA: false,
      tolerantDecoding: false,
      // The size was checked above against CellDesk's own limits.
      maxResolutionInMP: limits.maxPixels / 1e6,
      maxMemoryUsageInMB: Number.POSITIVE_INFINITY,
    });
  } catch (error) {
    // A complete JPEG ends with its end-of-image marker; without it, the decoder's complaint is a symptom of the cut.
    const n = bytes.length;
    if (bytes[n - 2] !== 0xff || bytes[n - 1] !== 0xd9) throw truncatedJpeg(n);
    const reason = error instanceof Error ? error.message : String(error);
    throw new FileFormatError('jpeg', `This JPEG file is damaged and cannot be decoded (${reason}).`, {}, { cause: error });
  }
  // jpeg-js returns RGB for every input (grey repeated three times); keep one plane for grey.
  const n = frame.width * frame.height;
  const data = new Uint8Array(channels * n);
  for (let c = 0; c < channels; c++) {
    for (let i = 0, s = c, t = c * n; i < n; i++, s += 3, t++) data[t] = decoded.data[s]!;
  }
  return { width: frame.width, height: frame.height, channels, sampleType: 'uint8', data, pageCount: 1, page: 0, format: 'jpeg' };
}
