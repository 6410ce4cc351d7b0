// `celldesk history list | show <run> | export <run...> --out FILE [--csv] | import FILE | repair`: the run history.
import { readFile } from 'node:fs/promises';
import { describeDevice } from '../../engine/bench/fingerprint';
import { InvalidSettingError } from '../../engine/errors';
import { exportCsv, exportJson, exportRuns, HistoryImportError, importRuns, parseExport } from '../../engine/history/historyExport';
import { HistoryStore } from '../../engine/history/historyStore';
import type { RunKind, SegmentationRunRecord } from '../../engine/history/records';
import { appPathsFor } from '../../engine/io/appPaths';
import { repairDatabase, type TableRepair } from '../../engine/storage/repairDatabase';
import { writeFileAtomically } from '../../engine/io/atomicWrite';
import { prepareOutputFile } from '../../engine/io/outputPaths';
import { parseCommandLine, print, type CliIO } from '../io';
import { subcommandDispatcher } from '../subcommands';
import { formatBenchmarkReport } from './bench';

const USAGES = {
  list: 'celldesk history list [--limit 20] [--json]',
  show: 'celldesk history show <run> [--json]',
  export: 'celldesk history export <run...> | --all --out <file> [--csv]',
  import: 'celldesk history import <file.json> [--json]',
  repair: 'celldesk history repair [--json]',
};

/** Runs the subcommand on the history of the data folder that io.env selects (see [Note: data folder]). */
async function withHistory<T>(io: CliIO, work: (store: HistoryStore) => Promise<T> | T): Promise<T> {
  return HistoryStore.use(appPathsFor(io.env).databaseFile, work);
}

const shortId = (uuid: string) => uuid.slice(0, 8);
const minute = (iso: string) => iso.slice(0, 16).replace('T', ' ');

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) => r.map((cell, c) => cell.padEnd(widths[c]!)).join('  ').trimEnd());
}

async function list(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseCommandLine({ args: argv, strict: true, options: { limit: { type: 'string' }, json: { type: 'boolean' } } }, USAGES.list);
  const limit = values.limit === undefined ? 20 : Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1) throw new InvalidSettingError(`--limit needs a whole number from 1; got '${values.limit}'.`);
  return withHistory(io, (store) => {
    const benchmarks = store.listBenchmarkRuns();
    const segmentations = store.listSegmentationRuns(limit);
    if (values.json === true) {
      print(io.stdout, JSON.stringify({ benchmarkRuns: benchmarks, segmentationRuns: segmentations }));
      return 0;
    }
    print(io.stdout, `Benchmark runs (${benchmarks.length})`);
    if (benchmarks.length === 0) print(io.stdout, '  none yet: celldesk bench measures this computer');
    else {
      const rows = benchmarks.map((r) => [
        shortId(r.uuid),
        minute(r.startedAt),
        r.status + (r.imported ? ' (imported)' : ''),
        String(r.samples),
        r.providers.join(',') || '-',
        `${r.imageName} ${r.imageWidth}x${r.imageHeight}`,
        r.modelName,
        r.device,
      ]);
      table([['id', 'started (UTC)', 'status', 'samples', 'providers', 'image', 'model', 'device'], ...rows]).forEach((l) => print(io.stdout, `  ${l}`));
    }
    print(io.stdout);
    print(io.stdout, `Segmentation runs (latest ${limit})`);
    if (segmentations.length === 0) print(io.stdout, '  none yet: celldesk segment records each run');
    else {
      const rows = segmentations.map((r) => [
        shortId(r.uuid),
        minute(r.recordedAt),
        String(r.maskCount),
        r.diameter.toFixed(1),
        r.provider,
        ((r.timings.total ?? 0) / 1000).toFixed(2),
        `${r.image.name} ${r.image.width}x${r.image.height}`,
        r.model.name,
      ]);
      table([['id', 'recorded (UTC)', 'masks', 'diameter', 'provider', 'time (s)', 'image', 'model'], ...rows]).forEach((l) => print(io.stdout, `  ${l}`));
    }
    return 0;
  });
}

function formatSegmentation(run: SegmentationRunRecord): string {
  const stages = Object.entries(run.timings).map(([stage, ms]) => `${stage} ${(ms / 1000).toFixed(2)} s`);
  return [
    `Segmentation ${run.uuid}`,
    `Recorded   ${run.recordedAt}`,
    `Device     ${describeDevice(run.fingerprint.hardware)} [id ${run.deviceId}]`,
    `Software   CellDesk ${run.fingerprint.appVersion}, ONNX Runtime ${run.fingerprint.onnxRuntimeVersion}`,
    `Image      ${run.image.name}, ${run.image.width} x ${run.image.height}, ${run.image.channels} channels (sha256 ${run.image.sha256.slice(0, 12)})`,
    `Model      ${run.model.name} (sha256 ${run.model.sha256.slice(0, 12)})`,
    `Settings   ${JSON.stringify(run.settings)}`,
    `Result     ${run.maskCount} masks, diameter ${run.diameter.toFixed(2)} px, on ${run.provider}`,
    `Timings    ${stages.join(', ')}`,
  ].join('\n');
}

