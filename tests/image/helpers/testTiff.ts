// Test helper: writes small TIFF files with every layout the decoder must read (byte order, BigTIFF, planar, tiles,
// compressions, predictors), from planar sample values. Written from the TIFF 6.0 specification, independently of
// src/engine/image, so that the tests compare two readings of the format.
import { zlibSync } from 'fflate';

export type SampleKind = 'uint' | 'int' | 'float';

export interface TestPage {
  width: number;
  height: number;
  channels: number;
  kind: SampleKind;
  bits: 8 | 16 | 32 | 64;
  /** Planar values: (c, y, x) at [(c * height + y) * width + x]. */
  values: ArrayLike<number>;
  planar?: boolean;
  compression?: 1 | 5 | 8 | 32946 | 32773;
  predictor?: 1 | 2 | 3;
  rowsPerStrip?: number;
  tile?: { width: number; height: number };
  /** Tags written as one SHORT value, replacing the helper's own: [tag, value]. */
  shortTags?: [number, number][];
  /** ASCII tags (ImageDescription 270, ...): [tag, text], written NUL-terminated. */
  textTags?: [number, string][];
  /** RATIONAL tags (XResolution 282, YResolution 283): [tag, numerator, denominator]. */
  rationalTags?: [number, number, number][];
  /** Replaces each strip or tile after compression, e.g. to cut it short. */
  damageChunk?: (stored: Uint8Array, index: number) => Uint8Array;
}

export interface TestFileOptions {
  littleEndian?: boolean;
  bigTiff?: boolean;
}

const ASCII = 2;
const SHORT = 3;
const LONG = 4;
const RATIONAL = 5;
const LONG8 = 16;

function writeSample(view: DataView, at: number, value: number, kind: SampleKind, bits: number, littleEndian: boolean): void {
  if (kind === 'float') {
    if (bits === 32) view.setFloat32(at, value, littleEndian);
    else view.setFloat64(at, value, littleEndian);
    return;
  }
  const signed = kind === 'int';
  if (bits === 8) {
    if (signed) view.setInt8(at, value);
    else view.setUint8(at, value);
  } else if (bits === 16) {
    if (signed) view.setInt16(at, value, littleEndian);
    else view.setUint16(at, value, littleEndian);
  } else if (signed) {
    view.setInt32(at, value, littleEndian);
  } else {
    view.setUint32(at, value, littleEndian);
  }
}

function readSample(view: DataView, at: number, kind: SampleKind, bits: number, littleEndian: boolean): number {
  if (bits === 8) return kind === 'int' ? view.getInt8(at) : view.getUint8(at);
  if (bits === 16) return kind === 'int' ? view.getInt16(at, littleEndian) : view.getUint16(at, littleEndian);
  return kind === 'int' ? view.getInt32(at, littleEndian) : view.getUint32(at, littleEndian);
}

/** TIFF LZW as libtiff writes it: MSB first, code width grows when the next free code reaches 2^width. */
export function encodeLzw(input: Uint8Array): Uint8Array {
  const out: number[] = [];
  let bitBuffer = 0;
  let bitCount = 0;
  let width = 9;
  const put = (code: number): void => {
    bitBuffer = (bitBuffer << width) | code;
    bitCount += width;
    while (bitCount >= 8) {
      bitCount -= 8;
      out.push((bitBuffer >>> bitCount) & 0xff);
    }
    bitBuffer &= (1 << bitCount) - 1;
  };
  let table = new Map<number, number>();
  let nextCode = 258;
  const grow = (): void => {
    nextCode++;
    if (nextCode === 4094) {
      put(256);
      table = new Map();
      nextCode = 258;
      width = 9;
    } else if (nextCode === 1 << width) {
      width++;
    }
  };
  put(256);
  if (input.length > 0) {
    let w = input[0]!;
    for (let i = 1; i < input.length; i++) {
      const k = input[i]!;
      const key = w * 256 + k;
      const known = table.get(key);
      if (known !== undefined) {
        w = known;
        continue;
      }
      put(w);
      table.set(key, nextCode);
      grow();
      w = k;
    }
    put(w);
    grow();
  }
  put(257);
  if (bitCount > 0) out.push((bitBuffer << (8 - bitCount)) & 0xff);
  return Uint8Array.from(out);
}

