// What the Segment view's controls and the desktop app's menu exchange with the engine: network-output images,
// diameter calibration, recent files, and the menu's commands. Types and one list; no side effects. See
// [Note: contract data types] in engineTypes.ts for why they are declared here.
import type { ExecutionProviderChoice } from './engineTypes';

/** The kept network output of an image, ready to draw, at image size (see [Note: network output display]). */
export interface NetworkOutputImages {
  imageId: string;
  width: number;
  height: number;
  /** The flow field as Cellpose's GUI colours it (dx_to_circ): RGB, 3 bytes per pixel, row-major. */
  flows: Uint8Array;
  /** The cell probability, stretched between its 1st and 99th percentiles: 1 byte per pixel, row-major. */
  cellprob: Uint8Array;
}

export interface CalibrateRequest {
  imageId: string;
  model: string;
  provider: ExecutionProviderChoice;
  channels: [number, number];
  batchSize?: number | undefined;
  augment?: boolean | undefined;
}

export interface Calibration {
  imageId: string;
  /** The diameter a segmentation with diameter 0 would use (pixels). */
  diameter: number;
  /** The style regression's first guess. */
  diameterFromStyle: number;
  model: { name: string | null; path: string };
  /** Milliseconds per stage, and `total`. */
  timings: Record<string, number>;
}

export interface RecentFile {
  path: string;
  name: string;
  /** ISO 8601. */
  openedAt: string;
}

/**
 * What the desktop app's menu asks the window to do; the Segment view runs each as its own button or key would.
 * 'open-file' is an image the operating system asked CellDesk to open (command line, file association, drop on the
 * Dock icon).
 */
export const APP_COMMANDS = ['open', 'open-recent', 'open-file', 'export', 'toggle-masks', 'toggle-outlines', 'toggle-flows', 'toggle-cellprob', 'fit', 'actual-size'] as const;
export type AppCommandName = (typeof APP_COMMANDS)[number];
export type AppCommand = { command: Exclude<AppCommandName, 'open-recent' | 'open-file'> } | { command: 'open-recent' | 'open-file'; path: string };

/**
 * Cellpose 3.0.11's defaults for the settings the Segment view offers, for its "reset" button. The engine's
 * resolveSettings fills in the same (src/engine/pipeline/settings.ts, which the renderer cannot import);
 * tests/contract checks that the two agree. niter 0 means "automatic" (200 / rescale).
 */
export const SEGMENT_DEFAULTS = Object.freeze({ flowThreshold: 0.4, cellprobThreshold: 0, minSize: 15, niter: 0, augment: false, batchSize: 8 });
