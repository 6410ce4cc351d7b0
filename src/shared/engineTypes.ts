// What the engine's calls exchange, as the renderer sees them: images, display pixels, models, segmentations,
// exports and progress. Types and two lists; no side effects.
//
// [Note: contract data types] The renderer is built from src/renderer, src/shared and src/engine/errors.ts only, so
// the shapes the UI reads are declared here, once, and the engine modules that produce them re-export them
// (src/engine/service/types.ts, src/engine/pipeline/settings.ts, src/engine/bench/types.ts, ...). The one list the
// engine keeps for its own lower layer (the execution providers of src/engine/backend) is compared by tests/contract.

export const EXECUTION_PROVIDERS = ['cpu', 'webgpu', 'cuda', 'coreml', 'dml'] as const;
export type ExecutionProvider = (typeof EXECUTION_PROVIDERS)[number];
export type ExecutionProviderChoice = ExecutionProvider | 'auto';

export const EXPORT_FORMATS = ['labels-tiff', 'labels-png', 'outlines-png', 'imagej-rois', 'measurements-csv'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** The size of a pixel in micrometres, as the file declares it; z is the distance between planes, when declared. */
export interface PixelSize {
  x: number;
  y: number;
  z: number | null;
}

/**
 * What an image file holds, read from what it declares (see [Note: image axes] in src/engine/image/imageAxes.ts):
 * planes (Z) of frames (T), each plane `channels` x height x width.
 */
export interface ImageDescription {
  format: 'tiff' | 'png' | 'jpeg';
  width: number;
  height: number;
  /** Z planes: 1 for a 2D image. */
  planes: number;
  /** Time points: 1 unless a time series. */
  frames: number;
  /** Channels of each plane (what the channel settings choose from). */
  channels: number;
  /** Pages in the file (1 for PNG and JPEG). */
  pageCount: number;
  /** How the file stores samples: uint8, uint16, float32, ... */
  sampleType: string;
  /** Null when the file declares no physical size. */
  pixelSize: PixelSize | null;
  /** Where the axes come from: ImageJ's or OME's metadata, or CellDesk's rule for files that declare none. */
  axesFrom: 'imagej' | 'ome' | 'undeclared';
}

export interface OpenedImage extends ImageDescription {
  imageId: string;
  /** File name, for titles and exported file names. */
  name: string;
  /** Where it was read from; null for an image sent as bytes (a browser upload). */
  path: string | null;
  /** The plane and frame shown and segmented, from 0. */
  plane: number;
  frame: number;
  /** The file's first page of that plane (what the image's draft is kept under). */
  page: number;
  /** The folder exports go to unless the user picks another. */
  exportFolder: string;
}

export interface DisplayPixels {
  imageId: string;
  width: number;
  height: number;
  channels: number;
  /** Channel-major planes: sample (c, y, x) at data[(c * height + y) * width + x]. */
  data: Uint8Array | Uint16Array | Float32Array;
  /** Per channel, the default display range: 1st and 99th percentiles. */
  ranges: [number, number][];
  /** Per channel, the smallest and largest value. */
  extents: [number, number][];
}

export interface ModelChoice {
  name: string;
  description: string;
  /** Whether its files are on this computer (a catalogue model that is not is downloaded on first use). */
  available: boolean;
  supported: boolean;
  unsupportedReason: string | null;
}

/** Segmentation settings as Cellpose names them. */
export interface SegmentSettings {
  /** [channel to segment, nuclear channel], Cellpose's 1-based convention: 0 = grayscale / none, 1 = red, 2 = green, 3 = blue. */
  channels: readonly [segment: number, nuclei: number];
  /** Typical cell diameter in pixels; 0 estimates it with the size model. */
  diameter: number;
  flowThreshold: number;
  cellprobThreshold: number;
  minSize: number;
  /** Dynamics iterations; undefined = 200 / rescale as Cellpose. */
  niter?: number;
  augment: boolean;
  batchSize: number;
}

export interface MaskMeasurement {
  label: number;
  area: number;
  centroidX: number;
  centroidY: number;
  /** Mean of each image channel over the mask. */
  meanIntensity: number[];
}

export interface Segmentation {
  imageId: string;
  width: number;
  height: number;
  /** 0 = background, 1..N = masks, row-major. */
  labels: Uint32Array;
  /** 1 on each mask's outer contour. */
  outlines: Uint8Array;
  maskCount: number;
  masks: MaskMeasurement[];
  diameter: number;
  diameterFromStyle: number | null;
  executionProvider: ExecutionProvider;
  fallbackReasons: string[];
  model: { name: string | null; path: string };
  settings: SegmentSettings;
  timings: Record<string, number>;
  /** Network passes run for this image so far: a re-threshold leaves it unchanged. */
  networkRuns: number;
  /** Whether this result ran the network (false: masks recomputed from the kept network output). */
  networkRan: boolean;
}

/** How a segmentation was made: what a draft keeps beside its masks, so that restored masks say the same. */
export type DraftSummary = Pick<Segmentation, 'diameter' | 'diameterFromStyle' | 'executionProvider' | 'fallbackReasons' | 'model' | 'settings'>;

/** Edited masks kept from an earlier session with the same image (same file content and page). */
export interface RestoredDraft {
  /** The masks, with outlines and measurements; `networkRuns` 0, as no network output is kept with them. */
  segmentation: Segmentation;
  /** When the draft was written, ISO 8601. */
  savedAt: string;
}

export interface ExportResult {
  files: { format: ExportFormat; path: string }[];
}

export interface SegmentProgressEvent {
  imageId: string;
  /** normalize, sizeStyle, sizeMasks (diameter estimation), network, masks. */
  stage: string;
  done: number;
  total: number;
}
