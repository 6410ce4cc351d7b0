// Benchmark summaries: mean, sample SD and n per provider and crop size, with speed-up against the CPU. Pure; the
// engine's reports and the Benchmark view's live charts compute them with the same functions.
import type { CropSize, SummaryRow } from '../benchTypes';
import { EXECUTION_PROVIDERS, type ExecutionProvider } from '../engineTypes';

/** What a summary needs of a sample. */
export interface TimedSample {
  provider: ExecutionProvider;
  size: CropSize;
  width: number;
  height: number;
  totalMs: number;
}

/** The arithmetic mean; NaN for no values. */
export function mean(values: readonly number[]): number {
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

/** The middle value, or the mean of the two middle values for an even count; NaN for no values. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Sample standard deviation (Bessel's n - 1, as NumPy's std(ddof=1)); null below two values. */
export function sampleSd(values: readonly number[]): number | null {
  if (values.length < 2) return null;
  const m = mean(values);
  let squares = 0;
  for (const v of values) squares += (v - m) * (v - m);
  return Math.sqrt(squares / (values.length - 1));
}

/** Rows ordered by crop area (the full image after crops of equal area), then by provider in the usual order. */
export function summarize(samples: readonly TimedSample[]): SummaryRow[] {
  const groups = new Map<string, TimedSample[]>();
  for (const s of samples) {
    const key = `${s.size}\u0000${s.provider}`;
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [s]);
    else group.push(s);
  }
  const rows: SummaryRow[] = [...groups.values()].map((group) => {
    const { provider, size, width, height } = group[0]!;
    const totals = group.map((s) => s.totalMs);
    return { provider, size, width, height, n: totals.length, meanMs: mean(totals), sdMs: sampleSd(totals), speedup: null, improvementPct: null };
  });
  for (const row of rows) {
    const cpu = rows.find((r) => r.provider === 'cpu' && r.size === row.size);
    if (row.provider === 'cpu' || cpu === undefined) continue;
    row.speedup = cpu.meanMs / row.meanMs;
    row.improvementPct = ((cpu.meanMs - row.meanMs) / cpu.meanMs) * 100;
  }
  const order = (row: SummaryRow) => [row.width * row.height, row.size === 'full' ? 1 : 0, EXECUTION_PROVIDERS.indexOf(row.provider)];
  return rows.sort((a, b) => {
    const [x, y] = [order(a), order(b)];
    return x[0]! - y[0]! || x[1]! - y[1]! || x[2]! - y[2]!;
  });
}

/** The stages timings name, in pipeline order; segmentations time more (cleanup, measure, ...), which follow them. */
const STAGE_ORDER: readonly string[] = ['normalize', 'sizeStyle', 'sizeMasks', 'network', 'resample', 'masks'];

/** The stage names given, each once: the pipeline's in its order, then any other by name. */
export function orderStages(names: Iterable<string>): string[] {
  const present = new Set(names);
  return [...STAGE_ORDER.filter((stage) => present.has(stage)), ...[...present].filter((stage) => !STAGE_ORDER.includes(stage)).sort()];
}
