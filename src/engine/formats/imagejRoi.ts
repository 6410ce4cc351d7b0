// Writes ImageJ ROIs (.roi) and ROI sets (.zip) as Cellpose's io.save_rois does, through roifile's
// ImagejRoi.frompoints: one freehand ROI per mask outline. Pure, runs anywhere.
//
// [Note: ImageJ ROI layout] ImageJ's RoiDecoder reads, big-endian: a 64-byte header ("Iout", version, type, the
// bounding box top/left/bottom/right as int16, the point count, stroke and fill colours, options, and the offset
// of a second 64-byte header), the points as int16 x values then int16 y values relative to the box's top-left
// corner (then float32 x then y when sub-pixel coordinates are stored), the second header (channel, slice and frame
// positions, the name's offset and length, ...), and the name in UTF-16BE. roifile's frompoints writes version 226,
// type 7 (freehand), options OVERLAY_LABELS | OVERLAY_BACKGROUNDS, and adds float32 coordinates only when an
// integer one falls outside -5000..60000, where ImageJ's int16 reading would wrap.
import { zipSync } from 'fflate';

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
