// What the engine's calls exchange, as the renderer sees them: images, display pixels, models, segmentations,
// exports and progress. Zod schemas, with their TypeScript types inferred from them; no side effects.
//
// [Note: contract data types] Every value that crosses a boundary (renderer <-> main, the browser mode's HTTP API,
// the service <-> worker RPC) is declared here and in the files beside it, once, as a zod schema; its type is
// inferred from the schema (z.output, or z.input where a caller may leave out what has a default), never written out
// again as an interface. The engine modules that produce these values import the types from here: src/shared sits
// below the engine (see the layer table in CONTRIBUTING.md), and the renderer can read only src/shared. Arguments are
// checked with these schemas where they are received; results are checked by the tests (tests/service), since
// checking a 2560 x 2160 label image on every call would cost time for nothing.
import { z } from 'zod';
import type { MaskMeasurement } from '../engine/core/maskMeasurements';
import { segmentSettingsShape } from './segmentSettings';

export * from './segmentSettings';
export type { MaskMeasurement } from '../engine/core/maskMeasurements';

export const EXECUTION_PROVIDERS = ['cpu', 'webgpu', 'cuda', 'coreml', 'dml'] as const;
export const executionProvider = z.enum(EXECUTION_PROVIDERS);
export type ExecutionProvider = z.output<typeof executionProvider>;
export const executionProviderChoice = z.enum(['auto', ...EXECUTION_PROVIDERS]);
export type ExecutionProviderChoice = z.output<typeof executionProviderChoice>;

export const EXPORT_FORMATS = ['labels-tiff', 'labels-png', 'outlines-png', 'imagej-rois', 'measurements-csv', 'seg-npy'] as const;
export const exportFormat = z.enum(EXPORT_FORMATS);
export type ExportFormat = z.output<typeof exportFormat>;
/** The exports that hold every plane of a stack (a multi-page label TIFF, a [Z, H, W] session); the others hold one. */
export const STACK_EXPORT_FORMATS: readonly ExportFormat[] = ['labels-tiff', 'seg-npy'];

/** A typed array of one kind: Electron's IPC and the worker RPC clone them as they are; HTTP frames them (wire.ts). */
function typedArray<T>(kind: abstract new (...args: never[]) => unknown, what: string) {
  return z.custom<T>((value) => value instanceof kind, `expected ${what}`);
}
export const bytes = typedArray<Uint8Array>(Uint8Array, 'bytes (a Uint8Array)');
export const labelImage = typedArray<Uint32Array>(Uint32Array, 'a label image (a Uint32Array)');
export const displaySamples = z.custom<Uint8Array | Uint16Array | Float32Array>(
  (value) => value instanceof Uint8Array || value instanceof Uint16Array || value instanceof Float32Array,
  'expected display samples (a Uint8Array, Uint16Array or Float32Array)',
);

const count = z.int().nonnegative();
const range = z.tuple([z.number(), z.number()]);
/** Milliseconds per named stage, and `total`. */
export const timings = z.record(z.string(), z.number());

/** The size of a pixel in micrometres, as the file declares it; z is the distance between planes, when declared. */
export const pixelSize = z.object({ x: z.number(), y: z.number(), z: z.number().nullable() });
export type PixelSize = z.output<typeof pixelSize>;

/**
 * What an image file holds, read from what it declares (see [Note: image axes] in src/engine/image/imageAxes.ts):
 * planes (Z) of frames (T), each plane `channels` x height x width.
 */
export const imageDescription = z.object({
  format: z.enum(['tiff', 'png', 'jpeg']),
  width: count,
  height: count,
  /** Z planes: 1 for a 2D image. */
  planes: z.int().positive(),
  /** Time points: 1 unless a time series. */
  frames: z.int().positive(),
  /** Channels of each plane (what the channel settings choose from). */
  channels: count,
  /** Pages in the file (1 for PNG and JPEG). */
  pageCount: count,
  /** How the file stores samples: uint8, uint16, float32, ... */
  sampleType: z.string(),
  /** Null when the file declares no physical size. */
  pixelSize: pixelSize.nullable(),
  /** Where the axes come from: ImageJ's or OME's metadata, or CellDesk's rule for files that declare none. */
  axesFrom: z.enum(['imagej', 'ome', 'undeclared']),
});
export type ImageDescription = z.output<typeof imageDescription>;

export const openedImage = z.object({
  ...imageDescription.shape,
  imageId: z.string(),
  /** File name, for titles and exported file names. */
  name: z.string(),
  /** Where it was read from; null for an image sent as bytes (a browser upload). */
  path: z.string().nullable(),
  /** The plane and frame shown and segmented, from 0. */
  plane: count,
  frame: count,
  /** The file's first page of that plane (what the image's draft is kept under). */
  page: count,
  /** The folder exports go to unless the user picks another. */
  exportFolder: z.string(),
});
export type OpenedImage = z.output<typeof openedImage>;

export const displayPixels = z.object({
  imageId: z.string(),
  width: count,
  height: count,
  channels: count,
  /** Channel-major planes: sample (c, y, x) at data[(c * height + y) * width + x]. */
  data: displaySamples,
  /** Per channel, the default display range: 1st and 99th percentiles. */
  ranges: z.array(range),
  /** Per channel, the smallest and largest value. */
  extents: z.array(range),
});
export type DisplayPixels = z.output<typeof displayPixels>;

