// Writes a label image (0 = background, 1..N = cells) as a greyscale TIFF that tifffile, ImageJ/Fiji and Cellpose read
// back unchanged: one page, or one page per plane of a label volume with ImageJ's hyperstack description. Pure.
import { zlibSync } from 'fflate';
import { InvalidSettingError } from '../errors';
import { HOST_IS_LITTLE_ENDIAN } from './tiffStructure';

export interface LabelTiffOptions {
  /**
   * 'deflate' (default) is what Cellpose's io.imsave writes for *_cp_masks.tif (tifffile, compression='zlib'):
   * label images shrink to a few percent. 'none' suits readers without Deflate.
   */
  compression?: 'deflate' | 'none';
  /**
   * A label volume: `labels` holds frames x planes pages of width x height, plane after plane, frame after frame,
   * written as that many pages with ImageJ's description of slices and frames, which Fiji opens as a hyperstack and
   * tifffile (so Cellpose's io.imread) reads as a (frames, planes, height, width) array. Default one page.
   */
  stack?: { planes: number; frames: number };
  /**
   * Text for a single page's ImageDescription (how the masks are numbered: see [Note: label numbering] in
   * src/engine/core/labelNumbering.ts). A stack's description is ImageJ's, which Fiji needs to see the stack.
   */
  description?: string;
}

const ASCII = 2;
const SHORT = 3;
const LONG = 4;
const RATIONAL = 5;

/** Rows per strip are chosen so that a strip holds about this many bytes, as tifffile and libtiff do. */
const TARGET_STRIP_BYTES = 64 * 1024;

interface Entry {
  tag: number;
  type: number;
  /** Numbers; for ASCII, the text's bytes (NUL-terminated). */
  values: number[];
}

const TYPE_SIZES: Readonly<Record<number, number>> = { [ASCII]: 1, [SHORT]: 2, [LONG]: 4, [RATIONAL]: 8 };

/** ImageJ's description of a hyperstack, as tifffile's imagej=True writes it. */
function imagejDescription(planes: number, frames: number): number[] {
  const lines = ['ImageJ=1.11a', `images=${planes * frames}`, ...(planes > 1 ? [`slices=${planes}`] : []), ...(frames > 1 ? [`frames=${frames}`] : [])];
  return asciiValue(`${[...lines, 'hyperstack=true', 'mode=grayscale', 'loop=false'].join('\n')}\n`);
}

/** A text tag's value: its bytes, NUL-terminated. */
function asciiValue(text: string): number[] {
  return [...new TextEncoder().encode(text), 0];
}

/** One page's strips, compressed as asked. */
function pageStrips(raw: Uint8Array, rowBytes: number, height: number, rowsPerStrip: number, compression: 'deflate' | 'none'): Uint8Array[] {
  const strips: Uint8Array[] = [];
  for (let y = 0; y < height; y += rowsPerStrip) {
    const strip = raw.subarray(y * rowBytes, Math.min(height, y + rowsPerStrip) * rowBytes);
    strips.push(compression === 'deflate' ? zlibSync(strip, { level: 6 }) : strip);
  }
  return strips;
}

/**
 * A TIFF of `labels` (row-major, width x height per page): unsigned 16- or 32-bit samples following the array's
 * type, in strips. The file's byte order is the computer's own (declared in its header, as TIFF allows), so samples
 * are written without conversion. Each page is laid out as its directory, its out-of-line tag values, its strips.
 */
