// Segmentation settings, their Cellpose 3.0.11 defaults, and their validation; runs anywhere.
import { InvalidSettingError } from '../errors';
import type { SegmentSettings } from '../../shared/engineTypes';
import { CELLPROB_THRESHOLD_RANGE } from '../../shared/segmentControls';

// Declared with the contract's data types, which the UI reads too (see [Note: contract data types]).
export type { SegmentSettings } from '../../shared/engineTypes';

export const CELLPOSE_DEFAULTS: Readonly<SegmentSettings> = Object.freeze({
  channels: [0, 0] as const,
  diameter: 30,
  flowThreshold: 0.4,
  cellprobThreshold: 0,
  minSize: 15,
  augment: false,
  batchSize: 8,
});

function requireNumber(name: string, value: number, ok: (v: number) => boolean, rule: string): void {
  if (!Number.isFinite(value) || !ok(value)) throw new InvalidSettingError(`${name} must be ${rule}; got ${value}.`, { setting: name, value });
}

/** Settings with defaults filled in, refused with a clear message when out of range. */
export function resolveSettings(partial: Partial<SegmentSettings>): SegmentSettings {
  const settings: SegmentSettings = { ...CELLPOSE_DEFAULTS, ...partial };
  const [c1, c2] = settings.channels;
  for (const c of [c1, c2]) requireNumber('Each channel', c, (v) => Number.isInteger(v) && v >= 0 && v <= 4, 'a whole number from 0 to 4');
  requireNumber('The diameter', settings.diameter, (v) => v === 0 || (v >= 1 && v <= 5000), '0 (estimate) or between 1 and 5000 pixels');
  requireNumber('The flow threshold', settings.flowThreshold, (v) => v >= 0, '0 (off) or more');
  const { min, max } = CELLPROB_THRESHOLD_RANGE;
  requireNumber('The cell probability threshold', settings.cellprobThreshold, (v) => v >= min && v <= max, `between ${min} and ${max}`);
  requireNumber('The minimum mask size', settings.minSize, (v) => Number.isInteger(v) && v >= -1, 'a whole number of pixels (-1 keeps all)');
  if (settings.niter !== undefined) requireNumber('The number of iterations', settings.niter, (v) => Number.isInteger(v) && v >= 1 && v <= 100000, 'a whole number from 1 to 100000');
  requireNumber('The batch size', settings.batchSize, (v) => Number.isInteger(v) && v >= 1 && v <= 256, 'a whole number from 1 to 256');
  return settings;
}
