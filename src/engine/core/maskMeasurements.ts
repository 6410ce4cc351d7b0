// Per-mask measurements for the results table and the CSV export: area, centroid and mean intensity per channel,
// in one pass over the pixels. Pure, runs anywhere.
import { InvalidSettingError } from '../errors';
import { checkLabels, type LabelArray } from './flowError';

/** Channel-major pixels (sample (c, y, x) at data[(c * height + y) * width + x]) of any numeric type. */
export interface MeasuredImage {
  width: number;
  height: number;
  channels: number;
  data: ArrayLike<number>;
}

export interface MaskMeasurement {
  label: number;
  /** Pixels in the mask. */
  area: number;
  /** Mean pixel position, in pixels from the image's left and top edges (pixel centres are whole numbers). */
  centroidX: number;
  centroidY: number;
  /** Mean of each image channel over the mask, in the image's own units. */
  meanIntensity: number[];
}

/** One row per label present in `labels`, in label order; `image` (if given) must have the labels' size. */
export function measureMasks(labels: LabelArray, height: number, width: number, image?: MeasuredImage): MaskMeasurement[] {
  checkLabels(labels, height, width);
  if (image !== undefined && (image.width !== width || image.height !== height)) {
    throw new InvalidSettingError(`The label image is ${width} x ${height} pixels but the image is ${image.width} x ${image.height}.`, {
      labels: [width, height],
      image: [image.width, image.height],
    });
  }
  let maxLabel = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i]! > maxLabel) maxLabel = labels[i]!;
  const channels = image?.channels ?? 0;
  const area = new Float64Array(maxLabel + 1);
  const sumX = new Float64Array(maxLabel + 1);
  const sumY = new Float64Array(maxLabel + 1);
  for (let y = 0, i = 0; y < height; y++) {
    for (let x = 0; x < width; x++, i++) {
      const label = labels[i]!;
      if (label === 0) continue;
      area[label]! += 1;
      sumX[label]! += x;
      sumY[label]! += y;
    }
  }
  const sums = new Float64Array((maxLabel + 1) * channels);
  const plane = height * width;
  for (let c = 0; c < channels; c++) {
    const data = image!.data;
    const offset = c * plane;
    for (let i = 0; i < plane; i++) {
      const label = labels[i]!;
      if (label !== 0) sums[label * channels + c]! += data[offset + i]!;
    }
  }
  const rows: MaskMeasurement[] = [];
  for (let label = 1; label <= maxLabel; label++) {
    const n = area[label]!;
    if (n === 0) continue;
    const meanIntensity: number[] = [];
    for (let c = 0; c < channels; c++) meanIntensity.push(sums[label * channels + c]! / n);
    rows.push({ label, area: n, centroidX: sumX[label]! / n, centroidY: sumY[label]! / n, meanIntensity });
  }
  return rows;
}
