// Writes ImageJ ROIs (.roi) and ROI sets (.zip) as Cellpose's io.save_rois does, through roifile's
// ImagejRoi.frompoints: one freehand ROI per mask outline; and reads the polygon ROIs of such sets back. Pure.
//
// [Note: ImageJ ROI layout] ImageJ's RoiDecoder reads, big-endian: a 64-byte header ("Iout", version, type, the
// bounding box top/left/bottom/right as int16, the point count, stroke and fill colours, options, and the offset
// of a second 64-byte header), the points as int16 x values then int16 y values relative to the box's top-left
// corner (then float32 x then y when sub-pixel coordinates are stored), the second header (channel, slice and frame
// positions, the name's offset and length, ...), and the name in UTF-16BE. roifile's frompoints writes version 226,
// type 7 (freehand), options OVERLAY_LABELS | OVERLAY_BACKGROUNDS, and adds float32 coordinates only when an
// integer one falls outside -5000..60000, where ImageJ's int16 reading would wrap.
import { zipSync } from 'fflate';
import { FileFormatError } from '../errors';
import { inflationBudget, readZipDirectory, zipEntryData, type ZipErrors } from './zipEntries';

const VERSION = 226;
const TYPE_FREEHAND = 7;
const OVERLAY_LABELS = 8;
const OVERLAY_BACKGROUNDS = 32;
const SUB_PIXEL_RESOLUTION = 128;
const HEADER_SIZE = 64;

export interface ImagejRoi {
  /** The ROI's name in ImageJ's ROI Manager; also its file name in a zip, with ".roi" added. */
  name: string;
  /** Polygon vertices in image pixels: [x0, y0, x1, y1, ...]. */
  points: Int32Array;
}

/** One .roi file. */
export function encodeImagejRoi(roi: ImagejRoi): Uint8Array {
  const { points, name } = roi;
  const n = points.length / 2;
  let left = Infinity;
  let top = Infinity;
  let right = -Infinity;
  let bottom = -Infinity;
  let subPixel = false;
  for (let p = 0; p < points.length; p += 2) {
    const x = points[p]!;
    const y = points[p + 1]!;
    if (x < left) left = x;
    if (x > right) right = x;
    if (y < top) top = y;
    if (y > bottom) bottom = y;
    if (x > 60000 || y > 60000 || x < -5000 || y < -5000) subPixel = true;
  }
  if (n === 0) left = top = right = bottom = 0;
  else {
    right += 1;
    bottom += 1;
  }

  const coordinateBytes = n * 4 + (subPixel ? n * 8 : 0);
  const header2Offset = HEADER_SIZE + coordinateBytes;
  const nameOffset = header2Offset + HEADER_SIZE;
  const bytes = new Uint8Array(nameOffset + name.length * 2);
  const view = new DataView(bytes.buffer);
  bytes.set([0x49, 0x6f, 0x75, 0x74]); // "Iout"
  view.setInt16(4, VERSION);
  view.setUint8(6, TYPE_FREEHAND);
  view.setInt16(8, top);
  view.setInt16(10, left);
  view.setInt16(12, bottom);
  view.setInt16(14, right);
  view.setUint16(16, n < 2 ** 16 ? n : 0);
  if (n >= 2 ** 16) view.setInt32(18, n);
  view.setInt16(50, OVERLAY_LABELS | OVERLAY_BACKGROUNDS | (subPixel ? SUB_PIXEL_RESOLUTION : 0));
  view.setInt32(60, header2Offset);
  for (let k = 0; k < n; k++) {
    view.setInt16(HEADER_SIZE + 2 * k, points[2 * k]! - left);
    view.setInt16(HEADER_SIZE + 2 * (n + k), points[2 * k + 1]! - top);
    if (subPixel) {
      view.setFloat32(HEADER_SIZE + 4 * n + 4 * k, points[2 * k]!);
      view.setFloat32(HEADER_SIZE + 8 * n + 4 * k, points[2 * k + 1]!);
    }
  }
  view.setInt32(header2Offset + 16, name.length > 0 ? nameOffset : 0);
  view.setInt32(header2Offset + 20, name.length);
  for (let k = 0; k < name.length; k++) view.setUint16(nameOffset + 2 * k, name.charCodeAt(k));
  return bytes;
}

/** A ROI set as ImageJ's ROI Manager saves it: a zip of .roi files, stored uncompressed as roifile writes it. */
export function encodeImagejRoiZip(rois: readonly ImagejRoi[]): Uint8Array {
  const files: Record<string, [Uint8Array, { level: 0 }]> = {};
  for (const roi of rois) files[`${roi.name}.roi`] = [encodeImagejRoi(roi), { level: 0 }];
  return zipSync(files);
}