/** PackBits: runs of 3 or more equal bytes as run packets, the rest as literal packets of up to 128 bytes. */
export function encodePackBits(input: Uint8Array): Uint8Array {
  const out: number[] = [];
  let i = 0;
  while (i < input.length) {
    let run = 1;
    while (i + run < input.length && run < 128 && input[i + run] === input[i]) run++;
    if (run >= 3) {
      out.push((1 - run) & 0xff, input[i]!);
      i += run;
      continue;
    }
    const start = i;
    while (i < input.length && i - start < 128) {
      if (i + 2 < input.length && input[i] === input[i + 1] && input[i] === input[i + 2]) break;
      i++;
    }
    out.push(i - start - 1, ...input.subarray(start, i));
  }
  return Uint8Array.from(out);
}

/** Bytes of one strip or tile, before compression, with the page's predictor applied. */
function chunkBytes(page: TestPage, littleEndian: boolean, plane: number, x0: number, y0: number, columns: number, rows: number): Uint8Array {
  const { width, height, channels, kind, bits } = page;
  const bytesPerSample = bits / 8;
  const samplesPerPixel = page.planar ? 1 : channels;
  const rowSamples = columns * samplesPerPixel;
  const bytes = new Uint8Array(rows * rowSamples * bytesPerSample);
  const view = new DataView(bytes.buffer);
  const predictor = page.predictor ?? 1;
  // Predictor 3 shuffles big-endian bytes, whatever the file's byte order.
  const sampleLittleEndian = predictor === 3 ? false : littleEndian;
  for (let r = 0; r < rows; r++) {
    for (let x = 0; x < columns; x++) {
      for (let s = 0; s < samplesPerPixel; s++) {
        const c = page.planar ? plane : s;
        const y = y0 + r;
        const inside = y < height && x0 + x < width;
        const value = inside ? page.values[(c * height + y) * width + x0 + x]! : 0;
        writeSample(view, ((r * columns + x) * samplesPerPixel + s) * bytesPerSample, value, kind, bits, sampleLittleEndian);
      }
    }
  }
  if (predictor === 2) {
    for (let r = 0; r < rows; r++) {
      for (let i = rowSamples - 1; i >= samplesPerPixel; i--) {
        const at = (r * rowSamples + i) * bytesPerSample;
        const left = at - samplesPerPixel * bytesPerSample;
        const difference = readSample(view, at, kind, bits, littleEndian) - readSample(view, left, kind, bits, littleEndian);
        writeSample(view, at, wrap(difference, kind, bits), kind, bits, littleEndian);
      }
    }
  }
  if (predictor === 3) {
    const rowBytes = rowSamples * bytesPerSample;
    for (let r = 0; r < rows; r++) {
      const row = bytes.slice(r * rowBytes, (r + 1) * rowBytes);
      const shuffled = new Uint8Array(rowBytes);
      for (let k = 0; k < rowSamples; k++) {
        for (let b = 0; b < bytesPerSample; b++) shuffled[b * rowSamples + k] = row[k * bytesPerSample + b]!;
      }
      for (let i = rowBytes - 1; i >= samplesPerPixel; i--) shuffled[i] = (shuffled[i]! - shuffled[i - samplesPerPixel]!) & 0xff;
      bytes.set(shuffled, r * rowBytes);
    }
  }
  return bytes;
}

function wrap(value: number, kind: SampleKind, bits: number): number {
  const range = 2 ** bits;
  let wrapped = ((value % range) + range) % range;
  if (kind === 'int' && wrapped >= range / 2) wrapped -= range;
  return wrapped;
}

function compress(bytes: Uint8Array, compression: number): Uint8Array {
  switch (compression) {
    case 5:
      return encodeLzw(bytes);
    case 8:
    case 32946:
      return zlibSync(bytes);
    case 32773:
      return encodePackBits(bytes);
    default:
      return bytes;
  }
}

interface Entry {
  tag: number;
  type: number;
  values: number[];
}

