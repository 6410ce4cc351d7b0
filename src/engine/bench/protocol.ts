// The benchmark protocol's crops: square centre crops in steps of 224 px plus the full image; pure, runs anywhere.
// [Note: benchmark protocol] As the published Cellpose 3.0.11 benchmark: square centre crops of 224, 448, 672, ...
// px up to the largest that fits the image, then the full image; N iterations of each (5 by default), with diameter
// estimation on, on each execution provider. CellDesk adds two things the published protocol does not separate:
// session creation is timed on its own (cold), and a warm-up run on the smallest crop follows it, timed but not
// counted as a sample, so that the samples measure warm runs only.
import { channelPlane, type PlanarImage } from '../core/image';
import { InvalidSettingError } from '../errors';
import type { CropSize } from '../../shared/contract';

export type { CropSize } from '../../shared/contract';

export const CROP_STEP = 224;
export const DEFAULT_ITERATIONS = 5;

export interface BenchmarkCrop {
  size: CropSize;
  width: number;
  height: number;
  left: number;
  top: number;
}

/** 224, 448, ... up to the largest multiple of 224 that fits, then 'full'. */
export function defaultCropSizes(width: number, height: number): CropSize[] {
  const sizes: CropSize[] = [];
  for (let side = CROP_STEP; side <= Math.min(width, height); side += CROP_STEP) sizes.push(side);
  sizes.push('full');
  return sizes;
}

/** The crops for the requested sizes, in the order given; a size larger than the image is refused. */
export function planCrops(width: number, height: number, sizes: readonly CropSize[]): BenchmarkCrop[] {
  if (sizes.length === 0) throw new InvalidSettingError('The benchmark needs at least one crop size.');
  const seen = new Set<CropSize>();
  return sizes.map((size) => {
    if (size === 'full') return { size: 'full', width, height, left: 0, top: 0 };
    if (!Number.isInteger(size) || size < 16) throw new InvalidSettingError(`A crop size must be a whole number of pixels from 16; got ${size}.`);
    if (size > width || size > height) {
      throw new InvalidSettingError(`The crop size ${size} px does not fit the ${width} x ${height} image; the largest square crop is ${Math.min(width, height)} px.`, { size, width, height });
    }
    if (seen.has(size)) throw new InvalidSettingError(`The crop size ${size} is listed twice.`);
    seen.add(size);
    return { size, width: size, height: size, left: Math.floor((width - size) / 2), top: Math.floor((height - size) / 2) };
  });
}

/** The crop's pixels as a new planar image (all channels). */
export function cropImage(image: PlanarImage, crop: BenchmarkCrop): PlanarImage {
  if (crop.left === 0 && crop.top === 0 && crop.width === image.width && crop.height === image.height) return image;
  const data = new Float32Array(image.channels * crop.width * crop.height);
  for (let c = 0; c < image.channels; c++) {
    const plane = channelPlane(image, c);
    for (let y = 0; y < crop.height; y++) {
      const from = (crop.top + y) * image.width + crop.left;
      data.set(plane.subarray(from, from + crop.width), (c * crop.height + y) * crop.width);
    }
  }
  return { width: crop.width, height: crop.height, channels: image.channels, data };
}
