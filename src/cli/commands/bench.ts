// `celldesk bench`: the one-click hardware benchmark (see [Note: benchmark protocol]) with a progress bar on stderr
// and the published-style table (size x provider, mean +- SD, speed-up) at the end.
import { onnxRuntimeBackend } from '../../engine/backend/onnxruntime';
import { EXECUTION_PROVIDERS, type ExecutionProvider } from '../../engine/backend/types';
import { describeDevice } from '../../engine/bench/fingerprint';
import { defaultBenchmarkChannels, loadBenchmarkImage } from '../../engine/bench/benchmarkImage';
import { runBenchmark } from '../../engine/bench/runBenchmark';
import type { BenchmarkEvent, BenchmarkReport, ProviderResult } from '../../engine/bench/types';
import { InvalidSettingError } from '../../engine/errors';
import { HistoryStore } from '../../engine/history/historyStore';
import { ModelManager } from '../../engine/models/modelManager';
import { describeAdapter, providerLabel } from '../../shared/bench/providerLabel';
import { parseCropSizes } from '../../shared/bench/cropSizes';
import type { CropSize } from '../../shared/contract';
import { parseCommandLine, print, type CommandHandler } from '../io';
import { channelsOption } from './segment';

const USAGE =
  'celldesk bench [--image PATH] [--channels c1,c2] [--model cyto3] [--size-model NPY] [--sizes 224,448,...,full] ' +
  '[--iterations 5] [--ep cpu,webgpu,cuda,coreml,dml] [--no-diameter] [--json] [--no-history]';

function sizesOption(text: string | undefined): CropSize[] | undefined {
  if (text === undefined) return undefined;
  const read = parseCropSizes(text);
  if (!read.ok) throw new InvalidSettingError(`--sizes takes crop sides in pixels and 'full', such as 224,448,full; got '${text}'. ${read.message}`);
  return read.sizes ?? undefined;
}

function providersOption(text: string | undefined): ExecutionProvider[] | undefined {
  if (text === undefined) return undefined;
  return text.split(',').map((part) => {
    const name = part.trim();
    if (!(EXECUTION_PROVIDERS as readonly string[]).includes(name)) {
      throw new InvalidSettingError(`--ep takes a list of ${EXECUTION_PROVIDERS.join(', ')}; got '${name}'.`);
    }
    return name as ExecutionProvider;
  });
}

function iterationsOption(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === '' || !Number.isInteger(value)) throw new InvalidSettingError(`--iterations needs a whole number; got '${text}'.`);
  return value;
}

const seconds = (ms: number) => (ms / 1000).toFixed(2);
const onAdapter = (result: ProviderResult) => (result.adapter === null ? '' : `, on ${describeAdapter(result.adapter)}`);

/** A bar redrawn in place on a terminal; one line per sample elsewhere (logs, pipes, CI). */
class ProgressDisplay {
  private barShown = false;
  private done = 0;
  private planned = 0;

  constructor(
    private readonly stream: NodeJS.WritableStream,
    private readonly interactive: boolean,
  ) {}

  onEvent(event: BenchmarkEvent): void {
    switch (event.type) {
      case 'started':
        this.planned = event.plannedSamples;
        this.line(`Benchmark ${event.run.uuid}: ${event.plannedSamples} samples on ${event.run.protocol.providers.join(', ')}`);
        break;
      case 'provider': {
        this.planned = event.plannedSamples;
        const r = event.result;
        this.line(r.available ? `${r.provider}: session ${seconds(r.sessionMs!)} s, first run ${seconds(r.firstRunMs!)} s${onAdapter(r)}` : `${r.provider}: not available (${r.reason})`);
        break;
      }
      case 'sample': {
        const s = event.sample;
        const text = `${s.provider} ${s.width}x${s.height} #${s.iteration}: ${seconds(s.totalMs)} s, ${s.maskCount} masks, diameter ${s.diameter.toFixed(1)}`;
        if (this.interactive) this.bar(event.done, event.plannedSamples, text);
        else this.line(`[${event.done}/${event.plannedSamples}] ${text}`);
        this.done = event.done;
        this.planned = event.plannedSamples;
        break;
      }
      case 'stage':
        if (this.interactive) {
          const what = event.iteration === 0 ? 'warm-up' : `#${event.iteration}`;
          this.bar(this.done, this.planned, `${event.provider} ${event.size} ${what} ${event.progress.stage} ${event.progress.done}/${event.progress.total}`);
        }
        break;
    }
  }

  private bar(done: number, planned: number, text: string): void {
    const width = 24;
    const filled = planned === 0 ? 0 : Math.round((width * done) / planned);
    this.stream.write(`\r\x1b[2K[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${planned} ${text}`);
    this.barShown = true;
  }

  line(text: string): void {
    if (this.barShown) this.stream.write('\r\x1b[2K');
    this.barShown = false;
    this.stream.write(`${text}\n`);
  }

  end(): void {
    if (this.barShown) this.stream.write('\r\x1b[2K');
    this.barShown = false;
  }
}

function meanSd(row: { meanMs: number; sdMs: number | null; n: number }): string {
  return `${seconds(row.meanMs)} ± ${row.sdMs === null ? '-' : seconds(row.sdMs)} (n=${row.n})`;
}

