// The CLI's side of [Note: run estimates]: before an image is segmented, a run estimated to be large is shown with
// its estimate, and goes ahead only if the user says yes (on a terminal) or gave --yes (scripts).
import { totalmem } from 'node:os';
import type { OpenedModel } from '../engine/io/openModel';
import { describeEstimate, estimateSegmentation, isLargeRun, LargeRunError, type RunEstimate } from '../engine/pipeline/estimateRun';
import type { SegmentSettings } from '../engine/pipeline/settings';
import { askYesNo, print, type CliIO } from './io';

export interface LargeRunPolicy {
  /** --yes: go ahead without asking. */
  yes: boolean;
  /** --confirm-above, in seconds. */
  largeSeconds: number;
}

/** The run's estimate, once it may go ahead; LargeRunError when it is large and nobody said yes. */
export async function confirmLargeRun(
  io: CliIO,
  run: { imagePath: string; width: number; height: number; planes: number; settings: SegmentSettings; model: OpenedModel },
  policy: LargeRunPolicy,
): Promise<RunEstimate> {
  const { width, height, planes, settings, model } = run;
  const estimate = estimateSegmentation(width, height, settings, model, planes);
  const memory = totalmem();
  if (!isLargeRun(estimate, memory, policy.largeSeconds) || policy.yes) return estimate;
  const size = { width, height, diameter: settings.diameter, planes };
  const refused = (whatThen: string) => new LargeRunError(size, estimate, memory, whatThen);
  if (io.stdin?.isTTY !== true) throw refused('Add --yes to segment it anyway (or raise --confirm-above), or crop the image first.');
  print(io.stderr, `${run.imagePath} (${width} x ${height}${planes > 1 ? `, ${planes} planes` : ''}) would take ${describeEstimate(estimate, memory)}.`);
  if (await askYesNo(io, 'Segment it anyway?')) return estimate;
  throw refused('You chose not to.');
}
