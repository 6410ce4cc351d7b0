// Segmentation settings as Cellpose names them, with Cellpose 3.0.11's defaults, declared once: the contract's
// 'segment:run' takes them, the engine fills in and range-checks them (src/engine/pipeline/settings.ts), the Segment
// view resets to them. Zod schema; no side effects.
import { z } from 'zod';
import type { ChannelChoice } from '../engine/core/channels';

export type { ChannelChoice } from '../engine/core/channels';

/**
 * A typical cell diameter in pixels, or 'estimate': the model's size model estimates it on each image. (Cellpose
 * says "estimate" with a diameter of 0; the CLI and the pipeline, which mirror Cellpose, accept that spelling and
 * turn it into 'estimate': see resolveSettings in src/engine/pipeline/settings.ts.)
 */
export const diameterSetting = z.union([z.number().positive(), z.literal('estimate')]);
export type DiameterSetting = z.output<typeof diameterSetting>;

/** [channel to segment, nuclear channel], Cellpose's 1-based convention: 0 = grayscale / none, 1 = red, 2 = green, 3 = blue. */
export const channelChoice = z.tuple([z.int(), z.int()]) satisfies z.ZodType<ChannelChoice>;

/** Cellpose's default cell diameter, in pixels (the size its built-in models were trained at). */
export const DEFAULT_DIAMETER = 30;

/** The settings' types and defaults; ranges are the engine's to check, with messages a biologist can act on. */
export const segmentSettingsShape = {
  channels: channelChoice.default((): [number, number] => [0, 0]),
  diameter: diameterSetting.default(DEFAULT_DIAMETER),
  flowThreshold: z.number().default(0.4),
  cellprobThreshold: z.number().default(0),
  minSize: z.int().default(15),
  /** Dynamics iterations; absent: 200 at the model's scale (200 / rescale), as Cellpose. */
  niter: z.int().optional(),
  augment: z.boolean().default(false),
  batchSize: z.int().default(8),
};

/** Settings a caller gives: any of them, the others take Cellpose's defaults. */
export const segmentSettings = z.strictObject(segmentSettingsShape);
/** Every setting, defaults filled in. */
export type SegmentSettings = z.output<typeof segmentSettings>;
/** What a caller may give. */
export type SegmentSettingsInput = z.input<typeof segmentSettings>;

/** Cellpose 3.0.11's defaults (models.Cellpose.eval): what a setting left out becomes. */
export const CELLPOSE_DEFAULTS: Readonly<SegmentSettings> = Object.freeze(segmentSettings.parse({}));
