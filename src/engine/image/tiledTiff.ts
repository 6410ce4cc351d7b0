// The byte layout of a tiled TIFF written as its tiles are produced (whole-slide label images, which may pass 4 GiB
// and then need BigTIFF): header, tiles in the order they come, and the directory last, once every tile's place is
// known. Pure (bytes out); src/engine/io/tiledTiffWriter.ts writes them to a file. Read back by tiff.ts, tifffile,
// Fiji and QuPath.
import { zlibSync } from 'fflate';
import { InvalidSettingError } from '../errors';
import { HOST_IS_LITTLE_ENDIAN } from './tiffStructure';

export type TiledSampleType = 'uint8' | 'uint16' | 'uint32';

export interface TiledTiffLayout {
  width: number;
  height: number;
  /** Samples per pixel, interleaved in each tile. */
  channels: number;
  sampleType: TiledSampleType;
  /** Tile side in pixels, a multiple of 16 as TIFF requires. */
  tileSize: number;
  compression: 'deflate' | 'none';
  bigTiff: boolean;
}

const BYTES: Readonly<Record<TiledSampleType, number>> = { uint8: 1, uint16: 2, uint32: 4 };
const SHORT = 3;
const LONG = 4;
const LONG8 = 16;
/** Bytes a classic TIFF can address; a file that may pass it is written as BigTIFF. */
const CLASSIC_LIMIT = 2 ** 32 - 1;

export function bytesPerSample(sampleType: TiledSampleType): number {
  return BYTES[sampleType];
}

/** Whether the file could pass what classic TIFF addresses (judged on the uncompressed size, before writing). */
export function needsBigTiff(width: number, height: number, channels: number, sampleType: TiledSampleType, tileSize: number): boolean {
  const tiles = Math.ceil(width / tileSize) * Math.ceil(height / tileSize);
  const data = tiles * tileSize * tileSize * channels * BYTES[sampleType];
  return data + 16 * tiles + 4096 > CLASSIC_LIMIT;
}

export function checkTiledLayout(layout: TiledTiffLayout): void {
  const { width, height, channels, tileSize } = layout;
  if (![width, height, channels, tileSize].every((n) => Number.isInteger(n) && n >= 1) || tileSize % 16 !== 0) {
    throw new InvalidSettingError(`A tiled TIFF needs whole-number sizes and tiles a multiple of 16 pixels; got ${width} x ${height}, ${channels} channels, tiles of ${tileSize}.`, {
      width,
      height,
      channels,
      tileSize,
    });
  }
}

/** The file's header; the first directory's place (bytes 4-7, or 8-15 for BigTIFF) is filled in by firstDirectoryAt. */
export function tiledTiffHeader(layout: TiledTiffLayout): Uint8Array {
  const header = new Uint8Array(layout.bigTiff ? 16 : 8);
  const view = new DataView(header.buffer);
  const le = HOST_IS_LITTLE_ENDIAN;
  header[0] = header[1] = le ? 0x49 : 0x4d;
  view.setUint16(2, layout.bigTiff ? 43 : 42, le);
  if (layout.bigTiff) view.setUint16(4, 8, le);
  return header;
}

/** The bytes that point the header at the directory, and where in the file they go. */
export function firstDirectoryAt(layout: TiledTiffLayout, directoryOffset: number): { at: number; bytes: Uint8Array } {
  const bytes = new Uint8Array(layout.bigTiff ? 8 : 4);
  const view = new DataView(bytes.buffer);
  if (layout.bigTiff) view.setBigUint64(0, BigInt(directoryOffset), HOST_IS_LITTLE_ENDIAN);
  else view.setUint32(0, directoryOffset, HOST_IS_LITTLE_ENDIAN);
  return { at: layout.bigTiff ? 8 : 4, bytes };
}

/**
 * One tile as stored: `samples` holds tileSize x tileSize pixels, channels interleaved, in the computer's byte order
 * (declared in the header); deflate-compressed unless the layout says none.
 */
