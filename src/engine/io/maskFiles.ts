// Masks in files, by their names: Cellpose session files (_seg.npy), label TIFF and PNG, ImageJ ROI sets (.zip)
// read and written, and measurement tables (.csv) written; what `celldesk masks convert` does. Node side.
import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { fillPolygon } from '../core/fillPolygon';
import { CellDeskError } from '../errors';
import { decodeImagejRoiZip } from '../formats/imagejRoi';
import { decodeImage } from '../image/decodeImage';
import type { RasterImage } from '../image/raster';
import { sessionFromApp } from '../sessionFile/appSession';
import { readSegFile } from '../sessionFile/readSegFile';
import type { CellposeSession, LabelVolume } from '../sessionFile/types';
import { encodeSegFile } from '../sessionFile/writeSegFile';
import { writeFileAtomically } from './atomicWrite';
import { encodeLabelFile, type LabelFileFormat } from './labelFiles';

export type MaskFileType = 'seg' | LabelFileFormat;

/** A mask file that cannot be read or written as asked (its kind, its size, a stack where one plane is needed). */
export class MaskFileError extends CellDeskError {
  constructor(message: string, details: Record<string, unknown> = {}, cause?: unknown) {
    super('MASK_FILE', message, details, cause === undefined ? undefined : { cause });
  }
}

const EXTENSIONS: readonly [string, MaskFileType][] = [
  ['.npy', 'seg'],
  ['.tif', 'labels-tiff'],
  ['.tiff', 'labels-tiff'],
  ['.png', 'labels-png'],
  ['.zip', 'imagej-rois'],
  ['.csv', 'measurements-csv'],
];

/** What a mask file is, by its extension. */
export function maskFileType(path: string): MaskFileType {
  const extension = extname(path).toLowerCase();
  const found = EXTENSIONS.find(([ext]) => ext === extension);
  if (found === undefined) {
    throw new MaskFileError(
      `CellDesk cannot tell what kind of mask file ${basename(path)} is from its name. Use _seg.npy (Cellpose session), ` +
        '.tif or .png (label image), .zip (ImageJ ROI set) or .csv (measurements, written only).',
      { path },
    );
  }
  return found[1];
}

/** Masks read from a file; `session` when the file is a Cellpose session, with everything else it holds. */
export interface MaskFileContents {
  masks: LabelVolume;
  session: CellposeSession | null;
}

async function readBytes(path: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new MaskFileError(`Cannot read ${path}: ${code === 'ENOENT' ? 'there is no such file' : code === 'EISDIR' ? 'it is a folder' : `the system said ${code}`}.`, { path }, error);
  }
}

/** A Cellpose session file, with the image it belongs to where that can be found (see sessionImagePath). */
export async function readSessionFile(path: string): Promise<{ session: CellposeSession; imagePath: string | null }> {
  const session = readSegFile(await readBytes(path));
  return { session, imagePath: await sessionImagePath(path, session) };
}

/**
 * Where the image of the session file at `segPath` is, found as the Cellpose GUI looks for it (gui/io.py _load_seg):
 * the path the file records (from the session file's folder when relative), else a file of that name beside the
 * session file; null when neither exists.
 */
export async function sessionImagePath(segPath: string, session: CellposeSession): Promise<string | null> {
  if (session.filename === undefined || session.filename === '') return null;
  const candidates = [resolve(dirname(segPath), session.filename), join(dirname(segPath), basename(session.filename.replaceAll('\\', '/')))];
  for (const candidate of candidates) {
    if (await stat(candidate).then((s) => s.isFile(), () => false)) return candidate;
  }
  return null;
}

/** The labels of a one-page, one-channel image of whole numbers. */
function labelsFromRaster(raster: RasterImage, path: string): LabelVolume {
  const { width, height, channels, sampleType, pageCount } = raster;
  if (pageCount > 1) throw new MaskFileError(`${basename(path)} has ${pageCount} pages (a stack); CellDesk converts label images of one plane.`, { path, pageCount });
  if (channels !== 1 || sampleType.startsWith('float')) {
    throw new MaskFileError(`${basename(path)} is not a label image: it has ${channels} channel(s) of ${sampleType}, where a label image has one channel of whole numbers.`, { path, channels, sampleType });
  }
  let low = 0;
  let high = 0;
  for (let i = 0; i < raster.data.length; i++) {
    low = Math.min(low, raster.data[i]!);
    high = Math.max(high, raster.data[i]!);
  }
  if (low < 0) throw new MaskFileError(`${basename(path)} holds negative values, so it is not a label image (0 = background, 1, 2, ... = masks).`, { path, low });
  const data = high < 65536 ? Uint16Array.from(raster.data) : Uint32Array.from(raster.data);
  return { width, height, planes: 1, stack: false, data };
}

