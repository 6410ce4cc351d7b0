// Reads a TIFF's container: header, the chain of image file directories (one per page) and the tags of one page,
// checked against the file's length. Pure, runs anywhere.
//
// [Note: own TIFF reader] geotiff, the installed TIFF library, cannot be trusted with the files CellDesk must
// refuse clearly: its promise never settles for a big-endian file whose strip table lies outside the first KiB of
// its directory (it reads that table as little-endian), nor for a Deflate strip cut short, and it returns short
// data for a truncated LZW strip with only a console warning. Classic TIFF and BigTIFF are simple enough to read
// here, with every offset checked against the file length before it is followed; decompression uses fflate
// (Deflate) and the small decoders in tiffCodecs.ts.
import { FileFormatError } from '../errors';

/**
 * Where a TIFF's bytes come from: a file read whole, or (for a whole slide read block by block) a file read a piece
 * at a time. `read` is only asked for bytes inside [0, length).
 */
export interface TiffBytes {
  readonly length: number;
  read(offset: number, length: number): Uint8Array;
}

export function bytesInMemory(bytes: Uint8Array): TiffBytes {
  return { length: bytes.length, read: (offset, length) => bytes.subarray(offset, offset + length) };
}

export interface TiffFile {
  source: TiffBytes;
  littleEndian: boolean;
  bigTiff: boolean;
  /** Byte offset of each page's image file directory, in file order. */
  pageOffsets: number[];
}

interface TagEntry {
  type: number;
  count: number;
  /** Absolute offset of the value bytes (inside the entry when they fit there). */
  valueOffset: number;
}

export type TagSet = Map<number, TagEntry>;

/** TIFF declares its byte order; samples in the computer's own order need no swapping. */
export const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Sizes in bytes of the TIFF field types; unknown types are skipped, as the specification asks. */
const FIELD_TYPE_SIZES: Readonly<Record<number, number>> = {
  1: 1, // BYTE
  2: 1, // ASCII
  3: 2, // SHORT
  4: 4, // LONG
  5: 8, // RATIONAL
  6: 1, // SBYTE
  7: 1, // UNDEFINED
  8: 2, // SSHORT
  9: 4, // SLONG
  10: 8, // SRATIONAL
  11: 4, // FLOAT
  12: 8, // DOUBLE
  13: 4, // IFD
  16: 8, // LONG8
  17: 8, // SLONG8
  18: 8, // IFD8
};

export const TAG = {
  imageWidth: 256,
  imageLength: 257,
  bitsPerSample: 258,
  compression: 259,
  photometric: 262,
  imageDescription: 270,
  stripOffsets: 273,
  samplesPerPixel: 277,
  rowsPerStrip: 278,
  stripByteCounts: 279,
  xResolution: 282,
  yResolution: 283,
  planarConfiguration: 284,
  resolutionUnit: 296,
  predictor: 317,
  tileWidth: 322,
  tileLength: 323,
  tileOffsets: 324,
  tileByteCounts: 325,
  sampleFormat: 339,
  yCbCrSubSampling: 530,
} as const;

const TAG_NAMES: Readonly<Record<number, string>> = Object.fromEntries(
  Object.entries(TAG).map(([name, tag]) => [tag, name]),
);

/** The file ends before a structure it points to: almost always a file cut short while copying. */
export function truncatedTiff(what: string, neededEnd: number, fileLength: number): FileFormatError {
  return new FileFormatError(
    'tiff',
    `This TIFF file ends early: its ${what} runs to byte ${neededEnd.toLocaleString('en-US')}, but the file has ` +
      `only ${fileLength.toLocaleString('en-US')} bytes. It was probably cut short while copying or downloading; ` +
      'copy it again from the original.',
    { truncated: true, what, neededEnd, fileLength },
  );
}

export function hasTiffSignature(bytes: Uint8Array): boolean {
  if (bytes.length < 4) return false;
  const [a, b, c, d] = bytes;
  const intel = a === 0x49 && b === 0x49 && d === 0 && (c === 42 || c === 43);
  const motorola = a === 0x4d && b === 0x4d && c === 0 && (d === 42 || d === 43);
  return intel || motorola;
}

