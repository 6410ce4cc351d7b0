// Moving runs between machines: export runs from the history as JSON (complete, re-importable) or CSV (one row per
// measurement, for spreadsheets), and import JSON exported elsewhere; Node side (CLI, Electron main).
// [Note: history import] An import file is checked whole against the schema (zod) before anything is written, then
// written in one transaction: a damaged or foreign file is refused with the place of its first problem and the
// history stays exactly as it was. Runs already present (same uuid) are skipped, so importing the same file twice,
// or files that overlap, adds each run once.
import { z } from 'zod';
import { cropSizeFromText } from '../../shared/bench/cropSizes';
import { orderStages } from '../../shared/bench/statistics';
import {
  benchmarkProtocol,
  benchmarkReport,
  benchmarkSample,
  cropSize,
  deviceRecord,
  providerResult,
  segmentationRunRecord,
  type ImportResult,
  type RunKind,
} from '../../shared/benchTypes';
import { CellDeskError } from '../errors';
import { ENGINE_VERSION } from '../version';
import type { HistoryStore } from './historyStore';

export const EXPORT_FORMAT = 'celldesk-history';
export const EXPORT_VERSION = 1;

/** An import file that is not a CellDesk history export, or is damaged. */
export class HistoryImportError extends CellDeskError {
  constructor(file: string, problem: string) {
    super(
      'HISTORY_IMPORT',
      `${file} cannot be imported: ${problem}. Nothing was imported; the history is unchanged. Import the .json file made by 'celldesk history export' (not the CSV), copied whole.`,
      { file, problem },
    );
  }
}

/** A crop size; files exported before crop sizes were numbers give them as text ('224'). */
const storedCropSize = z.union([
  cropSize,
  z.string().transform((text, context) => cropSizeFromText(text) ?? (context.addIssue({ code: 'custom', message: 'expected a crop size' }), z.NEVER)),
]);

// The history's own records (src/shared/benchTypes.ts), as a file carries them.
const benchmarkRunSchema = benchmarkReport.omit({ summary: true }).extend({
  protocol: benchmarkProtocol.extend({ sizes: z.array(storedCropSize).min(1) }),
  samples: z.array(benchmarkSample.extend({ size: storedCropSize })),
  // Exports made before CellDesk recorded the adapter have none.
  providers: z.array(providerResult.extend({ adapter: providerResult.shape.adapter.default(null) })),
});

const exportSchema = z
  .object({
    format: z.literal(EXPORT_FORMAT),
    version: z.literal(EXPORT_VERSION),
    exportedAt: z.iso.datetime(),
    appVersion: z.string(),
    devices: z.array(deviceRecord),
    benchmarkRuns: z.array(benchmarkRunSchema),
    segmentationRuns: z.array(segmentationRunRecord),
  })
  .superRefine((doc, context) => {
    const devices = new Set(doc.devices.map((d) => d.id));
    const runs = [...doc.benchmarkRuns.map((r, i) => ['benchmarkRuns', i, r.deviceId] as const), ...doc.segmentationRuns.map((r, i) => ['segmentationRuns', i, r.deviceId] as const)];
    for (const [list, index, deviceId] of runs) {
      if (!devices.has(deviceId)) context.addIssue({ code: 'custom', path: [list, index, 'deviceId'], message: `device ${deviceId} is not among the file's devices` });
    }
    const uuids = new Set<string>();
    for (const [list, index, uuid] of [...doc.benchmarkRuns.map((r, i) => ['benchmarkRuns', i, r.uuid] as const), ...doc.segmentationRuns.map((r, i) => ['segmentationRuns', i, r.uuid] as const)]) {
      if (uuids.has(uuid)) context.addIssue({ code: 'custom', path: [list, index, 'uuid'], message: `run ${uuid} is listed twice` });
      uuids.add(uuid);
    }
    doc.benchmarkRuns.forEach((run, r) => {
      const keys = new Set<string>();
      run.samples.forEach((s, i) => {
        const key = `${s.provider} ${s.size} #${s.iteration}`;
        if (keys.has(key)) context.addIssue({ code: 'custom', path: ['benchmarkRuns', r, 'samples', i], message: `sample ${key} is listed twice` });
        keys.add(key);
      });
      const providers = new Set(run.providers.map((p) => p.provider));
      if (providers.size !== run.providers.length) context.addIssue({ code: 'custom', path: ['benchmarkRuns', r, 'providers'], message: 'a provider is listed twice' });
    });
  });

export type BenchmarkRunExport = z.output<typeof benchmarkRunSchema>;
export type HistoryExport = z.output<typeof exportSchema>;

