// Writes a segmentation's exports into a folder under Cellpose's file names: label TIFF and PNG
// (<name>_cp_masks.tif/.png), the image with red outlines (<name>_outlines.png), ImageJ ROIs (<name>_rois.zip) and a
// CSV of per-mask measurements, and Cellpose session files (<name>_seg.npy); a stack's volume as a multi-page label
// TIFF or a session file; label images numbered 1..N unless asked otherwise (see [Note: label numbering] in
// src/engine/core/labelNumbering.ts), and files already there replaced only when that was confirmed. Node side (the
// engine worker).
import { join } from 'node:path';
import { labelNumberingDescription, numberConsecutively } from '../core/labelNumbering';
import { outlinePixels } from '../core/outlines';
import { encodePng } from '../image/encodePng';
import type { RasterImage } from '../image/raster';
import { writeFileAtomically } from '../io/atomicWrite';
import { encodeLabelFile } from '../io/labelFiles';
import { sessionFromApp } from '../sessionFile/appSession';
import type { CellposeSession } from '../sessionFile/types';
import { encodeSegFile } from '../sessionFile/writeSegFile';
import { fileThere, prepareOutputFolder, refuseFolderAt } from '../io/outputPaths';
import { channelStatistics, renderRgb } from './display';
import { ENGINE_VERSION } from '../version';
import { ExportError, ExportFilesExistError } from './errors';
import { DEFAULT_DIAMETER, STACK_EXPORT_FORMATS, type ExportFormat, type ExportResult, type LabelNumbering } from '../../shared/contract';

/** What each export's file name ends with, after the image's name (Cellpose's names). */
export const EXPORT_FILE_SUFFIXES: Readonly<Record<ExportFormat, string>> = {
  'labels-tiff': '_cp_masks.tif',
  'labels-png': '_cp_masks.png',
  'outlines-png': '_outlines.png',
  'imagej-rois': '_rois.zip',
  'measurements-csv': '_cp_measurements.csv',
  'seg-npy': '_seg.npy',
};

export interface ExportJob {
  /** The image's file name; exported names start with it, its extension removed. */
  imageName: string;
  raster: RasterImage;
  labels: Uint32Array;
  formats: readonly ExportFormat[];
  folder: string;
  /** Planes in `labels` (one after the other): a stack's volume; default 1. */
  planes?: number;
  /** The session a Cellpose session file (seg-npy) writes for the labels as numbered; without it, the labels alone in its layout. */
  session?: (labels: Uint32Array) => CellposeSession;
  /** Default 'consecutive'. */
  numbering?: LabelNumbering;
  /** Replace files already there (default: refuse, naming them). */
  overwrite?: boolean;
  /** Answer each file's bytes too. */
  includeBytes?: boolean;
}

/** The labels as the files get them, and what a label image says about their numbers. */
interface NumberedJob extends Pick<ExportJob, 'raster' | 'session' | 'planes'> {
  labels: Uint32Array;
  description: string;
  /** What a session file without `session` records as its image; default 'image'. */
  imageName?: string;
}

function outlinesImage(raster: RasterImage, labels: Uint32Array): Uint8Array {
  const rgb = renderRgb(raster, channelStatistics(raster).ranges);
  const outlines = outlinePixels(labels, raster.height, raster.width);
  for (let i = 0; i < outlines.length; i++) {
    if (outlines[i] === 0) continue;
    rgb[3 * i] = 255;
    rgb[3 * i + 1] = 0;
    rgb[3 * i + 2] = 0;
  }
  return rgb;
}