export function encodeTile(layout: TiledTiffLayout, samples: Uint8Array | Uint16Array | Uint32Array): Uint8Array {
  const bytes = new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength);
  return layout.compression === 'deflate' ? zlibSync(bytes, { level: 6 }) : bytes;
}

/** The directory, to be written at `offset` (even), pointing at the tiles written at `tileOffsets`. */
export function tiledTiffDirectory(layout: TiledTiffLayout, offset: number, tileOffsets: readonly number[], tileByteCounts: readonly number[]): Uint8Array {
  const { bigTiff, channels } = layout;
  if (!bigTiff && offset + 4096 + 8 * tileOffsets.length > CLASSIC_LIMIT) {
    throw new InvalidSettingError('The label image grew past what a classic TIFF can hold.', { offset });
  }
  const offsetType = bigTiff ? LONG8 : LONG;
  const entries: { tag: number; type: number; values: readonly number[] }[] = [
    { tag: 256, type: LONG, values: [layout.width] }, // ImageWidth
    { tag: 257, type: LONG, values: [layout.height] }, // ImageLength
    { tag: 258, type: SHORT, values: new Array<number>(channels).fill(8 * BYTES[layout.sampleType]) }, // BitsPerSample
    { tag: 259, type: SHORT, values: [layout.compression === 'deflate' ? 8 : 1] }, // Compression: 8 = Deflate
    { tag: 262, type: SHORT, values: [channels === 3 ? 2 : 1] }, // Photometric: RGB or BlackIsZero
    { tag: 277, type: SHORT, values: [channels] }, // SamplesPerPixel
    { tag: 284, type: SHORT, values: [1] }, // PlanarConfiguration: contiguous
    { tag: 322, type: SHORT, values: [layout.tileSize] }, // TileWidth
    { tag: 323, type: SHORT, values: [layout.tileSize] }, // TileLength
    { tag: 324, type: offsetType, values: tileOffsets }, // TileOffsets
    { tag: 325, type: offsetType, values: tileByteCounts }, // TileByteCounts
    { tag: 339, type: SHORT, values: new Array<number>(channels).fill(1) }, // SampleFormat: unsigned integer
  ];
  const countSize = bigTiff ? 8 : 2;
  const entrySize = bigTiff ? 20 : 12;
  const inline = bigTiff ? 8 : 4;
  const size = (type: number) => (type === SHORT ? 2 : type === LONG ? 4 : 8);
  const directoryLength = countSize + entries.length * entrySize + (bigTiff ? 8 : 4);
  let length = directoryLength;
  const external = entries.map((entry) => {
    const bytes = size(entry.type) * entry.values.length;
    if (bytes <= inline) return -1;
    const at = length;
    length += bytes + (bytes % 2);
    return at;
  });
  const out = new Uint8Array(length);
  const view = new DataView(out.buffer);
  const le = HOST_IS_LITTLE_ENDIAN;
  const writeOffset = (at: number, value: number) => (bigTiff ? view.setBigUint64(at, BigInt(value), le) : view.setUint32(at, value, le));
  if (bigTiff) view.setBigUint64(0, BigInt(entries.length), le);
  else view.setUint16(0, entries.length, le);
  entries.forEach((entry, i) => {
    const at = countSize + i * entrySize;
    view.setUint16(at, entry.tag, le);
    view.setUint16(at + 2, entry.type, le);
    if (bigTiff) view.setBigUint64(at + 4, BigInt(entry.values.length), le);
    else view.setUint32(at + 4, entry.values.length, le);
    const valueAt = at + (bigTiff ? 12 : 8);
    if (external[i]! >= 0) writeOffset(valueAt, offset + external[i]!);
    const valuesAt = external[i]! >= 0 ? external[i]! : valueAt;
    entry.values.forEach((value, k) => {
      const where = valuesAt + k * size(entry.type);
      if (entry.type === SHORT) view.setUint16(where, value, le);
      else if (entry.type === LONG) view.setUint32(where, value, le);
      else view.setBigUint64(where, BigInt(value), le);
    });
  });
  return out; // the next-directory offset after the entries stays 0: one page
}
