// The Benchmark and History views' charts and results table, computed from benchmark samples: per crop size and
// provider the mean and sample SD, the speed-up and % improvement against the CPU of the same run, and the mean
// milliseconds of each pipeline stage; several runs overlay on one chart. Pure, runs anywhere (see
// [Note: viewer helpers in src/shared] for why renderer helpers live here).
import { EXECUTION_PROVIDERS, type ExecutionProvider } from '../engineTypes';
import type { BenchmarkSample, CropSize, DeviceHardware, ProviderResult, SummaryRow } from '../benchTypes';
import { sortSizes } from './cropSizes';
import { providerLabel } from './providerLabel';
import { mean, orderStages, summarize } from './statistics';

/** One benchmark run as the charts see it: finished (from the history) or filling in live. */
export interface ChartRun {
  uuid: string;
  /** The computer it ran on, in a few words (deviceLabel). */
  device: string;
  startedAt: string;
  samples: readonly BenchmarkSample[];
  /** What each provider ran on: a software GPU is named so in the legends. */
  providers: readonly ProviderResult[];
}

/** One row of the results table: a provider on a crop size in one run, with its stages' mean milliseconds. */
export interface SizeStats extends SummaryRow {
  stageMeans: Record<string, number>;
}

export type ChartId = 'time' | 'speedup' | 'improvement' | 'stages';

export interface ChartTrace {
  name: string;
  kind: 'line' | 'bar';
  /** Crop size labels; for the stage chart, paired with `group` (which run and provider each bar is). */
  x: string[];
  group?: string[];
  y: number[];
  /** Error bar half-heights (SD), where the chart has them. */
  errorY?: number[];
  colour: string;
}

export interface ChartFigure {
  id: ChartId;
  title: string;
  yTitle: string;
  logY: boolean;
  /** Bars stacked (stage chart) rather than side by side. */
  stacked: boolean;
  /** Every crop size on the x axis, smallest first. */
  categories: string[];
  traces: ChartTrace[];
  /** What the chart says while it has no trace. */
  emptyText: string;
}

const NO_SAMPLES = 'no samples yet';
const NOTHING_TO_COMPARE = 'needs the CPU and another provider on the same crop size';

const PALETTE = ['#1c7ed6', '#e8590c', '#2f9e44', '#ae3ec9', '#f08c00', '#0c8599', '#e03131', '#5c940d', '#6741d9', '#868e96'];

const providerRank = (provider: ExecutionProvider) => EXECUTION_PROVIDERS.indexOf(provider);

/** A computer in a few words for legends: its CPU, and its first GPU where it has one. */
export function deviceLabel(hardware: DeviceHardware): string {
  const cpu = hardware.cpuModel.replace(/\s+/g, ' ').trim() || `${hardware.arch} CPU`;
  return hardware.gpus.length > 0 ? `${cpu} + ${hardware.gpus[0]}` : cpu;
}

/** The results table of one run: one row per crop size and provider, sizes smallest first, the CPU first. */
export function summarizeSamples(samples: readonly BenchmarkSample[]): SizeStats[] {
  return summarize(samples).map((row) => {
    const group = samples.filter((sample) => sample.provider === row.provider && sample.size === row.size);
    const stageMeans: Record<string, number> = {};
    for (const stage of new Set(group.flatMap((sample) => Object.keys(sample.stages)))) stageMeans[stage] = mean(group.map((sample) => sample.stages[stage] ?? 0));
    return { ...row, stageMeans };
  });
}

/** When a run started, to the second, as recorded (UTC): tells runs of one computer apart in a legend. */
export function runDate(startedAt: string): string {
  return startedAt.slice(0, 19).replace('T', ' ');
}

/** A series' legend entry: the provider alone for one run; device, date and provider when runs overlay. */
export function seriesName(run: ChartRun, provider: ExecutionProvider, runCount: number): string {
  const label = providerLabel(provider, run.providers);
  return runCount > 1 ? `${run.device} · ${runDate(run.startedAt)} · ${label}` : label;
}

interface Series {
  name: string;
  colour: string;
  rows: SizeStats[];
}

