// Segmentation settings filled in with Cellpose 3.0.11's defaults (declared once, in src/shared/segmentSettings.ts)
// and checked against the ranges the engine accepts, with messages a biologist can act on; runs anywhere.
import { InvalidSettingError } from '../errors';
import { segmentSettings, type ChannelChoice, type SegmentSettings, type SegmentSettingsInput } from '../../shared/engineTypes';
import { CELLPROB_THRESHOLD_RANGE } from '../../shared/segmentControls';

export { CELLPOSE_DEFAULTS, type SegmentSettings, type SegmentSettingsInput } from '../../shared/engineTypes';

/** Settings as Cellpose takes them: a diameter of 0 asks for an estimate (models.Cellpose.eval, `--diameter 0`). */
export type CellposeSettings = Omit<SegmentSettingsInput, 'diameter' | 'channels'> & {
  diameter?: number | 'estimate' | undefined;
  channels?: ChannelChoice | undefined;
};

/** Refuses a given number outside what `ok` accepts; a setting left out takes its default, which is in range. */
function requireNumber(name: string, value: number | undefined, ok: (v: number) => boolean, rule: string): void {
  if (value === undefined) return;
  if (!Number.isFinite(value) || !ok(value)) throw new InvalidSettingError(`${name} must be ${rule}; got ${value}.`, { setting: name, value });
}

const wholeNumber = (low: number, high: number) => (v: number) => Number.isInteger(v) && v >= low && v <= high;

/**
 * Settings with defaults filled in, refused with a clear message when out of range. Cellpose's diameter 0 becomes
 * 'estimate' here, the pipeline's edge, so that the pipeline is called as Cellpose is and nothing past it sees a 0.
 */
export function resolveSettings(given: CellposeSettings): SegmentSettings {
  const { channels, diameter, flowThreshold, cellprobThreshold, minSize, niter, batchSize } = given;
  for (const c of channels ?? []) requireNumber('Each channel', c, wholeNumber(0, 4), 'a whole number from 0 to 4');
  if (diameter !== 0 && diameter !== 'estimate') requireNumber('The diameter', diameter, (v) => v >= 1 && v <= 5000, "'estimate' (or 0) or between 1 and 5000 pixels");
  requireNumber('The flow threshold', flowThreshold, (v) => v >= 0, '0 (off) or more');
  const { min, max } = CELLPROB_THRESHOLD_RANGE;
  requireNumber('The cell probability threshold', cellprobThreshold, (v) => v >= min && v <= max, `between ${min} and ${max}`);
  requireNumber('The minimum mask size', minSize, wholeNumber(-1, Number.MAX_SAFE_INTEGER), 'a whole number of pixels (-1 keeps all)');
  requireNumber('The number of iterations', niter, wholeNumber(1, 100_000), 'a whole number from 1 to 100000');
  requireNumber('The batch size', batchSize, wholeNumber(1, 256), 'a whole number from 1 to 256');
  const parsed = segmentSettings.safeParse(diameter === 0 ? { ...given, diameter: 'estimate' } : given);
  if (!parsed.success) throw new InvalidSettingError(`CellDesk cannot use these segmentation settings: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}.`);
  return parsed.data;
}