/** The strips or tiles of a page, compressed, in file order (plane by plane, row by row). */
function pageChunks(page: TestPage, littleEndian: boolean): { chunks: Uint8Array[]; entries: Entry[] } {
  const { width, height, channels } = page;
  const planes = page.planar ? channels : 1;
  const tile = page.tile;
  const chunkWidth = tile?.width ?? width;
  const chunkHeight = tile?.height ?? Math.min(page.rowsPerStrip ?? height, height);
  const chunks: Uint8Array[] = [];
  for (let plane = 0; plane < planes; plane++) {
    for (let y0 = 0; y0 < height; y0 += chunkHeight) {
      for (let x0 = 0; x0 < width; x0 += chunkWidth) {
        const rows = tile ? chunkHeight : Math.min(chunkHeight, height - y0);
        const stored = compress(chunkBytes(page, littleEndian, plane, x0, y0, chunkWidth, rows), page.compression ?? 1);
        chunks.push(page.damageChunk ? page.damageChunk(stored, chunks.length) : stored);
      }
    }
  }
  const sampleFormat = page.kind === 'uint' ? 1 : page.kind === 'int' ? 2 : 3;
  const overridden = new Set((page.shortTags ?? []).map(([tag]) => tag));
  const entries: Entry[] = [
    { tag: 256, type: LONG, values: [width] },
    { tag: 257, type: LONG, values: [height] },
    { tag: 258, type: SHORT, values: new Array<number>(channels).fill(page.bits) },
    { tag: 259, type: SHORT, values: [page.compression ?? 1] },
    { tag: 262, type: SHORT, values: [channels >= 3 ? 2 : 1] },
    { tag: 277, type: SHORT, values: [channels] },
    { tag: 284, type: SHORT, values: [page.planar ? 2 : 1] },
    { tag: 339, type: SHORT, values: new Array<number>(channels).fill(sampleFormat) },
    ...(page.predictor && page.predictor !== 1 ? [{ tag: 317, type: SHORT, values: [page.predictor] }] : []),
    ...(tile
      ? [
          { tag: 322, type: LONG, values: [tile.width] },
          { tag: 323, type: LONG, values: [tile.height] },
        ]
      : [{ tag: 278, type: LONG, values: [chunkHeight] }]),
  ].filter((entry) => !overridden.has(entry.tag));
  entries.push(...(page.shortTags ?? []).map(([tag, value]) => ({ tag, type: SHORT, values: [value] })));
  entries.push(...(page.textTags ?? []).map(([tag, text]) => ({ tag, type: ASCII, values: [...new TextEncoder().encode(text), 0] })));
  entries.push(...(page.rationalTags ?? []).map(([tag, numerator, denominator]) => ({ tag, type: RATIONAL, values: [numerator, denominator] })));
  return { chunks, entries };
}