/** One series per run and provider, each with its own colour, in run order then provider order. */
function seriesOf(runs: readonly ChartRun[]): Series[] {
  const series: Series[] = [];
  for (const run of runs) {
    const rows = summarizeSamples(run.samples);
    const providers = [...new Set(rows.map((row) => row.provider))].sort((a, b) => providerRank(a) - providerRank(b));
    for (const provider of providers) {
      series.push({ name: seriesName(run, provider, runs.length), colour: PALETTE[series.length % PALETTE.length]!, rows: rows.filter((row) => row.provider === provider) });
    }
  }
  return series;
}

/** A crop size as the charts' x axis names it: '224', 'full'. */
const label = (size: CropSize) => String(size);

function allSizes(runs: readonly ChartRun[]): string[] {
  return sortSizes(runs.flatMap((run) => run.samples.map((sample) => sample.size))).map(label);
}

/** (a) Time per segmentation against crop size, one line per run and provider: mean with SD error bars. */
export function timeFigure(runs: readonly ChartRun[]): ChartFigure {
  return {
    id: 'time',
    title: 'Time per image',
    yTitle: 'ms (mean ± SD)',
    logY: false,
    stacked: false,
    categories: allSizes(runs),
    emptyText: NO_SAMPLES,
    traces: seriesOf(runs).map(({ name, colour, rows }) => ({
      name,
      kind: 'line',
      colour,
      x: rows.map((row) => label(row.size)),
      y: rows.map((row) => row.meanMs),
      errorY: rows.map((row) => row.sdMs ?? 0),
    })),
  };
}

/** Series of the non-CPU providers, with the sizes where the CPU of their run measured the same size. */
function againstCpu(runs: readonly ChartRun[], value: (row: SizeStats) => number | null, kind: ChartTrace['kind']): ChartTrace[] {
  return seriesOf(runs)
    .map(({ name, colour, rows }) => {
      const compared = rows.filter((row) => value(row) !== null);
      return { name, kind, colour, x: compared.map((row) => label(row.size)), y: compared.map((row) => value(row)!) };
    })
    .filter((trace) => trace.x.length > 0);
}

/** (b) Speed-up against the CPU (CPU mean / provider mean), on a log axis. */
export function speedupFigure(runs: readonly ChartRun[]): ChartFigure {
  return {
    id: 'speedup',
    title: 'Speed-up vs CPU',
    yTitle: '× faster than CPU (log)',
    logY: true,
    stacked: false,
    categories: allSizes(runs),
    emptyText: NOTHING_TO_COMPARE,
    traces: againstCpu(runs, (row) => row.speedup, 'line'),
  };
}

/** (c) Improvement against the CPU in per cent of the CPU's time. */
export function improvementFigure(runs: readonly ChartRun[]): ChartFigure {
  return {
    id: 'improvement',
    title: 'Improvement vs CPU',
    yTitle: '% less time than CPU',
    logY: false,
    stacked: false,
    categories: allSizes(runs),
    emptyText: NOTHING_TO_COMPARE,
    traces: againstCpu(runs, (row) => row.improvementPct, 'bar'),
  };
}

/** (d) Mean milliseconds per stage, stacked, one bar per crop size and series (run and provider). */
export function stageFigure(runs: readonly ChartRun[]): ChartFigure {
  const series = seriesOf(runs);
  const bars = series.flatMap(({ name, rows }) => rows.map((row) => ({ name, row })));
  const order = sortSizes(bars.map((bar) => bar.row.size));
  bars.sort((a, b) => order.indexOf(a.row.size) - order.indexOf(b.row.size));
  const stages = orderStages(bars.flatMap((bar) => Object.keys(bar.row.stageMeans)));
  return {
    id: 'stages',
    title: 'Time per stage',
    yTitle: 'ms (mean)',
    logY: false,
    stacked: true,
    categories: order.map(label),
    emptyText: NO_SAMPLES,
    traces: stages.map((stage, k) => ({
      name: stage,
      kind: 'bar',
      colour: PALETTE[k % PALETTE.length]!,
      x: bars.map((bar) => label(bar.row.size)),
      group: bars.map((bar) => bar.name),
      y: bars.map((bar) => bar.row.stageMeans[stage] ?? 0),
    })),
  };
}

/** The four charts of the benchmark protocol, in the order the views show them. */
export function benchmarkFigures(runs: readonly ChartRun[]): ChartFigure[] {
  return [timeFigure(runs), speedupFigure(runs), improvementFigure(runs), stageFigure(runs)];
}
