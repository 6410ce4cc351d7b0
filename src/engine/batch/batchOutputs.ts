// The files of one segmented image of a batch: its label TIFF (every plane and frame of a stack), the Segment view's
// other exports for a 2D image, and its Cellpose session file; each written atomically, so that a file of a batch
// is either whole or absent (what resuming relies on: see [Note: batch manifest]). Node side (the CLI, the batch worker).
import { basename, resolve } from 'node:path';
import { CellDeskError, InvalidSettingError } from '../errors';
import type { ImageStack } from '../image/imageStack';
import { encodeLabelTiff } from '../image/encodeTiff';
import { writeFileAtomically } from '../io/atomicWrite';
import type { StackSegmentation, StackSelection } from '../pipeline/segmentStack';
import { ExportError } from '../service/errors';
import { encodeExport } from '../service/exportMasks';
import { sessionFromApp } from '../sessionFile/appSession';
import { encodeSegFile } from '../sessionFile/writeSegFile';
import type { BatchFormat, BatchOutput } from '../../shared/batchTypes';

/** A file written for an image, with its size (what a later run checks it by). */
export interface WrittenOutput extends BatchOutput {
  bytes: number;
}

/** Formats that hold one 2D plane: a stack cannot be written in them. */
const PLANE_FORMATS: ReadonlySet<BatchFormat> = new Set<BatchFormat>(['labels-png', 'outlines-png', 'imagej-rois', 'measurements-csv']);

const FORMAT_NAMES: Readonly<Record<BatchFormat, string>> = {
  'labels-tiff': 'label TIFFs',
  'labels-png': 'label PNGs',
  'outlines-png': 'outline images',
  'imagej-rois': 'ImageJ ROI sets',
  'measurements-csv': 'measurement tables',
  'seg-npy': 'Cellpose session files',
};

/** An image's shape does not fit a format asked for (a stack as a PNG). */
export class FormatDoesNotFitError extends CellDeskError {
  constructor(imagePath: string, what: string, formats: readonly BatchFormat[]) {
    super(
      'FORMAT_DOES_NOT_FIT',
      `${basename(imagePath)} is ${what}, and ${formats.map((f) => FORMAT_NAMES[f]).join(', ')} hold one 2D image. Its masks can be written as a label TIFF (every plane) or, for one time point, a _seg.npy.`,
      { imagePath, formats },
    );
  }
}

/** Refuses, before any network work, formats the selected planes and frames cannot be written in. */
export function checkFormatsFit(imagePath: string, formats: readonly BatchFormat[], selection: StackSelection): void {
  const planes = selection.planes.length;
  const frames = selection.frames.length;
  const planeOnly = formats.filter((format) => PLANE_FORMATS.has(format));
  if (planeOnly.length > 0 && planes * frames > 1) {
    const what = frames > 1 ? `a time series of ${frames} time points` : `a stack of ${planes} planes`;
    throw new FormatDoesNotFitError(imagePath, what, planeOnly);
  }
  if (formats.includes('seg-npy') && frames > 1) {
    throw new InvalidSettingError(`${imagePath} has ${frames} time points; a Cellpose session file holds one: choose one with --frame.`, { frames });
  }
}

/** The frames' label volumes one after the other, as 16-bit labels when they fit (as Cellpose writes masks). */
function joinFrames(frames: readonly StackSegmentation[]): Uint16Array | Uint32Array {
  const joined = new Uint32Array(frames.reduce((sum, f) => sum + f.labels.length, 0));
  let at = 0;
  let max = 0;
  for (const { labels } of frames) {
    joined.set(labels, at);
    at += labels.length;
    for (let i = 0; i < labels.length; i++) if (labels[i]! > max) max = labels[i]!;
  }
  return max < 65536 ? Uint16Array.from(joined) : joined;
}

/** The session file of a frame, as io.masks_flows_to_seg writes it (flows when the run kept the network output). */
function sessionFileOf(imagePath: string, frame: StackSegmentation): Uint8Array {
  const { labels, width, height, planes, diameter, settings, networkOutputs } = frame;
  const network = networkOutputs.length === planes ? { planes: networkOutputs, cellprobThreshold: settings.cellprobThreshold } : undefined;
  return encodeSegFile(sessionFromApp({ labels, width, height, planes, imagePath: resolve(imagePath), channels: settings.channels, diameter, network }));
}

export interface SegmentedImage {
  imagePath: string;
  stack: ImageStack;
  selection: StackSelection;
  /** One result per frame selected. */
  frames: readonly StackSegmentation[];
}

async function encodeOutput(format: BatchFormat, image: SegmentedImage): Promise<Uint8Array | string> {
  const { frames, selection, stack, imagePath } = image;
  const { width, height } = frames[0]!;
  const shape = { planes: selection.planes.length, frames: selection.frames.length };
  if (format === 'seg-npy') return sessionFileOf(imagePath, frames[0]!);
  if (format === 'labels-tiff' && shape.planes * shape.frames > 1) return encodeLabelTiff(joinFrames(frames), width, height, { stack: shape });
  // One 2D plane (checkFormatsFit), written as the Segment view exports it: its pixels give the outlines' picture and
  // the measurements' intensities.
  const raster = await stack.readPlane({ plane: selection.planes[0]!, frame: selection.frames[0]! });
  return encodeExport(format, raster, frames[0]!.labels);
}

/** Writes each output of the image, atomically, in order; a file that cannot be written fails with ExportError. */
export async function writeOutputs(outputs: readonly BatchOutput[], image: SegmentedImage): Promise<WrittenOutput[]> {
  const written: WrittenOutput[] = [];
  for (const { format, path } of outputs) {
    const data = await encodeOutput(format, image);
    try {
      await writeFileAtomically(path, data);
    } catch (error) {
      throw new ExportError(`Cannot write ${path} (${(error as NodeJS.ErrnoException).code ?? 'unknown reason'}).`, { path }, error);
    }
    written.push({ format, path, bytes: typeof data === 'string' ? Buffer.byteLength(data) : data.length });
  }
  return written;
}
