// The app's side of [Note: run estimates]: a segmentation estimated to be large is not started until the user says
// yes (segment:run with confirmLarge); the refusal carries the estimate for the UI's question. Node side (worker).
import { totalmem } from 'node:os';
import { estimateSegmentation, isLargeRun, LargeRunError } from '../pipeline/estimateRun';
import type { SegmentationModel } from '../pipeline/segment';
import type { SegmentSettings } from '../pipeline/settings';

/** Throws LargeRunError when segmenting an image this size with these settings and this model is large. */
export function refuseLargeRun(image: { width: number; height: number }, settings: SegmentSettings, model: Pick<SegmentationModel, 'architecture' | 'session'>): void {
  const { width, height } = image;
  const estimate = estimateSegmentation(width, height, settings, model);
  const memory = totalmem();
  if (!isLargeRun(estimate, memory)) return;
  throw new LargeRunError({ width, height, diameter: settings.diameter }, estimate, memory, 'Segment it anyway, or crop the image (or check the diameter) first.');
}