async function show(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandLine({ args: argv, allowPositionals: true, strict: true, options: { json: { type: 'boolean' } } }, USAGES.show);
  if (positionals.length !== 1) throw new InvalidSettingError(`history show needs one run id.\nUsage: ${USAGES.show}`);
  return withHistory(io, (store) => {
    const { kind, uuid } = store.findRun(positionals[0]!);
    const run = kind === 'benchmark' ? store.benchmarkRun(uuid) : store.segmentationRun(uuid);
    if (values.json === true) print(io.stdout, JSON.stringify({ kind, ...run }));
    else print(io.stdout, kind === 'benchmark' ? formatBenchmarkReport(store.benchmarkRun(uuid)) : formatSegmentation(store.segmentationRun(uuid)));
    return 0;
  });
}

async function exportCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandLine(
    { args: argv, allowPositionals: true, strict: true, options: { out: { type: 'string' }, csv: { type: 'boolean' }, all: { type: 'boolean' } } },
    USAGES.export,
  );
  const all = values.all === true;
  if (values.out === undefined || (positionals.length === 0) === !all) {
    throw new InvalidSettingError(`history export needs run ids (or --all, not both) and --out.\nUsage: ${USAGES.export}`);
  }
  const out = values.out;
  await prepareOutputFile(out);
  return withHistory(io, async (store) => {
    const runs: { kind: RunKind; uuid: string }[] = all
      ? [
          ...store.listBenchmarkRuns().map((r) => ({ kind: 'benchmark' as const, uuid: r.uuid })),
          ...store.listSegmentationRuns(Number.MAX_SAFE_INTEGER).map((r) => ({ kind: 'segmentation' as const, uuid: r.uuid })),
        ]
      : [...new Map(positionals.map((id) => store.findRun(id)).map((r) => [r.uuid, r])).values()];
    const doc = exportRuns(store, runs);
    await writeFileAtomically(out, values.csv === true ? exportCsv(doc) : exportJson(doc));
    print(io.stdout, `Exported ${doc.benchmarkRuns.length} benchmark and ${doc.segmentationRuns.length} segmentation runs to ${out}`);
    return 0;
  });
}

async function importCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandLine({ args: argv, allowPositionals: true, strict: true, options: { json: { type: 'boolean' } } }, USAGES.import);
  const [file] = positionals;
  if (file === undefined || positionals.length > 1) throw new InvalidSettingError(`history import needs one file.\nUsage: ${USAGES.import}`);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new HistoryImportError(file, code === 'ENOENT' ? 'there is no such file' : `it cannot be read (${code})`);
  }
  const doc = parseExport(file, text);
  return withHistory(io, (store) => {
    const result = importRuns(store, doc);
    if (values.json === true) print(io.stdout, JSON.stringify(result));
    else print(io.stdout, `Imported ${result.benchmarkRuns} benchmark and ${result.segmentationRuns} segmentation runs from ${file}; ${result.skipped} already in the history were skipped.`);
    return 0;
  });
}

const TABLE_NAMES: Record<TableRepair['table'], string> = {
  models: 'models',
  devices: 'devices',
  benchmark_runs: 'benchmark runs',
  benchmark_providers: 'benchmark providers',
  benchmark_samples: 'benchmark samples',
  segmentation_runs: 'segmentation runs',
};

function repairLine(table: TableRepair): string {
  const lost = table.counted === null ? (table.damagedParts > 0 ? ', some could not be read' : '') : table.counted > table.kept ? `, ${table.counted - table.kept} could not be kept` : '';
  return `${TABLE_NAMES[table.table].padEnd(20)} ${String(table.kept).padStart(6)} kept${lost}`;
}

async function repair(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandLine({ args: argv, allowPositionals: true, strict: true, options: { json: { type: 'boolean' } } }, USAGES.repair);
  if (positionals.length > 0) throw new InvalidSettingError(`history repair takes no arguments.\nUsage: ${USAGES.repair}`);
  const report = repairDatabase(appPathsFor(io.env).databaseFile);
  if (values.json === true) print(io.stdout, JSON.stringify(report));
  else if (report.status === 'sound') print(io.stdout, `The database ${report.file} is sound; nothing was changed.`);
  else {
    print(io.stdout, `The database ${report.file} was damaged. It is kept as ${report.setAside}, and a new one was built from what could still be read:`);
    for (const table of report.tables) print(io.stdout, `  ${repairLine(table)}`);
    if (report.devicesRebuilt > 0) print(io.stdout, `  (${report.devicesRebuilt} device record(s) rebuilt from the runs' fingerprints)`);
  }
  return 0;
}

export const historyCommand = subcommandDispatcher('history', {
  list: { handler: list, usage: USAGES.list },
  show: { handler: show, usage: USAGES.show },
  export: { handler: exportCommand, usage: USAGES.export },
  import: { handler: importCommand, usage: USAGES.import },
  repair: { handler: repair, usage: USAGES.repair },
});
