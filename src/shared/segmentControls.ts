// What the Segment view's controls and the desktop app's menu exchange with the engine: network-output images,
// diameter calibration, recent files, the user's preferences and the menu's commands. Zod schemas with their types
// inferred (see [Note: contract data types] in engineTypes.ts).
import { z } from 'zod';
import { bytes, CELLPOSE_DEFAULTS, timings } from './engineTypes';

/** The kept network output of an image, ready to draw, at image size (see [Note: network output display]). */
export const networkOutputImages = z.object({
  imageId: z.string(),
  width: z.int(),
  height: z.int(),
  /** The flow field as Cellpose's GUI colours it (dx_to_circ): RGB, 3 bytes per pixel, row-major. */
  flows: bytes,
  /** The cell probability, stretched between its 1st and 99th percentiles: 1 byte per pixel, row-major. */
  cellprob: bytes,
});
export type NetworkOutputImages = z.output<typeof networkOutputImages>;

export const calibration = z.object({
  imageId: z.string(),
  /** The diameter a segmentation with diameter 'estimate' would use (pixels). */
  diameter: z.number(),
  /** The style regression's first guess. */
  diameterFromStyle: z.number(),
  model: z.object({ name: z.string().nullable(), path: z.string() }),
  timings,
});
export type Calibration = z.output<typeof calibration>;

export const recentFile = z.object({
  path: z.string(),
  name: z.string(),
  /** ISO 8601. */
  openedAt: z.string(),
});
export type RecentFile = z.output<typeof recentFile>;

/** What the user chose once and CellDesk remembers in its data folder, for the desktop app and the browser mode alike. */
export const preferences = z.object({
  /** Whether the app records each segmentation in the history ([Note: every segmentation recorded]). */
  recordSegmentations: z.boolean().default(true),
});
export type Preferences = z.output<typeof preferences>;

/**
 * What the desktop app's menu asks the window to do; the Segment view runs each as its own button or key would.
 * 'open-file' is an image the operating system asked CellDesk to open (command line, file association, drop on the
 * Dock icon).
 */
export const APP_COMMANDS = ['open', 'open-recent', 'open-file', 'export', 'toggle-masks', 'toggle-outlines', 'toggle-numbers', 'toggle-flows', 'toggle-cellprob', 'fit', 'actual-size'] as const;
export type AppCommandName = (typeof APP_COMMANDS)[number];
export const appCommand = z.union([
  z.object({ command: z.enum(APP_COMMANDS).exclude(['open-recent', 'open-file']) }),
  z.object({ command: z.enum(['open-recent', 'open-file']), path: z.string() }),
]);
export type AppCommand = z.output<typeof appCommand>;

/** The settings the Segment view's "reset" restores: Cellpose's defaults, with niter 0 for "automatic" as the view shows it. */
export const SEGMENT_DEFAULTS = Object.freeze({
  flowThreshold: CELLPOSE_DEFAULTS.flowThreshold,
  cellprobThreshold: CELLPOSE_DEFAULTS.cellprobThreshold,
  minSize: CELLPOSE_DEFAULTS.minSize,
  niter: 0,
  augment: CELLPOSE_DEFAULTS.augment,
  batchSize: CELLPOSE_DEFAULTS.batchSize,
});

/**
 * The cell probability thresholds the Segment view's control offers and the engine accepts, and the step of its
 * arrows (the engine prepares the thresholds a few steps either side ahead). The lowest is also the
 * threshold the engine traces every pixel's trajectory at, so that any threshold in the range re-thresholds fast
 * (see [Note: trajectories above a threshold] in src/engine/core/thresholdTrajectories.ts).
 */
export const CELLPROB_THRESHOLD_RANGE = Object.freeze({ min: -20, max: 20, step: 0.5 });
