// What the engine service takes and gives: opened images, display pixels, models, segmentations, exports, progress.
// Types only (plus the export formats' names), shared by the service, its worker and the app's contract.
import type { ExecutionProvider, ExecutionProviderChoice } from '../backend/types';
import type { MaskMeasurement } from '../core/maskMeasurements';
import type { SampleType } from '../image/raster';
import type { SegmentProgress } from '../pipeline/progress';
import type { SegmentSettings } from '../pipeline/settings';

export type { MaskMeasurement } from '../core/maskMeasurements';

/** An image the service holds, by id, until it is closed. */
export interface OpenedImage {
  imageId: string;
  /** File name, for titles and exported file names. */
  name: string;
  /** Where it was read from; null for an image sent as bytes (a browser upload). */
  path: string | null;
  width: number;
  height: number;
  channels: number;
  sampleType: SampleType;
  page: number;
  pageCount: number;
  /** Where exports go unless the user picks another folder: beside the image, or the data folder's exports. */
  exportFolder: string;
}

// Declared once in the contract's engine types (the renderer can read only src/shared), used here as they are.
export type { DisplayPixels, ModelChoice } from '../../shared/engineTypes';
export type { CalibrateRequest, Calibration, NetworkOutputImages, RecentFile } from '../../shared/segmentControls';

export interface SegmentRequest {
  imageId: string;
  /** Catalogue name, registered name, or a model file's path. */
  model: string;
  provider: ExecutionProviderChoice;
  settings: Partial<SegmentSettings>;
}

export interface RethresholdRequest {
  imageId: string;
  flowThreshold: number;
  cellprobThreshold: number;
  minSize: number;
}

/** Masks of one image, with what the viewer and the results table need. */
export interface Segmentation {
  imageId: string;
  width: number;
  height: number;
  /** 0 = background, 1..N = masks, row-major. */
  labels: Uint32Array;
  /** 1 on each mask's outer contour (Cellpose's masks_to_outlines). */
  outlines: Uint8Array;
  maskCount: number;
  masks: MaskMeasurement[];
  diameter: number;
  /** The size model's estimate, when the diameter was estimated. */
  diameterFromStyle: number | null;
  executionProvider: ExecutionProvider;
  /** Why the requested provider was not used, when it was not. */
  fallbackReasons: string[];
  model: { name: string | null; path: string };
  settings: SegmentSettings;
  /** Milliseconds per stage of the last computation, and `total`. */
  timings: Record<string, number>;
  /** Network passes run for this image so far: a re-threshold leaves it unchanged. */
  networkRuns: number;
  /** Whether this result ran the network (false: masks recomputed from the kept network output). */
  networkRan: boolean;
}

export const EXPORT_FORMATS = ['labels-tiff', 'labels-png', 'outlines-png', 'imagej-rois', 'measurements-csv'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ExportRequest {
  imageId: string;
  /** The labels to write (edited or not), width x height of the image. */
  labels: Uint32Array;
  formats: ExportFormat[];
  folder: string;
}

export interface ExportResult {
  files: { format: ExportFormat; path: string }[];
}

export interface SegmentProgressEvent extends SegmentProgress {
  imageId: string;
}
