// Writes a segmentation's exports into a folder under Cellpose's file names: label TIFF and PNG
// (<name>_cp_masks.tif/.png), the image with red outlines (<name>_outlines.png), ImageJ ROIs (<name>_rois.zip) and a
// CSV of per-mask measurements. Node side (the engine worker).
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { outlinePixels } from '../core/outlines';
import { encodePng } from '../image/encodePng';
import type { RasterImage } from '../image/raster';
import { writeFileAtomically } from '../io/atomicWrite';
import { encodeLabelFile } from '../io/labelFiles';
import { sessionFromApp } from '../sessionFile/appSession';
import type { CellposeSession } from '../sessionFile/types';
import { encodeSegFile } from '../sessionFile/writeSegFile';
import { channelStatistics, renderRgb } from './display';
import { ExportError } from './errors';
import { DEFAULT_DIAMETER, STACK_EXPORT_FORMATS, type ExportFormat, type ExportResult } from '../../shared/contract';

const FILE_SUFFIXES: Readonly<Record<ExportFormat, string>> = {
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
  /** The session a Cellpose session file (seg-npy) writes; without it, the labels alone in its layout. */
  session?: () => CellposeSession;
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

function encode(format: ExportFormat, job: ExportJob): Uint8Array | string {
  const { raster, labels } = job;
  const { width, height } = raster;
  const planes = job.planes ?? 1;
  if (format === 'outlines-png') return encodePng({ width, height, channels: 3, data: outlinesImage(raster, labels) });
  if (format === 'seg-npy') {
    return encodeSegFile(job.session?.() ?? sessionFromApp({ labels, width, height, planes, imagePath: job.imageName, channels: [0, 0], diameter: DEFAULT_DIAMETER }));
  }
  return encodeLabelFile(format, labels, width, height, raster, planes);
}

/** The image's name without its extension, with characters no file system accepts replaced. */
export function exportBaseName(imageName: string): string {
  const stem = imageName.replace(/\.[^./\\]*$/, '');
  // eslint-disable-next-line no-control-regex
  const safe = stem.replace(/[\u0000-\u001f<>:"/\\|?*]/g, '_').trim();
  return safe === '' ? 'image' : safe;
}

export async function writeExports(job: ExportJob): Promise<ExportResult> {
  const { raster, labels, folder } = job;
  const planes = job.planes ?? 1;
  if (labels.length !== raster.width * raster.height * planes) {
    throw new ExportError(`The masks to export have ${labels.length} pixels, but ${planes} plane(s) of the image have ${raster.width} x ${raster.height} each.`, {
      labels: labels.length,
      width: raster.width,
      height: raster.height,
      planes,
    });
  }
  const onePlane = job.formats.filter((format) => !STACK_EXPORT_FORMATS.includes(format));
  if (planes > 1 && onePlane.length > 0) {
    throw new ExportError(`A stack's masks are exported as a multi-page label TIFF or a Cellpose session file (_seg.npy); ${onePlane.join(', ')} hold one plane.`, { formats: onePlane });
  }
  try {
    await mkdir(folder, { recursive: true });
  } catch (error) {
    throw new ExportError(`Cannot create the export folder ${folder} (${(error as NodeJS.ErrnoException).code ?? 'unknown reason'}).`, { folder }, error);
  }
  const base = exportBaseName(job.imageName);
  const files: ExportResult['files'] = [];
  for (const format of job.formats) {
    const path = join(folder, `${base}${FILE_SUFFIXES[format]}`);
    const data = encode(format, job);
    try {
      await writeFileAtomically(path, data);
    } catch (error) {
      throw new ExportError(`Cannot write ${path} (${(error as NodeJS.ErrnoException).code ?? 'unknown reason'}).`, { path }, error);
    }
    files.push({ format, path });
  }
  return { files };
}