/** A DataView of bytes [offset, offset + length) of the file, which must lie inside it. */
function viewAt(source: TiffBytes, offset: number, length: number): DataView {
  const bytes = source.read(offset, length);
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function readOffset(file: Pick<TiffFile, 'littleEndian' | 'bigTiff'>, view: DataView, at: number): number {
  return file.bigTiff ? Number(view.getBigUint64(at, file.littleEndian)) : view.getUint32(at, file.littleEndian);
}

/** Reads the header and walks the directory chain (entry counts only) to find every page. */
export function openTiff(source: TiffBytes): TiffFile {
  const length = source.length;
  if (length < 4) throw truncatedTiff('header', 8, length);
  const header = viewAt(source, 0, Math.min(16, length));
  const littleEndian = header.getUint8(0) === 0x49;
  const bigTiff = header.getUint16(2, littleEndian) === 43;
  const headerLength = bigTiff ? 16 : 8;
  if (length < headerLength) throw truncatedTiff('header', headerLength, length);
  if (bigTiff && (header.getUint16(4, littleEndian) !== 8 || header.getUint16(6, littleEndian) !== 0)) {
    throw new FileFormatError('tiff', 'This BigTIFF file has an invalid header (offsets are not 8 bytes wide).');
  }
  const file = { source, littleEndian, bigTiff, pageOffsets: [] as number[] };
  const countSize = bigTiff ? 8 : 2;
  const entrySize = bigTiff ? 20 : 12;
  const seen = new Set<number>();
  let offset = readOffset(file, header, bigTiff ? 8 : 4);
  if (offset === 0) throw new FileFormatError('tiff', 'This TIFF file contains no image (its first directory offset is 0).');
  while (offset !== 0) {
    if (seen.has(offset)) {
      throw new FileFormatError('tiff', 'This TIFF file is damaged: its chain of pages loops back on itself.', { offset });
    }
    seen.add(offset);
    const page = file.pageOffsets.length;
    if (offset + countSize > length) throw truncatedTiff(`header of page ${page}`, offset + countSize, length);
    const count = viewAt(source, offset, countSize);
    const entries = bigTiff ? Number(count.getBigUint64(0, littleEndian)) : count.getUint16(0, littleEndian);
    const end = offset + countSize + entries * entrySize + (bigTiff ? 8 : 4);
    if (end > length) throw truncatedTiff(`header of page ${page}`, end, length);
    file.pageOffsets.push(offset);
    offset = readOffset(file, viewAt(source, end - (bigTiff ? 8 : 4), bigTiff ? 8 : 4), 0);
  }
  return file;
}

/** The tags of the page whose directory is at `offset`. */
export function readTags(file: TiffFile, offset: number): TagSet {
  const { littleEndian, bigTiff } = file;
  const countSize = bigTiff ? 8 : 2;
  const entrySize = bigTiff ? 20 : 12;
  const inlineSize = bigTiff ? 8 : 4;
  const count = viewAt(file.source, offset, countSize);
  const entries = bigTiff ? Number(count.getBigUint64(0, littleEndian)) : count.getUint16(0, littleEndian);
  // openTiff checked that the directory lies inside the file.
  const view = viewAt(file.source, offset, countSize + entries * entrySize);
  const tags: TagSet = new Map();
  for (let i = 0; i < entries; i++) {
    const at = countSize + i * entrySize;
    const tag = view.getUint16(at, littleEndian);
    const type = view.getUint16(at + 2, littleEndian);
    const size = FIELD_TYPE_SIZES[type];
    if (size === undefined) continue;
    const values = bigTiff ? Number(view.getBigUint64(at + 4, littleEndian)) : view.getUint32(at + 4, littleEndian);
    const valueAt = at + (bigTiff ? 12 : 8);
    const valueOffset = size * values <= inlineSize ? offset + valueAt : readOffset(file, view, valueAt);
    tags.set(tag, { type, count: values, valueOffset });
  }
  return tags;
}

/** The unsigned integer values of a tag (BYTE, SHORT, LONG, LONG8 and their IFD types), or undefined if absent. */
export function tagValues(file: TiffFile, tags: TagSet, tag: number): number[] | undefined {
  const entry = tags.get(tag);
  if (entry === undefined) return undefined;
  const { littleEndian } = file;
  const size = FIELD_TYPE_SIZES[entry.type]!;
  const end = entry.valueOffset + size * entry.count;
  const name = TAG_NAMES[tag] ?? `tag ${tag}`;
  if (end > file.source.length) throw truncatedTiff(`header's ${name} list`, end, file.source.length);
  const view = viewAt(file.source, entry.valueOffset, size * entry.count);
  const values = new Array<number>(entry.count);
  for (let i = 0, at = 0; i < entry.count; i++, at += size) {
    switch (entry.type) {
      case 1:
      case 7:
        values[i] = view.getUint8(at);
        break;
      case 3:
        values[i] = view.getUint16(at, littleEndian);
        break;
      case 4:
      case 13:
        values[i] = view.getUint32(at, littleEndian);
        break;
      case 16:
      case 18:
        values[i] = Number(view.getBigUint64(at, littleEndian));
        break;
      default:
        throw new FileFormatError('tiff', `This TIFF file is damaged: its ${name} tag has field type ${entry.type}, not an unsigned integer.`, {
          tag,
          type: entry.type,
        });
    }
  }
  return values;
}

/** The first value of a tag, or `fallback` (the specification's default) if absent. */
export function tagValue(file: TiffFile, tags: TagSet, tag: number, fallback: number): number {
  return tagValues(file, tags, tag)?.[0] ?? fallback;
}

/** A tag's ASCII text (up to its first NUL), or undefined if absent or not text. */
export function tagText(file: TiffFile, tags: TagSet, tag: number): string | undefined {
  const entry = tags.get(tag);
  if (entry === undefined || entry.type !== 2) return undefined;
  const end = entry.valueOffset + entry.count;
  if (end > file.source.length) throw truncatedTiff(`header's ${TAG_NAMES[tag] ?? `tag ${tag}`} text`, end, file.source.length);
  const text = new TextDecoder().decode(file.source.read(entry.valueOffset, entry.count));
  const nul = text.indexOf('\0');
  return nul === -1 ? text : text.slice(0, nul);
}

/** A RATIONAL tag's first value as a number, or undefined if absent, of another type, or with a zero denominator. */
export function tagRational(file: TiffFile, tags: TagSet, tag: number): number | undefined {
  const entry = tags.get(tag);
  if (entry === undefined || entry.type !== 5 || entry.count < 1) return undefined;
  const end = entry.valueOffset + 8;
  if (end > file.source.length) throw truncatedTiff(`header's ${TAG_NAMES[tag] ?? `tag ${tag}`} value`, end, file.source.length);
  const view = viewAt(file.source, entry.valueOffset, 8);
  const numerator = view.getUint32(0, file.littleEndian);
  const denominator = view.getUint32(4, file.littleEndian);
  return denominator === 0 ? undefined : numerator / denominator;
}