/** The runs (benchmark or segmentation, by uuid) as one export document, with the devices they ran on. */
export function exportRuns(store: HistoryStore, runs: readonly { kind: RunKind; uuid: string }[]): HistoryExport {
  const benchmarkRuns = runs.filter((r) => r.kind === 'benchmark').map((r) => {
    const { summary: _summary, ...run } = store.benchmarkRun(r.uuid);
    return run;
  });
  const segmentationRuns = runs.filter((r) => r.kind === 'segmentation').map((r) => store.segmentationRun(r.uuid));
  const deviceIds = [...new Set([...benchmarkRuns, ...segmentationRuns].map((r) => r.deviceId))];
  const devices = deviceIds.map((id) => {
    const device = store.device(id);
    if (device === undefined) throw new Error(`run of device ${id} without its device row`);
    return device;
  });
  return { format: EXPORT_FORMAT, version: EXPORT_VERSION, exportedAt: new Date().toISOString(), appVersion: ENGINE_VERSION, devices, benchmarkRuns, segmentationRuns };
}

/** The export document as the JSON file `import` reads. */
export function exportJson(doc: HistoryExport): string {
  return `${JSON.stringify(doc, null, 1)}\n`;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '');
  return path === '' ? issue.message : `${path}: ${issue.message}`;
}

/** The file's text as an export document, or HistoryImportError naming the first problem. */
export function parseExport(file: string, text: string): HistoryExport {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new HistoryImportError(file, `it is not valid JSON (${(error as Error).message})`);
  }
  if (typeof json !== 'object' || json === null || (json as { format?: unknown }).format !== EXPORT_FORMAT) {
    throw new HistoryImportError(file, 'it is not a CellDesk history export');
  }
  const parsed = exportSchema.safeParse(json);
  if (!parsed.success) {
    const [first] = parsed.error.issues;
    const more = parsed.error.issues.length - 1;
    throw new HistoryImportError(file, `${describeIssue(first!)}${more > 0 ? ` (and ${more} more problems)` : ''}`);
  }
  return parsed.data;
}

export type { ImportResult } from '../../shared/benchTypes';

const EXPORTED_RUNNING = 'exported while it was still running; it cannot continue here';

/** Adds the document's runs that the history lacks, all in one transaction (see [Note: history import]). */
export function importRuns(store: HistoryStore, doc: HistoryExport): ImportResult {
  const importedAt = new Date().toISOString();
  const result: ImportResult = { benchmarkRuns: 0, segmentationRuns: 0, skipped: 0 };
  store.db.transaction(() => {
    for (const device of doc.devices) store.saveDevice(device.id, device.hardware, importedAt);
    for (const run of doc.benchmarkRuns) {
      if (store.hasRun('benchmark', run.uuid)) {
        result.skipped++;
        continue;
      }
      const [status, error] = run.status === 'running' ? (['interrupted', EXPORTED_RUNNING] as const) : [run.status, run.error];
      store.insertRun(run, status, error, run.finishedAt, { host: null, pid: null, importedAt });
      for (const p of run.providers) store.recordProvider(run.uuid, p);
      for (const s of run.samples) store.recordSample(run.uuid, s);
      result.benchmarkRuns++;
    }
    for (const run of doc.segmentationRuns) {
      if (store.hasRun('segmentation', run.uuid)) {
        result.skipped++;
        continue;
      }
      store.recordSegmentation(run, importedAt);
      result.segmentationRuns++;
    }
  })();
  return result;
}

function csvField(value: string | number | null): string {
  const text = value === null ? '' : String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One row per benchmark sample and per segmentation run, with a column per pipeline stage (ms). */
export function exportCsv(doc: HistoryExport): string {
  const stageNames = new Set<string>();
  for (const run of doc.benchmarkRuns) for (const s of run.samples) Object.keys(s.stages).forEach((k) => stageNames.add(k));
  for (const run of doc.segmentationRuns) Object.keys(run.timings).filter((k) => k !== 'total').forEach((k) => stageNames.add(k));
  const stages = orderStages(stageNames);
  const header = ['kind', 'run_uuid', 'device_id', 'cpu', 'gpus', 'status', 'model_name', 'model_sha256', 'image_name', 'image_sha256',
    'provider', 'size', 'width', 'height', 'iteration', 'total_ms', 'mask_count', 'diameter', 'measured_at', ...stages.map((s) => `${s}_ms`)];
  const rows: (string | number | null)[][] = [];
  for (const run of doc.benchmarkRuns) {
    const { hardware } = run.fingerprint;
    for (const s of run.samples) {
      rows.push(['benchmark', run.uuid, run.deviceId, hardware.cpuModel, hardware.gpus.join(' + '), run.status, run.model.name, run.model.sha256,
        run.image.name, run.image.sha256, s.provider, s.size, s.width, s.height, s.iteration, s.totalMs, s.maskCount, s.diameter, s.measuredAt,
        ...stages.map((k) => s.stages[k] ?? null)]);
    }
  }
  for (const run of doc.segmentationRuns) {
    const { hardware } = run.fingerprint;
    rows.push(['segmentation', run.uuid, run.deviceId, hardware.cpuModel, hardware.gpus.join(' + '), 'completed', run.model.name, run.model.sha256,
      run.image.name, run.image.sha256, run.provider, 'image', run.image.width, run.image.height, null, run.timings.total ?? null, run.maskCount,
      run.diameter, run.recordedAt, ...stages.map((k) => run.timings[k] ?? null)]);
  }
  return [header, ...rows].map((row) => row.map(csvField).join(',')).join('\n') + '\n';
}