/** ROI types whose points are a polygon's vertices: polygon, freehand and traced (ImageJ's Roi.POLYGON, ...). */
const POLYGON_TYPES: Readonly<Record<number, string>> = { 0: 'polygon', 7: 'freehand', 8: 'traced' };
const OTHER_TYPES: Readonly<Record<number, string>> = { 1: 'rectangle', 2: 'oval', 3: 'line', 4: 'freehand line', 5: 'segmented line', 9: 'angle', 10: 'point' };
/** A .roi in a zip larger than this is not an outline; refused before it is unpacked. */
const MAX_ROI_BYTES = 64 * 2 ** 20;

export interface DecodedRoi {
  name: string;
  /** Vertices in image pixels, x then y for each; whole numbers unless the ROI stores sub-pixel coordinates. */
  points: Float64Array;
}

function roiError(message: string, details: Record<string, unknown> = {}): FileFormatError {
  return new FileFormatError('imagej-roi', message, details);
}

/** One .roi file of a polygon type (see [Note: ImageJ ROI layout]); `name` names it in messages when it has none. */
export function decodeImagejRoi(bytes: Uint8Array, name = 'ROI'): DecodedRoi {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < HEADER_SIZE || view.getUint32(0) !== 0x496f7574 /* Iout */) {
    throw roiError(`${name} is not an ImageJ ROI (it does not start with ImageJ's ROI signature).`, { name });
  }
  const type = view.getUint8(6);
  if (POLYGON_TYPES[type] === undefined || view.getInt32(36) !== 0) {
    const kind = view.getInt32(36) !== 0 ? 'composite shape ROI' : OTHER_TYPES[type] !== undefined ? `${OTHER_TYPES[type]} ROI` : `ROI of type ${type}`;
    throw roiError(`${name} is an ImageJ ${kind}; CellDesk reads the polygon, freehand and traced ROIs that Cellpose and CellDesk write.`, { name, type });
  }
  // Boxes are written as 16-bit numbers; read unsigned, as CellDesk and Cellpose write them for images up to 65535 wide.
  const top = view.getUint16(8);
  const left = view.getUint16(10);
  const n = view.getUint16(16) || view.getInt32(18);
  const subPixel = (view.getInt16(50) & SUB_PIXEL_RESOLUTION) !== 0;
  const needed = HEADER_SIZE + n * 4 + (subPixel ? n * 8 : 0);
  if (n < 0 || needed > bytes.length) throw roiError(`${name} is truncated: it declares ${n} points, more than its ${bytes.length} bytes hold.`, { name, points: n });
  const points = new Float64Array(2 * n);
  for (let k = 0; k < n; k++) {
    points[2 * k] = subPixel ? view.getFloat32(HEADER_SIZE + 4 * n + 4 * k) : left + view.getInt16(HEADER_SIZE + 2 * k);
    points[2 * k + 1] = subPixel ? view.getFloat32(HEADER_SIZE + 8 * n + 4 * k) : top + view.getInt16(HEADER_SIZE + 2 * (n + k));
  }
  if (!points.every(Number.isFinite)) throw roiError(`${name} has coordinates that are not numbers.`, { name });
  return { name: roiName(bytes, view) ?? name, points };
}

/** The name stored after the second header, when there is one that fits in the file. */
function roiName(bytes: Uint8Array, view: DataView): string | null {
  const header2 = view.getInt32(60);
  if (header2 < HEADER_SIZE || header2 + HEADER_SIZE > bytes.length) return null;
  const offset = view.getInt32(header2 + 16);
  const length = view.getInt32(header2 + 20);
  if (offset <= 0 || length <= 0 || offset + 2 * length > bytes.length) return null;
  let text = '';
  for (let k = 0; k < length; k++) text += String.fromCharCode(view.getUint16(offset + 2 * k));
  return text;
}

const NOT_A_ROI_SET = 'This is not a readable ImageJ ROI set (a zip of .roi files)';

/** How a ROI set's zip container is refused. */
const ZIP_ERRORS: ZipErrors = {
  fileKind: 'a ROI set',
  truncated: () => roiError(`${NOT_A_ROI_SET}: the zip directory at its end is missing (it is not a zip file, or it is truncated).`, { reason: 'truncated' }),
  damaged: (detail, details = {}) => roiError(`${NOT_A_ROI_SET}: it has ${detail}.`, details),
};

/**
 * The .roi files of a ROI set, in the zip's order (ImageJ's ROI Manager order); inflated within the limits of
 * [Note: inflation limits] in inflate.ts, other files in the zip left packed.
 */
export function decodeImagejRoiZip(bytes: Uint8Array): DecodedRoi[] {
  const budget = { left: inflationBudget(bytes.length) };
  const rois: DecodedRoi[] = [];
  for (const [name, entry] of readZipDirectory(bytes, ZIP_ERRORS)) {
    if (!name.toLowerCase().endsWith('.roi')) continue;
    if (entry.size > MAX_ROI_BYTES) throw roiError(`${name} in this ROI set is ${entry.size} bytes, too large for an outline.`, { name });
    rois.push(decodeImagejRoi(zipEntryData(bytes, entry, budget, ZIP_ERRORS), name));
  }
  if (rois.length === 0) throw roiError('This zip file holds no ImageJ ROIs (.roi files).');
  return rois;
}
