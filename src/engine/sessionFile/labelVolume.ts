// Label images and volumes of session files: read from a file's integer array, outlined, and sized for writing as
// Cellpose sizes them. Pure, runs anywhere.
import { outlinePixels } from '../core/outlines';
import { NdArray } from '../formats/pythonValue';
import { DEFAULT_IMAGE_LIMITS } from '../image/limits';
import { invalidSegFile } from './errors';
import type { LabelVolume } from './types';

const LARGEST_LABEL = 2 ** 32 - 1;

export function largestLabel(data: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < data.length; i++) if (data[i]! > max) max = data[i]!;
  return max;
}

/**
 * The labels of `array` ([H, W] or [Z, H, W], whole numbers), as Uint16Array when they fit, else Uint32Array. A file
 * whose background is -1 (older Cellpose) is shifted up by one, as the Cellpose GUI does when it loads one.
 */
export function labelsFromArray(array: NdArray, key: string): LabelVolume {
  const { shape, dtype } = array;
  if (dtype.startsWith('f') || dtype === 'b1' || (shape.length !== 2 && shape.length !== 3)) {
    throw invalidSegFile(
      `This Cellpose _seg.npy file's '${key}' is an array of ${dtype} of shape [${shape.join(', ')}]; Cellpose stores ` +
        'masks as whole numbers of shape [height, width], or [planes, height, width] for a stack.',
      { key, dtype, shape },
    );
  }
  const [planes, height, width] = shape.length === 3 ? (shape as [number, number, number]) : [1, shape[0]!, shape[1]!];
  const { maxSide, maxPixels } = DEFAULT_IMAGE_LIMITS;
  if (width === 0 || height === 0 || planes === 0 || width > maxSide || height > maxSide || width * height > maxPixels) {
    throw invalidSegFile(
      `This Cellpose _seg.npy file's '${key}' are ${width} x ${height} pixels; CellDesk opens images from 1 pixel up to ` +
        `${maxSide} on a side and ${maxPixels.toLocaleString('en-US')} pixels in all.`,
      { key, shape },
    );
  }
  const source = array.data as ArrayLike<number | bigint>;
  let low = 0;
  let high = 0;
  for (let i = 0; i < source.length; i++) {
    const v = Number(source[i]!);
    if (v < low) low = v;
    if (v > high) high = v;
  }
  const shift = low === -1 ? 1 : 0;
  if (low < -1 || high + shift > LARGEST_LABEL) {
    throw invalidSegFile(
      `This Cellpose _seg.npy file's '${key}' hold values from ${low} to ${high}; mask labels are whole numbers from 0 ` +
        `(background) to ${LARGEST_LABEL}.`,
      { key, low, high },
    );
  }
  const data = high + shift < 65536 ? new Uint16Array(source.length) : new Uint32Array(source.length);
  for (let i = 0; i < source.length; i++) data[i] = Number(source[i]!) + shift;
  return { width, height, planes, stack: shape.length === 3, data };
}

/** Each mask's label on its outer contour, plane by plane (utils.masks_to_outlines times the masks). */
export function outlinesOf(masks: LabelVolume): LabelVolume {
  const { width, height, planes } = masks;
  const plane = width * height;
  const data = new (masks.data.constructor as new (length: number) => Uint16Array | Uint32Array)(masks.data.length);
  for (let z = 0; z < planes; z++) {
    const labels = masks.data.subarray(z * plane, (z + 1) * plane);
    const outline = outlinePixels(labels, height, width);
    for (let i = 0; i < plane; i++) if (outline[i] !== 0) data[z * plane + i] = labels[i]!;
  }
  return { ...masks, data };
}

/** Whether two volumes have the same planes and size. */
export function sameShape(a: LabelVolume, b: LabelVolume): boolean {
  return a.width === b.width && a.height === b.height && a.planes === b.planes && a.stack === b.stack;
}

/** The volume's shape as the file stores it: [H, W], or [Z, H, W] for a stack. */
export function fileShape(volume: LabelVolume): number[] {
  return volume.stack ? [volume.planes, volume.height, volume.width] : [volume.height, volume.width];
}

/**
 * The volume as the array io.masks_flows_to_seg writes: uint16 while `largest` (the outlines' largest label) is
 * below 2^16 - 1, else uint32.
 */
export function labelArray(volume: LabelVolume, largest: number): NdArray {
  const wide = largest >= 2 ** 16 - 1;
  const { data } = volume;
  const typed = wide ? (data instanceof Uint32Array ? data : Uint32Array.from(data)) : data instanceof Uint16Array ? data : Uint16Array.from(data);
  return new NdArray(wide ? 'u4' : 'u2', fileShape(volume), typed);
}