/** The labels an ImageJ ROI set's bytes draw on an image of `size`: each ROI in the set's order is mask 1, 2, ... */
export function roiSetLabels(bytes: Uint8Array, size: { width: number; height: number }): Uint32Array {
  const data = new Uint32Array(size.width * size.height);
  decodeImagejRoiZip(bytes).forEach((roi, index) => {
    const xs = roi.points.filter((_, i) => i % 2 === 0);
    const ys = roi.points.filter((_, i) => i % 2 === 1);
    fillPolygon(data, size.width, size.height, xs, ys, index + 1);
  });
  return data;
}

/**
 * The masks in `path`, by its kind. An ImageJ ROI set carries no image size, so reading one needs `size`: each ROI
 * in the set's order becomes mask 1, 2, ... (a later one over an earlier one where they overlap).
 */
export async function readMaskFile(path: string, size?: { width: number; height: number }): Promise<MaskFileContents> {
  const type = maskFileType(path);
  if (type === 'measurements-csv') {
    throw new MaskFileError(`${basename(path)} is a table of measurements, which CellDesk writes but cannot turn back into masks. Convert from a _seg.npy, label image or ROI set.`, { path });
  }
  const bytes = await readBytes(path);
  if (type === 'seg') {
    const session = readSegFile(bytes);
    return { masks: session.masks, session };
  }
  if (type === 'imagej-rois') {
    if (size === undefined) {
      throw new MaskFileError(`An ImageJ ROI set does not record the image's size: give the image (--image) or its size (--size WIDTHxHEIGHT) to convert ${basename(path)}.`, { path });
    }
    return { masks: { ...size, planes: 1, stack: false, data: roiSetLabels(bytes, size) }, session: null };
  }
  return { masks: labelsFromRaster(await decodeImage(bytes), path), session: null };
}

export interface WriteMaskOptions {
  /** The image the masks belong to: its path goes into a new session file, its pixels into the CSV's intensities. */
  image?: { path: string; raster: RasterImage };
  /** The diameter a new session file records (masks_flows_to_seg's default is 30). */
  diameter?: number;
}

/**
 * Writes `contents` to `path` as its extension says. A session file gets the session read (flows and all), or a new
 * one for the masks (no flows: none were read); the other kinds take one plane.
 */
export async function writeMaskFile(path: string, contents: MaskFileContents, options: WriteMaskOptions = {}): Promise<void> {
  const type = maskFileType(path);
  const { masks, session } = contents;
  const { width, height } = masks;
  const raster = options.image?.raster;
  if (raster !== undefined && (raster.width !== width || raster.height !== height)) {
    throw new MaskFileError(`The masks are ${width} x ${height} pixels but the image is ${raster.width} x ${raster.height}; give the image the masks were made on.`, {
      masks: [width, height],
      image: [raster.width, raster.height],
    });
  }
  let data: Uint8Array | string;
  if (type === 'seg') {
    data = encodeSegFile(
      session ??
        sessionFromApp({
          labels: masks.data,
          width,
          height,
          planes: masks.planes,
          stack: masks.stack,
          // Without the image, the name it would have beside its _seg.npy, which is where the GUI looks too.
          imagePath: options.image?.path ?? path.replace(/(_seg)?\.npy$/i, ''),
          channels: [0, 0],
          diameter: options.diameter ?? 30,
        }),
    );
  } else {
    if (masks.planes > 1) {
      throw new MaskFileError(`These masks are a stack of ${masks.planes} planes; CellDesk converts stacks only to a _seg.npy file so far.`, { planes: masks.planes });
    }
    data = encodeLabelFile(type, masks.data, width, height, raster);
  }
  await writeFileAtomically(path, data);
}
