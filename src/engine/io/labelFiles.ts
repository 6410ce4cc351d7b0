// The files made from a label image: label TIFF and PNG, ImageJ ROI set, CSV of per-mask measurements; what the
// Segment view's exports and `celldesk masks convert` write. Pure (bytes out), runs in the worker or the CLI.
import { measureMasks, type MeasuredImage } from '../core/maskMeasurements';
import { maskContours } from '../core/outlines';
import { encodeImagejRoiZip } from '../formats/imagejRoi';
import { encodePng } from '../image/encodePng';
import { encodeLabelTiff } from '../image/encodeTiff';
import { ExportError } from '../service/errors';

export const LABEL_FILE_FORMATS = ['labels-tiff', 'labels-png', 'imagej-rois', 'measurements-csv'] as const;
export type LabelFileFormat = (typeof LABEL_FILE_FORMATS)[number];

/** The largest label, and the labels as 16-bit when they fit (as Cellpose saves them), else 32-bit. */
function compactLabels(labels: Uint16Array | Uint32Array): { maxLabel: number; compact: Uint16Array | Uint32Array } {
  let maxLabel = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i]! > maxLabel) maxLabel = labels[i]!;
  return { maxLabel, compact: maxLabel < 65536 ? (labels instanceof Uint16Array ? labels : Uint16Array.from(labels)) : labels };
}

/** One row per mask: label, area, centroid and, with an image, the mean of each of its channels. */
function measurementsCsv(labels: Uint16Array | Uint32Array, width: number, height: number, image?: MeasuredImage): string {
  const rows = measureMasks(labels, height, width, image);
  const channelColumns = Array.from({ length: image?.channels ?? 0 }, (_, c) => `mean_intensity_ch${c + 1}`);
  const lines = [['mask', 'area_px', 'centroid_x', 'centroid_y', ...channelColumns].join(',')];
  for (const row of rows) {
    const values = [row.label, row.area, row.centroidX.toFixed(3), row.centroidY.toFixed(3), ...row.meanIntensity.map((v) => v.toFixed(4))];
    lines.push(values.join(','));
  }
  return `${lines.join('\n')}\n`;
}

/**
 * The file of `format` for labels of width x height; `image` (same size) adds mean intensities to the CSV. A label
 * TIFF holds `planes` planes one after the other (an ImageJ stack; default 1), the other formats one plane;
 * `description` goes into a one-plane label TIFF's ImageDescription and a label PNG's Description text chunk.
 */
export function encodeLabelFile(
  format: LabelFileFormat,
  labels: Uint16Array | Uint32Array,
  width: number,
  height: number,
  image?: MeasuredImage,
  options: { description?: string; planes?: number } = {},
): Uint8Array | string {
  const { description, planes = 1 } = options;
  switch (format) {
    case 'labels-tiff':
      return encodeLabelTiff(compactLabels(labels).compact, width, height, { ...(planes > 1 ? { stack: { planes, frames: 1 } } : {}), ...(description === undefined ? {} : { description }) });
    case 'labels-png': {
      const { maxLabel, compact } = compactLabels(labels);
      if (!(compact instanceof Uint16Array)) {
        throw new ExportError(`A PNG holds labels up to 65535, but this image has ${maxLabel} masks. Export a label TIFF instead.`, { maxLabel });
      }
      return encodePng({ width, height, channels: 1, data: compact, ...(description === undefined ? {} : { text: { Description: description } }) });
    }
    case 'imagej-rois': {
      const rois = maskContours(labels, height, width)
        .filter((contour) => contour.points.length > 0)
        .map((contour) => ({ name: String(contour.label).padStart(4, '0'), points: contour.points }));
      return encodeImagejRoiZip(rois);
    }
    case 'measurements-csv':
      return measurementsCsv(labels, width, height, image);
  }
}