export const modelChoice = z.object({
  name: z.string(),
  description: z.string(),
  /** Whether its files are on this computer (a catalogue model that is not is downloaded on first use). */
  available: z.boolean(),
  supported: z.boolean(),
  unsupportedReason: z.string().nullable(),
  /** What a download of it would bring (its files' published sizes); null when it is here or its size is not published. */
  downloadBytes: count.nullable(),
});
export type ModelChoice = z.output<typeof modelChoice>;

/** How far a model's download has got: the file on its way (a model can have two: the network and its size model). */
export const modelDownloadProgress = z.object({
  name: z.string(),
  file: z.string(),
  receivedBytes: count,
  /** The file's size when the server says it. */
  totalBytes: count.nullable(),
});
export type ModelDownloadProgress = z.output<typeof modelDownloadProgress>;

/** One row of the results table; the type is the engine core's, which measures it (src/engine/core is below here). */
export const maskMeasurement = z.object({
  label: z.int().positive(),
  area: count,
  centroidX: z.number(),
  centroidY: z.number(),
  meanIntensity: z.array(z.number()),
}) satisfies z.ZodType<MaskMeasurement>;

const modelUsed = z.object({ name: z.string().max(4096).nullable(), path: z.string().max(4096) });

/** How a segmentation was made: what a draft keeps beside its masks (checked again when a draft is read back). */
export const draftSummary = z.strictObject({
  diameter: z.number(),
  diameterFromStyle: z.number().nullable(),
  executionProvider,
  fallbackReasons: z.array(z.string().max(10_000)).max(100),
  model: modelUsed,
  // Not strict: a setting added later is dropped from a draft rather than refusing to keep the edits.
  settings: z.object(segmentSettingsShape),
});
export type DraftSummary = z.output<typeof draftSummary>;

export const segmentation = z.object({
  ...draftSummary.shape,
  imageId: z.string(),
  width: count,
  height: count,
  /** 0 = background, 1..N = masks, row-major. */
  labels: labelImage,
  /** 1 on each mask's outer contour. */
  outlines: bytes,
  maskCount: count,
  masks: z.array(maskMeasurement),
  timings,
  /** Network passes run for this image so far: a re-threshold leaves it unchanged. */
  networkRuns: count,
  /** Whether this result ran the network (false: masks recomputed from the kept network output). */
  networkRan: z.boolean(),
  /**
   * The run's id in the history (see src/engine/history/segmentAndRecord.ts); null when it was not recorded: a
   * re-threshold, restored masks, recording turned off, or a history that could not be written.
   */
  historyRun: z.string().nullable(),
});
export type Segmentation = z.output<typeof segmentation>;

/** Edited masks kept from an earlier session with the same image (same file content and page). */
export const restoredDraft = z.object({
  /** The masks, with outlines and measurements; `networkRuns` 0, as no network output is kept with them. */
  segmentation,
  /** When the draft was written, ISO 8601. */
  savedAt: z.string(),
});
export type RestoredDraft = z.output<typeof restoredDraft>;

/** How exported label images number the masks: 1..N without gaps, or as shown (see [Note: label numbering]). */
export const LABEL_NUMBERINGS = ['consecutive', 'original'] as const;
export const labelNumbering = z.enum(LABEL_NUMBERINGS);
export type LabelNumbering = z.output<typeof labelNumbering>;

export const exportResult = z.object({
  /** Each file written; with its bytes when they were asked for (the browser mode offers them as downloads). */
  files: z.array(z.object({ format: exportFormat, path: z.string(), bytes: bytes.optional() })),
  /** Whether the masks' numbers were changed to 1..N in the files (false: they already were, or kept as asked). */
  renumbered: z.boolean(),
});
export type ExportResult = z.output<typeof exportResult>;

/** The pipeline's stages, in the order a segmentation goes through them (sizeStyle, sizeMasks: diameter estimation). */
export const SEGMENT_STAGES = ['normalize', 'sizeStyle', 'sizeMasks', 'network', 'masks'] as const;
export const segmentStage = z.enum(SEGMENT_STAGES);
export type SegmentStage = z.output<typeof segmentStage>;

/** Progress inside one segmentation: a pipeline stage and how far it is. */
export const stageProgress = z.object({
  stage: segmentStage,
  /** Work done and total in the stage's own unit (network tiles, or 0/1 for single-step stages). */
  done: count,
  total: count,
});
export type StageProgress = z.output<typeof stageProgress>;

export const segmentProgressEvent = z.object({
  imageId: z.string(),
  ...stageProgress.shape,
  /** In a run over a stack's planes, the plane being segmented (from 0) and how many there are. */
  plane: z.object({ index: count, count }).optional(),
});
export type SegmentProgressEvent = z.output<typeof segmentProgressEvent>;

/** The engine's host ended without being asked to; `reason` says how ("signal SIGKILL"). See [Note: engine host]. */
export const engineStoppedEvent = z.object({ reason: z.string() });
export type EngineStoppedEvent = z.output<typeof engineStoppedEvent>;
