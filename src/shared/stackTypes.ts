// What the calls for stacks and Cellpose session files exchange: the masks of every plane of a stack, and a session
// file opened with its image. Zod schemas with their types inferred (see [Note: contract data types] in
// engineTypes.ts); no side effects.
import { z } from 'zod';
import { openedImage, segmentation } from './engineTypes';

const count = z.int().nonnegative();

/** A stack's masks, plane by plane: one label volume of the shown time point (see [Note: stack edits]). */
export const stackSegmentation = z.object({
  imageId: z.string(),
  /** The time point the planes belong to. */
  frame: count,
  /** Cellpose's stitch_threshold: 0 keeps the planes apart (labels numbered per plane), above 0 links them. */
  stitchThreshold: z.number(),
  /** Cells in the volume: 3D labels when linked, else the masks of all planes together. */
  cellCount: count,
  /** Per Z plane, in order, its masks measured on its own pixels. */
  planes: z.array(segmentation),
});
export type StackSegmentation = z.output<typeof stackSegmentation>;

/**
 * What the engine holds besides masks, per plane: the network output itself ('kept': thresholds can change, flows
 * and cell probability can be shown), only its pictures ('pictures': shown, not re-thresholded), or nothing.
 */
export const NETWORK_OUTPUT_KINDS = ['kept', 'pictures', 'none'] as const;
export const networkOutputKind = z.enum(NETWORK_OUTPUT_KINDS);
export type NetworkOutputKind = z.output<typeof networkOutputKind>;

/** A Cellpose session file (_seg.npy) opened: its image (or a blank one of its size) and its masks. */
export const openedSession = z.object({
  image: openedImage,
  /** The session file's name, for titles and notices. */
  sessionName: z.string(),
  /** The image the file records (its `filename`), as recorded; null when it records none. */
  recordedImage: z.string().nullable(),
  /** False when that image was not found (or did not fit the masks): `image` is then a blank canvas of their size. */
  imageFound: z.boolean(),
  /** Why the image is blank, in words; null when it was found. */
  imageMissing: z.string().nullable(),
  /** Per Z plane (one for a 2D session), its masks, with the settings the file records. */
  planes: z.array(segmentation),
  networkOutput: networkOutputKind,
  /** What the file held that CellDesk left out, in words. */
  notes: z.array(z.string()),
});
export type OpenedSession = z.output<typeof openedSession>;