export function encodeLabelTiff(labels: Uint16Array | Uint32Array, width: number, height: number, options: LabelTiffOptions = {}): Uint8Array {
  const { planes, frames } = options.stack ?? { planes: 1, frames: 1 };
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new InvalidSettingError(`A label image needs a whole-number width and height of at least 1, not ${width} x ${height}.`, { width, height });
  }
  if (!Number.isInteger(planes) || !Number.isInteger(frames) || planes < 1 || frames < 1) {
    throw new InvalidSettingError(`A label volume has a whole number of planes and frames, at least 1 each; got ${planes} and ${frames}.`, { planes, frames });
  }
  const pages = planes * frames;
  if (labels.length !== pages * width * height) {
    const what = pages === 1 ? `${width} x ${height} pixels` : `${pages} planes of ${width} x ${height} pixels`;
    throw new InvalidSettingError(`The label image has ${labels.length} values, but ${what} need ${pages * width * height}.`, {
      length: labels.length,
      width,
      height,
      pages,
    });
  }
  const compression = options.compression ?? 'deflate';
  const bytesPerSample = labels.BYTES_PER_ELEMENT;
  const rowBytes = width * bytesPerSample;
  const pageBytes = rowBytes * height;
  const rowsPerStrip = Math.max(1, Math.min(height, Math.floor(TARGET_STRIP_BYTES / rowBytes)));
  const raw = new Uint8Array(labels.buffer, labels.byteOffset, labels.byteLength);
  const pageStripLists = Array.from({ length: pages }, (_, p) => pageStrips(raw.subarray(p * pageBytes, (p + 1) * pageBytes), rowBytes, height, rowsPerStrip, compression));
  const dataBytes = pageStripLists.flat().reduce((sum, strip) => sum + strip.length + (strip.length % 2), 0);
  // Classic TIFF addresses 4 GiB; label images within the decoding limits stay far below.
  if (dataBytes + pages * (4096 + 16 * pageStripLists[0]!.length) > 2 ** 32 - 1) {
    throw new InvalidSettingError(`A label image of ${pages} x ${width} x ${height} pixels is too large for a TIFF file (over 4 GiB).`, { width, height, pages });
  }

  const description = pages > 1 ? imagejDescription(planes, frames) : options.description === undefined ? null : asciiValue(options.description);
  const pageEntries = pageStripLists.map((strips, page) => {
    const entries: Entry[] = [
      { tag: 256, type: LONG, values: [width] }, // ImageWidth
      { tag: 257, type: LONG, values: [height] }, // ImageLength
      { tag: 258, type: SHORT, values: [bytesPerSample * 8] }, // BitsPerSample
      { tag: 259, type: SHORT, values: [compression === 'deflate' ? 8 : 1] }, // Compression: 8 = Deflate (Adobe)
      { tag: 262, type: SHORT, values: [1] }, // PhotometricInterpretation: BlackIsZero
      ...(page === 0 && description !== null ? [{ tag: 270, type: ASCII, values: description }] : []), // ImageDescription
      { tag: 273, type: LONG, values: new Array<number>(strips.length).fill(0) }, // StripOffsets, filled in below
      { tag: 277, type: SHORT, values: [1] }, // SamplesPerPixel
      { tag: 278, type: LONG, values: [rowsPerStrip] }, // RowsPerStrip
      { tag: 279, type: LONG, values: strips.map((s) => s.length) }, // StripByteCounts
      { tag: 282, type: RATIONAL, values: [1, 1] }, // XResolution
      { tag: 283, type: RATIONAL, values: [1, 1] }, // YResolution
      { tag: 284, type: SHORT, values: [1] }, // PlanarConfiguration: contiguous
      { tag: 296, type: SHORT, values: [1] }, // ResolutionUnit: none
      { tag: 339, type: SHORT, values: [1] }, // SampleFormat: unsigned integer
    ];
    return entries;
  });

  // Layout: header, then per page its directory, out-of-line tag values and strips; every part on an even byte.
  const count = (entry: Entry) => (entry.type === RATIONAL ? entry.values.length / 2 : entry.values.length);
  const layouts: { ifd: number; valueOffsets: Map<number, number>; stripOffsets: number[] }[] = [];
  let at = 8;
  pageEntries.forEach((entries, page) => {
    const ifd = at;
    at += 2 + entries.length * 12 + 4;
    const valueOffsets = new Map<number, number>();
    for (const entry of entries) {
      const size = TYPE_SIZES[entry.type]! * count(entry);
      if (size > 4) {
        valueOffsets.set(entry.tag, at);
        at += size + (size % 2);
      }
    }
    const stripOffsets = pageStripLists[page]!.map((strip) => {
      const offset = at;
      at += strip.length + (strip.length % 2);
      return offset;
    });
    entries.find((e) => e.tag === 273)!.values = stripOffsets;
    layouts.push({ ifd, valueOffsets, stripOffsets });
  });

  const file = new Uint8Array(at);
  const view = new DataView(file.buffer);
  const le = HOST_IS_LITTLE_ENDIAN;
  file[0] = file[1] = le ? 0x49 : 0x4d;
  view.setUint16(2, 42, le);
  view.setUint32(4, layouts[0]!.ifd, le);
  pageEntries.forEach((entries, page) => {
    const { ifd, valueOffsets, stripOffsets } = layouts[page]!;
    view.setUint16(ifd, entries.length, le);
    entries.forEach((entry, i) => {
      const entryAt = ifd + 2 + i * 12;
      view.setUint16(entryAt, entry.tag, le);
      view.setUint16(entryAt + 2, entry.type, le);
      view.setUint32(entryAt + 4, count(entry), le);
      const external = valueOffsets.get(entry.tag);
      if (external !== undefined) view.setUint32(entryAt + 8, external, le);
      const valuesAt = external ?? entryAt + 8;
      const size = TYPE_SIZES[entry.type] === 1 ? 1 : entry.type === SHORT ? 2 : 4;
      entry.values.forEach((value, k) => {
        if (size === 1) view.setUint8(valuesAt + k, value);
        else if (size === 2) view.setUint16(valuesAt + k * 2, value, le);
        else view.setUint32(valuesAt + k * 4, value, le);
      });
    });
    view.setUint32(ifd + 2 + entries.length * 12, layouts[page + 1]?.ifd ?? 0, le); // next page, or none
    pageStripLists[page]!.forEach((strip, i) => file.set(strip, stripOffsets[i]));
  });
  return file;
}
