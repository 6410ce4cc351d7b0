// Writes a label image (0 = background, 1..N = cells) as a single-page greyscale TIFF that tifffile, ImageJ/Fiji and
// Cellpose read back unchanged. Pure, runs anywhere.
import { zlibSync } from 'fflate';
import { InvalidSettingError } from '../errors';
import { HOST_IS_LITTLE_ENDIAN } from './tiffStructure';

export interface LabelTiffOptions {
  /**
   * 'deflate' (default) is what Cellpose's io.imsave writes for *_cp_masks.tif (tifffile, compression='zlib'):
   * label images shrink to a few percent. 'none' suits readers without Deflate.
   */
  compression?: 'deflate' | 'none';
}

const SHORT = 3;
const LONG = 4;
const RATIONAL = 5;

/** Rows per strip are chosen so that a strip holds about this many bytes, as tifffile and libtiff do. */
const TARGET_STRIP_BYTES = 64 * 1024;

interface Entry {
  tag: number;
  type: number;
  values: number[];
}

const TYPE_SIZES: Readonly<Record<number, number>> = { [SHORT]: 2, [LONG]: 4, [RATIONAL]: 8 };

/**
 * A TIFF of `labels` (row-major, width x height): unsigned 16- or 32-bit samples following the array's type, in
 * strips. The file's byte order is the computer's own (declared in its header, as TIFF allows), so samples are
 * written without conversion.
 */
export function encodeLabelTiff(labels: Uint16Array | Uint32Array, width: number, height: number, options: LabelTiffOptions = {}): Uint8Array {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new InvalidSettingError(`A label image needs a whole-number width and height of at least 1, not ${width} x ${height}.`, { width, height });
  }
  if (labels.length !== width * height) {
    throw new InvalidSettingError(`The label image has ${labels.length} values, but ${width} x ${height} pixels need ${width * height}.`, {
      length: labels.length,
      width,
      height,
    });
  }
  const compression = options.compression ?? 'deflate';
  const bytesPerSample = labels.BYTES_PER_ELEMENT;
  const rowBytes = width * bytesPerSample;
  const rowsPerStrip = Math.max(1, Math.min(height, Math.floor(TARGET_STRIP_BYTES / rowBytes)));
  const raw = new Uint8Array(labels.buffer, labels.byteOffset, labels.byteLength);
  const strips: Uint8Array[] = [];
  for (let y = 0; y < height; y += rowsPerStrip) {
    const strip = raw.subarray(y * rowBytes, Math.min(height, y + rowsPerStrip) * rowBytes);
    strips.push(compression === 'deflate' ? zlibSync(strip, { level: 6 }) : strip);
  }
  const dataBytes = strips.reduce((sum, strip) => sum + strip.length + (strip.length % 2), 0);
  // Classic TIFF addresses 4 GiB; label images within the decoding limits stay far below.
  if (dataBytes + 4096 + 16 * strips.length > 2 ** 32 - 1) {
    throw new InvalidSettingError(`A ${width} x ${height} label image is too large for a TIFF file (over 4 GiB).`, { width, height });
  }

  const entries: Entry[] = [
    { tag: 256, type: LONG, values: [width] }, // ImageWidth
    { tag: 257, type: LONG, values: [height] }, // ImageLength
    { tag: 258, type: SHORT, values: [bytesPerSample * 8] }, // BitsPerSample
    { tag: 259, type: SHORT, values: [compression === 'deflate' ? 8 : 1] }, // Compression: 8 = Deflate (Adobe)
    { tag: 262, type: SHORT, values: [1] }, // PhotometricInterpretation: BlackIsZero
    { tag: 273, type: LONG, values: [] }, // StripOffsets, filled in below
    { tag: 277, type: SHORT, values: [1] }, // SamplesPerPixel
    { tag: 278, type: LONG, values: [rowsPerStrip] }, // RowsPerStrip
    { tag: 279, type: LONG, values: strips.map((s) => s.length) }, // StripByteCounts
    { tag: 282, type: RATIONAL, values: [1, 1] }, // XResolution
    { tag: 283, type: RATIONAL, values: [1, 1] }, // YResolution
    { tag: 284, type: SHORT, values: [1] }, // PlanarConfiguration: contiguous
    { tag: 296, type: SHORT, values: [1] }, // ResolutionUnit: none
    { tag: 339, type: SHORT, values: [1] }, // SampleFormat: unsigned integer
  ];
  const stripOffsets = entries.find((e) => e.tag === 273)!;
  stripOffsets.values = new Array<number>(strips.length).fill(0);

  // Layout: header, directory, out-of-line tag values, strips; every part starts on an even byte.
  const ifdOffset = 8;
  const ifdLength = 2 + entries.length * 12 + 4;
  let at = ifdOffset + ifdLength;
  const valueOffsets = new Map<number, number>();
  for (const entry of entries) {
    const size = TYPE_SIZES[entry.type]! * (entry.type === RATIONAL ? entry.values.length / 2 : entry.values.length);
    if (size > 4) {
      valueOffsets.set(entry.tag, at);
      at += size + (size % 2);
    }
  }
  for (let i = 0; i < strips.length; i++) {
    stripOffsets.values[i] = at;
    at += strips[i]!.length + (strips[i]!.length % 2);
  }

  const file = new Uint8Array(at);
  const view = new DataView(file.buffer);
  const le = HOST_IS_LITTLE_ENDIAN;
  file[0] = file[1] = le ? 0x49 : 0x4d;
  view.setUint16(2, 42, le);
  view.setUint32(4, ifdOffset, le);
  view.setUint16(ifdOffset, entries.length, le);
  entries.forEach((entry, i) => {
    const entryAt = ifdOffset + 2 + i * 12;
    const count = entry.type === RATIONAL ? entry.values.length / 2 : entry.values.length;
    view.setUint16(entryAt, entry.tag, le);
    view.setUint16(entryAt + 2, entry.type, le);
    view.setUint32(entryAt + 4, count, le);
    const external = valueOffsets.get(entry.tag);
    if (external !== undefined) view.setUint32(entryAt + 8, external, le);
    const valuesAt = external ?? entryAt + 8;
    const size = entry.type === SHORT ? 2 : 4;
    entry.values.forEach((value, k) => {
      if (size === 2) view.setUint16(valuesAt + k * 2, value, le);
      else view.setUint32(valuesAt + k * 4, value, le);
    });
  });
  view.setUint32(ifdOffset + 2 + entries.length * 12, 0, le); // no next page
  strips.forEach((strip, i) => file.set(strip, stripOffsets.values[i]));
  return file;
}