function encode(format: ExportFormat, job: NumberedJob): Uint8Array {
  const { raster, labels, description } = job;
  const { width, height } = raster;
  const planes = job.planes ?? 1;
  if (format === 'outlines-png') return encodePng({ width, height, channels: 3, data: outlinesImage(raster, labels) });
  if (format === 'seg-npy') {
    return encodeSegFile(job.session?.(labels) ?? sessionFromApp({ labels, width, height, planes, imagePath: job.imageName ?? 'image', channels: [0, 0], diameter: DEFAULT_DIAMETER }));
  }
  const encoded = encodeLabelFile(format, labels, width, height, raster, { description, planes });
  return typeof encoded === 'string' ? new TextEncoder().encode(encoded) : encoded;
}

function numbered(labels: Uint32Array, numbering: LabelNumbering): { labels: Uint32Array; renumbered: boolean; description: string } {
  const consecutive = numberConsecutively(labels);
  const kept = numbering === 'original' ? labels : consecutive.labels;
  let largest = 0;
  for (let i = 0; i < kept.length; i++) if (kept[i]! > largest) largest = kept[i]!;
  return {
    labels: kept,
    renumbered: numbering === 'consecutive' && consecutive.renumbered,
    description: labelNumberingDescription(numbering, consecutive.count, largest, `CellDesk ${ENGINE_VERSION}`),
  };
}

/** The file of `format` for a segmentation's labels on this image, numbered as `numbering` asks: a batch's per-image exports. */
export function encodeExport(format: ExportFormat, raster: RasterImage, labels: Uint32Array, numbering: LabelNumbering = 'consecutive'): Uint8Array {
  const { labels: kept, description } = numbered(labels, numbering);
  return encode(format, { raster, labels: kept, description });
}

/** The image's name without its extension, with characters no file system accepts replaced. */
export function exportBaseName(imageName: string): string {
  const stem = imageName.replace(/\.[^./\\]*$/, '');
  // eslint-disable-next-line no-control-regex
  const safe = stem.replace(/[\u0000-\u001f<>:"/\\|?*]/g, '_').trim();
  return safe === '' ? 'image' : safe;
}

export async function writeExports(job: ExportJob): Promise<ExportResult> {
  const { raster, folder } = job;
  const planes = job.planes ?? 1;
  if (job.labels.length !== raster.width * raster.height * planes) {
    throw new ExportError(`The masks to export have ${job.labels.length} pixels, but ${planes} plane(s) of the image have ${raster.width} x ${raster.height} each.`, {
      labels: job.labels.length,
      width: raster.width,
      height: raster.height,
      planes,
    });
  }
  const onePlane = job.formats.filter((format) => !STACK_EXPORT_FORMATS.includes(format));
  if (planes > 1 && onePlane.length > 0) {
    throw new ExportError(`A stack's masks are exported as a multi-page label TIFF or a Cellpose session file (_seg.npy); ${onePlane.join(', ')} hold one plane.`, { formats: onePlane });
  }
  // Every destination is checked before anything is encoded or written (see [Note: output paths]).
  await prepareOutputFolder(folder);
  const base = exportBaseName(job.imageName);
  const targets = job.formats.map((format) => ({ format, path: join(folder, `${base}${EXPORT_FILE_SUFFIXES[format]}`) }));
  for (const { path } of targets) await refuseFolderAt(path);
  if (job.overwrite !== true) {
    const there = (await Promise.all(targets.map(async ({ path }) => ((await fileThere(path)) ? path : null)))).filter((path) => path !== null);
    if (there.length > 0) throw new ExportFilesExistError(there);
  }
  const { labels, renumbered, description } = numbered(job.labels, job.numbering ?? 'consecutive');
  const files: ExportResult['files'] = [];
  for (const { format, path } of targets) {
    const data = encode(format, { imageName: job.imageName, raster, labels, planes, description, session: job.session });
    try {
      await writeFileAtomically(path, data);
    } catch (error) {
      throw new ExportError(`Cannot write ${path} (${(error as NodeJS.ErrnoException).code ?? 'unknown reason'}).`, { path }, error);
    }
    files.push({ format, path, ...(job.includeBytes === true ? { bytes: data } : {}) });
  }
  return { files, renumbered };
}
