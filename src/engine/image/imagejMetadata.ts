// Reads the hyperstack description ImageJ (and Fiji, tifffile with imagej=True) writes into a TIFF's first
// ImageDescription: how many images, channels, slices and frames, and the calibration. Pure, runs anywhere.
import { ImageAxesError } from './errors';

export interface ImageJMetadata {
  /** Pages holding the stack: channels x slices x frames. */
  images: number;
  channels: number;
  slices: number;
  frames: number;
  /** Distance between slices in `unit`, when declared. */
  spacing: number | null;
  /** Unit of the calibration (`micron`, `µm`, `nm`, ...); null when the image is not calibrated. */
  unit: string | null;
}

/** Text ImageJ writes as \uXXXX escapes (its descriptions are ASCII), decoded: `\u00B5m` is µm. */
function unescape(value: string): string {
  return value.replace(/\\u([0-9a-fA-F]{4})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

function count(fields: Map<string, string>, key: string): number | undefined {
  const text = fields.get(key);
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) {
    throw new ImageAxesError(`This TIFF file's ImageJ description says ${key}=${text}; a count of ${key} is a whole number from 1 up. The file is damaged.`, {
      key,
      value: text,
    });
  }
  return value;
}

/**
 * The ImageJ description's axes and calibration, or null when `description` is not ImageJ's. As ImageJ reads it, a
 * stack that names none of channels, slices and frames is a stack of slices. Refuses (ImageAxesError) counts that
 * are not whole numbers or whose product is not the number of images.
 */
export function parseImageJDescription(description: string): ImageJMetadata | null {
  if (!description.startsWith('ImageJ=')) return null;
  const fields = new Map<string, string>();
  for (const line of description.split('\n')) {
    const at = line.indexOf('=');
    if (at > 0) fields.set(line.slice(0, at).trim(), line.slice(at + 1).trim());
  }
  const channels = count(fields, 'channels');
  const declaredSlices = count(fields, 'slices');
  const frames = count(fields, 'frames');
  const declaredImages = count(fields, 'images');
  const named = channels !== undefined || declaredSlices !== undefined || frames !== undefined;
  const slices = declaredSlices ?? (named ? 1 : (declaredImages ?? 1));
  const images = declaredImages ?? (channels ?? 1) * slices * (frames ?? 1);
  if ((channels ?? 1) * slices * (frames ?? 1) !== images) {
    throw new ImageAxesError(
      `This TIFF file's ImageJ description says it holds ${images} images, but also ${channels ?? 1} channels x ` +
        `${slices} slices x ${frames ?? 1} frames = ${(channels ?? 1) * slices * (frames ?? 1)}. The file is damaged; ` +
        'open it in Fiji (Image > Hyperstacks > Re-order) and save it again.',
      { images, channels: channels ?? 1, slices, frames: frames ?? 1 },
    );
  }
  const spacing = Number(fields.get('spacing'));
  const unit = fields.get('unit');
  return {
    images,
    channels: channels ?? 1,
    slices,
    frames: frames ?? 1,
    spacing: Number.isFinite(spacing) && spacing > 0 ? spacing : null,
    unit: unit === undefined || unit === '' ? null : unescape(unit),
  };
}