/** A TIFF file of the given pages. Layout: header, then per page its chunks, its out-of-line values and its directory. */
export function writeTestTiff(pages: TestPage[], options: TestFileOptions = {}): Uint8Array {
  const littleEndian = options.littleEndian ?? true;
  const bigTiff = options.bigTiff ?? false;
  const parts: Uint8Array[] = [];
  let length = bigTiff ? 16 : 8;
  const header = new Uint8Array(length);
  const headerView = new DataView(header.buffer);
  header[0] = header[1] = littleEndian ? 0x49 : 0x4d;
  headerView.setUint16(2, bigTiff ? 43 : 42, littleEndian);
  if (bigTiff) headerView.setUint16(4, 8, littleEndian);
  parts.push(header);
  const append = (bytes: Uint8Array): number => {
    const at = length + (length % 2); // word alignment
    if (at !== length) parts.push(new Uint8Array(1));
    parts.push(bytes);
    length = at + bytes.length;
    return at;
  };
  const offsetType = bigTiff ? LONG8 : LONG;
  const typeSize = (type: number): number => (type === ASCII ? 1 : type === SHORT ? 2 : type === LONG ? 4 : 8);
  // A RATIONAL is two LONGs, counted as one value.
  const valueCount = (entry: Entry): number => (entry.type === RATIONAL ? entry.values.length / 2 : entry.values.length);
  const entrySize = bigTiff ? 20 : 12;
  const inline = bigTiff ? 8 : 4;
  // Where the offset of the next directory goes: the header first, then each directory's last field.
  let nextPointer = { view: headerView, at: bigTiff ? 8 : 4 };

  for (const page of pages) {
    const { chunks, entries } = pageChunks(page, littleEndian);
    const offsets = chunks.map((chunk) => append(chunk));
    const tileTags = page.tile !== undefined;
    entries.push({ tag: tileTags ? 324 : 273, type: offsetType, values: offsets });
    entries.push({ tag: tileTags ? 325 : 279, type: offsetType, values: chunks.map((c) => c.length) });
    entries.sort((a, b) => a.tag - b.tag);

    const valueOffsets = new Map<number, number>();
    for (const entry of entries) {
      const size = typeSize(entry.type) * valueCount(entry);
      if (size <= inline) continue;
      const bytes = new Uint8Array(size);
      const view = new DataView(bytes.buffer);
      entry.values.forEach((v, i) => writeValue(view, i * elementSize(entry.type), entry.type, v, littleEndian));
      valueOffsets.set(entry.tag, append(bytes));
    }
    const countSize = bigTiff ? 8 : 2;
    const ifd = new Uint8Array(countSize + entries.length * entrySize + inline);
    const view = new DataView(ifd.buffer);
    if (bigTiff) view.setBigUint64(0, BigInt(entries.length), littleEndian);
    else view.setUint16(0, entries.length, littleEndian);
    entries.forEach((entry, i) => {
      const at = countSize + i * entrySize;
      view.setUint16(at, entry.tag, littleEndian);
      view.setUint16(at + 2, entry.type, littleEndian);
      writeValue(view, at + 4, bigTiff ? LONG8 : LONG, valueCount(entry), littleEndian);
      const valueAt = at + (bigTiff ? 12 : 8);
      const external = valueOffsets.get(entry.tag);
      if (external !== undefined) writeValue(view, valueAt, bigTiff ? LONG8 : LONG, external, littleEndian);
      else entry.values.forEach((v, k) => writeValue(view, valueAt + k * elementSize(entry.type), entry.type, v, littleEndian));
    });
    const ifdAt = append(ifd);
    writeValue(nextPointer.view, nextPointer.at, bigTiff ? LONG8 : LONG, ifdAt, littleEndian);
    nextPointer = { view, at: ifd.length - inline };
  }

  const file = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    file.set(part, at);
    at += part.length;
  }
  return file;
}

/** Bytes of one stored number of a field type (a RATIONAL is stored as two LONGs). */
function elementSize(type: number): number {
  return type === ASCII ? 1 : type === SHORT ? 2 : type === LONG || type === RATIONAL ? 4 : 8;
}

function writeValue(view: DataView, at: number, type: number, value: number, littleEndian: boolean): void {
  if (type === ASCII) view.setUint8(at, value);
  else if (type === SHORT) view.setUint16(at, value, littleEndian);
  else if (type === LONG || type === RATIONAL) view.setUint32(at, value, littleEndian);
  else view.setBigUint64(at, BigInt(value), littleEndian);
}

/**
 * A classic TIFF of one page whose directory declares `width` x `height` 8-bit grey pixels in one strip at offset 0,
 * and holds no pixel data at all: for checks that must happen before any pixel is read.
 */
export function writeHeaderOnlyTiff(width: number, height: number): Uint8Array {
  const entries: [number, number, number][] = [
    [256, LONG, width],
    [257, LONG, height],
    [258, SHORT, 8],
    [259, SHORT, 1],
    [262, SHORT, 1],
    [273, LONG, 0],
    [277, SHORT, 1],
    [278, LONG, height],
    [279, LONG, width * height > 0xffffffff ? 0xffffffff : width * height],
  ];
  const file = new Uint8Array(8 + 2 + entries.length * 12 + 4);
  const view = new DataView(file.buffer);
  file.set([0x49, 0x49, 42, 0]);
  view.setUint32(4, 8, true);
  view.setUint16(8, entries.length, true);
  entries.forEach(([tag, type, value], i) => {
    const at = 10 + i * 12;
    view.setUint16(at, tag, true);
    view.setUint16(at + 2, type, true);
    view.setUint32(at + 4, 1, true);
    writeValue(view, at + 8, type, value, true);
  });
  return file;
}