/** The report as text: what was measured where, then the table of the published benchmark. */
export function formatBenchmarkReport(report: BenchmarkReport): string {
  const fp = report.fingerprint;
  const lines = [
    `Benchmark ${report.uuid} (${report.status}${report.error === null ? '' : `: ${report.error}`})`,
    `Started    ${report.startedAt}${report.finishedAt === null ? '' : `, finished ${report.finishedAt}`}`,
    `Device     ${describeDevice(fp.hardware)} [id ${report.deviceId}]`,
    `Software   ${fp.os.name} (${fp.os.release}), CellDesk ${fp.appVersion}, ONNX Runtime ${fp.onnxRuntimeVersion}, Node ${fp.nodeVersion}` +
      (fp.gpuDrivers.some((g) => g.driver !== null) ? `, GPU driver ${fp.gpuDrivers.flatMap((g) => (g.driver === null ? [] : [g.driver])).join(', ')}` : ''),
    `Model      ${report.model.name} (sha256 ${report.model.sha256.slice(0, 12)})`,
    `Image      ${report.image.name}, ${report.image.width} x ${report.image.height}, channels ${report.protocol.channels.join(',')}, ` +
      `${report.protocol.estimateDiameter ? 'diameter estimated on every image' : 'diameter 30'}, ${report.protocol.iterations} iterations`,
  ];
  report.providers.forEach((p, i) => {
    const text = p.available ? `session ${seconds(p.sessionMs!)} s (cold), first run ${seconds(p.firstRunMs!)} s${onAdapter(p)}` : `not available: ${p.reason}`;
    lines.push(`${i === 0 ? 'Providers ' : '          '} ${p.provider}: ${text}`);
  });
  const providers = EXECUTION_PROVIDERS.filter((p) => report.summary.some((r) => r.provider === p));
  const compared = providers.filter((p) => p !== 'cpu' && providers.includes('cpu'));
  const label = (provider: ExecutionProvider) => providerLabel(provider, report.providers);
  const header = ['size (px)', ...providers.map((p) => `${label(p)} mean ± SD (s)`), ...compared.map((p) => `${label(p)} speed-up`)];
  const rows: string[][] = [];
  for (const size of [...new Set(report.summary.map((r) => r.size))]) {
    const cells = report.summary.filter((r) => r.size === size);
    const first = cells[0]!;
    rows.push([
      size === 'full' ? `full ${first.width} x ${first.height}` : `${first.width} x ${first.height}`,
      ...providers.map((p) => {
        const row = cells.find((r) => r.provider === p);
        return row === undefined ? '' : meanSd(row);
      }),
      ...compared.map((p) => {
        const row = cells.find((r) => r.provider === p);
        if (row?.speedup == null) return '';
        const pct = row.improvementPct!;
        return `${row.speedup.toFixed(2)}x (${Math.abs(pct).toFixed(1)}% ${pct >= 0 ? 'less' : 'more'} time)`;
      }),
    ]);
  }
  if (rows.length === 0) return [...lines, '', 'No samples were measured.'].join('\n');
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const format = (cells: string[]) => cells.map((cell, c) => cell.padEnd(widths[c]!)).join('   ').trimEnd();
  return [...lines, '', format(header), format(widths.map((w) => '-'.repeat(w))), ...rows.map(format)].join('\n');
}

export const benchCommand: CommandHandler = async (argv, io) => {
  const { values, positionals } = parseCommandLine(
    {
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        image: { type: 'string' },
        channels: { type: 'string' },
        model: { type: 'string' },
        'size-model': { type: 'string' },
        sizes: { type: 'string' },
        iterations: { type: 'string' },
        ep: { type: 'string' },
        'no-diameter': { type: 'boolean' },
        json: { type: 'boolean' },
        'no-history': { type: 'boolean' },
      },
    },
    USAGE,
  );
  if (positionals.length > 0) throw new InvalidSettingError(`bench takes no file names without an option; use --image.\nUsage: ${USAGE}`);
  const sizes = sizesOption(values.sizes);
  const providers = providersOption(values.ep);
  const iterations = iterationsOption(values.iterations);
  const channels = channelsOption(values.channels) ?? defaultBenchmarkChannels(values.image);
  const image = await loadBenchmarkImage(values.image);

  const manager = new ModelManager({ env: io.env });
  const history = values['no-history'] === true ? undefined : HistoryStore.open(manager.paths.databaseFile);
  const progress = new ProgressDisplay(io.stderr, (io.stderr as NodeJS.WriteStream).isTTY === true);
  const controller = new AbortController();
  const cancel = () => controller.abort();
  process.once('SIGINT', cancel);
  try {
    const report = await runBenchmark(
      { manager, backend: onnxRuntimeBackend, recorder: history },
      {
        model: values.model ?? 'cyto3',
        sizeModelPath: values['size-model'],
        image,
        channels,
        sizes,
        iterations,
        providers,
        estimateDiameter: values['no-diameter'] !== true,
      },
      { signal: controller.signal, onEvent: (event) => progress.onEvent(event) },
    );
    progress.end();
    print(io.stdout, values.json === true ? JSON.stringify(report) : formatBenchmarkReport(report));
    return report.status === 'cancelled' ? 130 : 0;
  } finally {
    progress.end();
    process.removeListener('SIGINT', cancel);
    history?.close();
    manager.close();
  }
};
