// What a batch of images exchanges with the UI: the formats a batch writes, each image's result, the live events of
// a run and its report. Zod schemas with their types inferred (see [Note: contract data types] in engineTypes.ts);
// the engine's batch runner (src/engine/batch) produces them. No side effects.
import { z } from 'zod';
import { draftSummary, executionProviderChoice, EXPORT_FORMATS, stageProgress } from './engineTypes';
import { segmentSettings } from './segmentSettings';

/** What a batch writes per image: the Segment view's exports, Cellpose's session file (<name>_seg.npy) among them. */
export const BATCH_FORMATS = EXPORT_FORMATS;
export const batchFormat = z.enum(BATCH_FORMATS);
export type BatchFormat = z.output<typeof batchFormat>;

/**
 * The formats that hold the masks themselves: a batch writes at least one, as resuming and opening a result in the
 * Segment view read the masks back from it (in this order of preference).
 */
export const MASK_FORMATS: readonly BatchFormat[] = ['labels-tiff', 'labels-png', 'seg-npy'];

const path = z.string().min(1).max(4096);

/** What 'batch:start' is given: the images, the Segment view's settings, and where and how to write the results. */
export const batchRequest = z.strictObject({
  /** Image files, and folders standing for the images directly in them; full paths. */
  images: z.array(path).min(1).max(10_000),
  /** A full path, or a folder name made inside the first image's folder. */
  outputFolder: path,
  formats: z
    .array(batchFormat)
    .min(1)
    .refine((formats) => formats.some((format) => MASK_FORMATS.includes(format)), 'a batch writes the masks as a label TIFF, a label PNG or a _seg.npy (at least one)'),
  model: path,
  provider: executionProviderChoice,
  settings: segmentSettings,
  /** Each image recorded in the history (the Segment view's "Record in history"). */
  record: z.boolean().default(true),
  /** Segment every image again, even those an earlier run into the folder did with the same image and settings. */
  redo: z.boolean().default(false),
  /** Replace files in the output folder that the batch did not write itself; otherwise the run fails first, naming them (BATCH_FILES_EXIST). */
  overwrite: z.boolean().default(false),
});
export type BatchRequest = z.output<typeof batchRequest>;

/** An image in the queue: waiting, being segmented, written now, done by an earlier run (kept), failed, or cancelled while running. */
export const BATCH_IMAGE_STATUSES = ['pending', 'running', 'done', 'skipped', 'failed', 'cancelled'] as const;
export const batchImageStatus = z.enum(BATCH_IMAGE_STATUSES);
export type BatchImageStatus = z.output<typeof batchImageStatus>;

export const batchOutput = z.object({ format: batchFormat, path: z.string() });
export type BatchOutput = z.output<typeof batchOutput>;

/** One image of a batch, as the queue and the results table show it. */
export const batchImageResult = z.object({
  imagePath: z.string(),
  /** The file name, as the history names the image. */
  name: z.string(),
  status: batchImageStatus,
  /** Masks found (over every plane of a stack); null until done. */
  masks: z.int().nonnegative().nullable(),
  /** The diameter used, in pixels; null until done. */
  diameter: z.number().nullable(),
  /** Milliseconds from reading the image to its files written; null until done. */
  ms: z.number().nullable(),
  /** The files written for it (by this run, or the earlier run a skipped image was done by). */
  outputs: z.array(batchOutput),
  /** Why it failed, in the engine's words. */
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  /** How its masks were made, as the Segment view describes masks it shows; null until done. */
  summary: draftSummary.nullable(),
  /** Its run in the history; null when not recorded (recording off, skipped, or a history that could not be written). */
  historyRun: z.string().nullable(),
});
export type BatchImageResult = z.output<typeof batchImageResult>;

const index = z.int().nonnegative();

/** What a running batch reports, in order: the queue, then per image its progress and its result. */
export const batchEvent = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('started'),
    batchId: z.string(),
    outputFolder: z.string(),
    /** Every image found, pending, in the order they are done. */
    images: z.array(batchImageResult),
    /** What the user should know before it runs (a batch record that could not be read, so nothing is skipped). */
    notes: z.array(z.string()),
  }),
  z.object({ type: z.literal('progress'), batchId: z.string(), index, progress: stageProgress }),
  z.object({ type: z.literal('image'), batchId: z.string(), index, result: batchImageResult }),
]);
export type BatchEvent = z.output<typeof batchEvent>;

export const batchReport = z.object({
  batchId: z.string(),
  status: z.enum(['completed', 'cancelled']),
  outputFolder: z.string(),
  images: z.array(batchImageResult),
  notes: z.array(z.string()),
  /** Milliseconds from the start to the end of the run. */
  ms: z.number(),
});
export type BatchReport = z.output<typeof batchReport>;
