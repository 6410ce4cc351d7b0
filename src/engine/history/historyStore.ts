// The run history in CellDesk's SQLite database: devices, benchmark runs (recorded live, as the benchmark's
// recorder), segmentation runs, and the queries behind `celldesk history`; Node side (CLI, Electron main).
// See [Note: run history] in src/engine/storage/migrations.ts for the tables.
import { hostname } from 'node:os';
import BetterSqlite3 from 'better-sqlite3';
import type { ExecutionProvider } from '../backend/types';
import { describeDevice, type DeviceFingerprint, type DeviceHardware } from '../bench/fingerprint';
import { cropSizeFromText } from '../../shared/bench/cropSizes';
import { summarize } from '../../shared/bench/statistics';
import type { BenchmarkProtocol, CropSize } from '../../shared/contract';
import type { BenchmarkRecorder, BenchmarkReport, BenchmarkRunInfo, BenchmarkSample, BenchmarkStatus, ProviderResult } from '../bench/types';
import { CellDeskError } from '../errors';
import { processAlive } from '../io/processes';
import { openDatabase, type Database } from '../storage/database';
import { DatabaseAccessError, diagnoseDatabaseFault } from '../storage/databaseFaults';
import type { BenchmarkRunListing, DeviceRecord, RunKind, SegmentationRunRecord } from './records';

/** No run in the history matches what the user typed. */
export class RunNotFoundError extends CellDeskError {
  constructor(reference: string) {
    super('RUN_NOT_FOUND', `No run in the history has the id ${reference}. 'celldesk history list' shows the runs and their ids.`, { reference });
  }
}

/** A shortened id matches several runs. */
export class AmbiguousRunError extends CellDeskError {
  constructor(reference: string, matches: string[]) {
    super('RUN_AMBIGUOUS', `The id ${reference} matches ${matches.length} runs (${matches.join(', ')}); type more of it.`, { reference, matches });
  }
}

/** Deleting a benchmark while it is being measured would pull the rows from under its recorder. */
export class RunInProgressError extends CellDeskError {
  constructor(uuid: string) {
    super('RUN_IN_PROGRESS', `The benchmark ${uuid} is still running; cancel it or let it finish before deleting it.`, { uuid });
  }
}

/** A crop size as the database keeps it: text ('224', 'full'); written by CellDesk, so always one. */
function storedCropSize(text: string): CropSize {
  const size = cropSizeFromText(text);
  if (size === null) throw new Error(`the history holds a sample of crop size ${JSON.stringify(text)}`);
  return size;
}

/** The protocol's JSON; runs recorded before crop sizes were numbers list them as text ('224'). */
function storedProtocol(json: string): BenchmarkProtocol {
  const protocol = JSON.parse(json) as Omit<BenchmarkProtocol, 'sizes'> & { sizes: (CropSize | string)[] };
  return { ...protocol, sizes: protocol.sizes.map((size) => (typeof size === 'string' ? storedCropSize(size) : size)) };
}

export const INTERRUPTED_REASON = 'CellDesk stopped before the run finished (the program was closed, crashed or was killed).';
/** Shortest id prefix accepted, so that a typo does not silently pick a run. */
const MIN_PREFIX = 4;

interface BenchmarkRunRow {
  uuid: string;
  device_id: string;
  status: BenchmarkStatus;
  error: string | null;
  started_at: string;
  finished_at: string | null;
  fingerprint: string;
  model_name: string;
  model_sha256: string;
  image_name: string;
  image_sha256: string;
  image_width: number;
  image_height: number;
  protocol: string;
  imported_at: string | null;
}

interface ProviderRow {
  provider: ExecutionProvider;
  available: number;
  reason: string | null;
  session_ms: number | null;
  first_run_ms: number | null;
  adapter: string | null;
}

interface SampleRow {
  provider: ExecutionProvider;
  size: string;
  width: number;
  height: number;
  iteration: number;
  total_ms: number;
  stages: string;
  mask_count: number;
  diameter: number;
  measured_at: string;
}

interface SegmentationRow {
  uuid: string;
  device_id: string;
  recorded_at: string;
  fingerprint: string;
  image_name: string;
  image_sha256: string;
  image_width: number;
  image_height: number;
  image_channels: number;
  model_name: string;
  model_sha256: string;
  settings: string;
  provider: ExecutionProvider;
  diameter: number;
  mask_count: number;
  timings: string;
}

/** SQLite's failures as DatabaseAccessError; anything else as it is. */
function databaseError(file: string, error: unknown): unknown {
  return error instanceof BetterSqlite3.SqliteError ? new DatabaseAccessError(diagnoseDatabaseFault(file, error), error) : error;
}

function segmentationFromRow(row: SegmentationRow): SegmentationRunRecord {
  return {
    uuid: row.uuid,
    deviceId: row.device_id,
    recordedAt: row.recorded_at,
    fingerprint: JSON.parse(row.fingerprint) as DeviceFingerprint,
    image: { name: row.image_name, sha256: row.image_sha256, width: row.image_width, height: row.image_height, channels: row.image_channels },
    model: { name: row.model_name, sha256: row.model_sha256 },
    settings: JSON.parse(row.settings) as Record<string, unknown>,
    provider: row.provider,
    diameter: row.diameter,
    maskCount: row.mask_count,
    timings: JSON.parse(row.timings) as Record<string, number>,
  };
}

export class HistoryStore implements BenchmarkRecorder {
  /** Opens the database file, bringing its schema up to date and marking runs whose process is gone as interrupted. */
  static open(file: string): HistoryStore {
    const store = new HistoryStore(openDatabase(file));
    try {
      store.markAbandonedRuns();
    } catch (error) {
      store.close();
      throw databaseError(file, error);
    }
    return store;
  }

  /**
   * Opens the database file for `work` alone and closes it after, whether `work` succeeds or throws. SQLite's own
   * failures come out as DatabaseAccessError, with their cause and remedy (see [Note: database faults]).
   */
  static use<T>(file: string, work: (store: HistoryStore) => T): T {
    const store = HistoryStore.open(file);
    let closeNow = true;
    try {
      const result = work(store);
      if (result instanceof Promise) {
        closeNow = false;
        return result.catch((error: unknown) => Promise.reject(databaseError(file, error))).finally(() => store.close()) as T;
      }
      return result;
    } catch (error) {
      throw databaseError(file, error);
    } finally {
      if (closeNow) store.close();
    }
  }

  constructor(readonly db: Database) {}

  close(): void {
    this.db.close();
  }

  /**
   * Runs left 'running' by a process of this computer that no longer exists become 'interrupted', finished at their
   * last sample. Returns how many. (A process id reused since is taken for the run's own process: the run then
   * stays 'running' until that process ends too.)
   */
  markAbandonedRuns(alive: (pid: number) => boolean = processAlive): number {
    const running = this.db
      .prepare<[string], { uuid: string; pid: number | null }>("SELECT uuid, pid FROM benchmark_runs WHERE status = 'running' AND host = ?")
      .all(hostname());
    const abandoned = running.filter((r) => r.pid === null || !alive(r.pid));
    const mark = this.db.prepare(
      `UPDATE benchmark_runs SET status = 'interrupted', error = ?,
         finished_at = COALESCE((SELECT max(measured_at) FROM benchmark_samples WHERE run_uuid = benchmark_runs.uuid), started_at)
       WHERE uuid = ? AND status = 'running'`,
    );
    this.db.transaction(() => abandoned.forEach((r) => mark.run(INTERRUPTED_REASON, r.uuid)))();
    return abandoned.length;
  }

  /** Adds the device, or notes that it was seen again. */
  saveDevice(id: string, hardware: DeviceHardware, seenAt: string): void {
    this.db
      .prepare(
        `INSERT INTO devices (id, hardware, first_seen, last_seen) VALUES (?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET last_seen = max(last_seen, excluded.last_seen)`,
      )
      .run(id, JSON.stringify(hardware), seenAt, seenAt);
  }

  beginRun(run: BenchmarkRunInfo): void {
    this.db.transaction(() => {
      this.saveDevice(run.deviceId, run.fingerprint.hardware, run.startedAt);
      this.insertRun(run, 'running', null, null, { host: hostname(), pid: process.pid, importedAt: null });
    })();
  }

  insertRun(
    run: BenchmarkRunInfo,
    status: BenchmarkStatus,
    error: string | null,
    finishedAt: string | null,
    origin: { host: string | null; pid: number | null; importedAt: string | null },
  ): void {
    this.db
      .prepare(
        `INSERT INTO benchmark_runs (uuid, device_id, status, error, started_at, finished_at, fingerprint, app_version,
           onnxruntime_version, model_name, model_sha256, image_name, image_sha256, image_width, image_height, protocol,
           host, pid, imported_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        run.uuid,
        run.deviceId,
        status,
        error,
        run.startedAt,
        finishedAt,
        JSON.stringify(run.fingerprint),
        run.fingerprint.appVersion,
        run.fingerprint.onnxRuntimeVersion,
        run.model.name,
        run.model.sha256,
        run.image.name,
        run.image.sha256,
        run.image.width,
        run.image.height,
        JSON.stringify(run.protocol),
        origin.host,
        origin.pid,
        origin.importedAt,
      );
  }

  recordProvider(runUuid: string, result: ProviderResult): void {
    this.db
      .prepare('INSERT INTO benchmark_providers (run_uuid, provider, available, reason, session_ms, first_run_ms, adapter) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(runUuid, result.provider, result.available ? 1 : 0, result.reason, result.sessionMs, result.firstRunMs, result.adapter === null ? null : JSON.stringify(result.adapter));
  }

  recordSample(runUuid: string, sample: BenchmarkSample): void {
    this.db
      .prepare(
        `INSERT INTO benchmark_samples (run_uuid, provider, size, width, height, iteration, total_ms, stages, mask_count,
           diameter, measured_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(runUuid, sample.provider, String(sample.size), sample.width, sample.height, sample.iteration, sample.totalMs, JSON.stringify(sample.stages), sample.maskCount, sample.diameter, sample.measuredAt);
  }

  finishRun(runUuid: string, status: Exclude<BenchmarkStatus, 'running'>, error: string | null, finishedAt: string): void {
    this.db.prepare('UPDATE benchmark_runs SET status = ?, error = ?, finished_at = ? WHERE uuid = ?').run(status, error, finishedAt, runUuid);
  }

  recordSegmentation(run: SegmentationRunRecord, importedAt: string | null = null): void {
    this.db.transaction(() => {
      if (importedAt === null) this.saveDevice(run.deviceId, run.fingerprint.hardware, run.recordedAt);
      this.db
        .prepare(
          `INSERT INTO segmentation_runs (uuid, device_id, recorded_at, fingerprint, app_version, onnxruntime_version,
             image_name, image_sha256, image_width, image_height, image_channels, model_name, model_sha256, settings,
             provider, diameter, mask_count, timings, imported_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          run.uuid,
          run.deviceId,
          run.recordedAt,
          JSON.stringify(run.fingerprint),
          run.fingerprint.appVersion,
          run.fingerprint.onnxRuntimeVersion,
          run.image.name,
          run.image.sha256,
          run.image.width,
          run.image.height,
          run.image.channels,
          run.model.name,
          run.model.sha256,
          JSON.stringify(run.settings),
          run.provider,
          run.diameter,
          run.maskCount,
          JSON.stringify(run.timings),
          importedAt,
        );
    })();
  }

  device(id: string): DeviceRecord | undefined {
    const row = this.db.prepare<[string], { id: string; hardware: string }>('SELECT id, hardware FROM devices WHERE id = ?').get(id);
    return row === undefined ? undefined : { id: row.id, hardware: JSON.parse(row.hardware) as DeviceHardware };
  }

  /** Benchmark runs, newest first. */
  listBenchmarkRuns(): BenchmarkRunListing[] {
    const rows = this.db
      .prepare<[], BenchmarkRunRow & { hardware: string; providers: string | null; samples: number }>(
        `SELECT r.*, d.hardware,
           (SELECT group_concat(provider) FROM (SELECT DISTINCT provider FROM benchmark_samples WHERE run_uuid = r.uuid)) AS providers,
           (SELECT count(*) FROM benchmark_samples WHERE run_uuid = r.uuid) AS samples
         FROM benchmark_runs r JOIN devices d ON d.id = r.device_id
         ORDER BY r.started_at DESC`,
      )
      .all();
    return rows.map((r) => ({
      uuid: r.uuid,
      status: r.status,
      startedAt: r.started_at,
      finishedAt: r.finished_at,
      deviceId: r.device_id,
      device: describeDevice(JSON.parse(r.hardware) as DeviceHardware),
      modelName: r.model_name,
      imageName: r.image_name,
      imageWidth: r.image_width,
      imageHeight: r.image_height,
      providers: r.providers === null ? [] : (r.providers.split(',') as ExecutionProvider[]),
      samples: r.samples,
      imported: r.imported_at !== null,
    }));
  }

  /** Segmentation runs, newest first. */
  listSegmentationRuns(limit: number): SegmentationRunRecord[] {
    return this.db.prepare<[number], SegmentationRow>('SELECT * FROM segmentation_runs ORDER BY recorded_at DESC LIMIT ?').all(limit).map(segmentationFromRow);
  }

  /** The run with this id, or the only one whose id starts with it. */
  findRun(reference: string): { kind: RunKind; uuid: string } {
    const id = reference.trim().toLowerCase();
    if (id.length < MIN_PREFIX) throw new RunNotFoundError(reference);
    const pattern = `${id.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const matches = this.db
      .prepare<[string, string], { kind: RunKind; uuid: string }>(
        `SELECT 'benchmark' AS kind, uuid FROM benchmark_runs WHERE uuid LIKE ? ESCAPE '\\'
         UNION ALL SELECT 'segmentation' AS kind, uuid FROM segmentation_runs WHERE uuid LIKE ? ESCAPE '\\'`,
      )
      .all(pattern, pattern);
    const exact = matches.find((m) => m.uuid === id);
    if (exact !== undefined) return exact;
    if (matches.length === 0) throw new RunNotFoundError(reference);
    if (matches.length > 1) throw new AmbiguousRunError(reference, matches.map((m) => m.uuid));
    return matches[0]!;
  }

  benchmarkRun(uuid: string): BenchmarkReport {
    const run = this.db.prepare<[string], BenchmarkRunRow>('SELECT * FROM benchmark_runs WHERE uuid = ?').get(uuid);
    if (run === undefined) throw new RunNotFoundError(uuid);
    const providers = this.db
      .prepare<[string], ProviderRow>('SELECT * FROM benchmark_providers WHERE run_uuid = ? ORDER BY rowid')
      .all(uuid)
      .map((p) => ({
        provider: p.provider,
        available: p.available === 1,
        reason: p.reason,
        sessionMs: p.session_ms,
        firstRunMs: p.first_run_ms,
        adapter: p.adapter === null ? null : (JSON.parse(p.adapter) as ProviderResult['adapter']),
      }));
    const samples = this.db
      .prepare<[string], SampleRow>('SELECT * FROM benchmark_samples WHERE run_uuid = ? ORDER BY rowid')
      .all(uuid)
      .map((s) => ({
        provider: s.provider,
        size: storedCropSize(s.size),
        width: s.width,
        height: s.height,
        iteration: s.iteration,
        totalMs: s.total_ms,
        stages: JSON.parse(s.stages) as Record<string, number>,
        maskCount: s.mask_count,
        diameter: s.diameter,
        measuredAt: s.measured_at,
      }));
    return {
      uuid: run.uuid,
      deviceId: run.device_id,
      startedAt: run.started_at,
      fingerprint: JSON.parse(run.fingerprint) as DeviceFingerprint,
      model: { name: run.model_name, sha256: run.model_sha256 },
      image: { name: run.image_name, sha256: run.image_sha256, width: run.image_width, height: run.image_height },
      protocol: storedProtocol(run.protocol),
      status: run.status,
      finishedAt: run.finished_at,
      error: run.error,
      providers,
      samples,
      summary: summarize(samples),
    };
  }

  segmentationRun(uuid: string): SegmentationRunRecord {
    const row = this.db.prepare<[string], SegmentationRow>('SELECT * FROM segmentation_runs WHERE uuid = ?').get(uuid);
    if (row === undefined) throw new RunNotFoundError(uuid);
    return segmentationFromRow(row);
  }

  hasRun(kind: RunKind, uuid: string): boolean {
    const table = kind === 'benchmark' ? 'benchmark_runs' : 'segmentation_runs';
    return this.db.prepare(`SELECT 1 FROM ${table} WHERE uuid = ?`).get(uuid) !== undefined;
  }

  /** Deletes runs (benchmark or segmentation, by exact id) with their samples, all or none; returns how many. */
  deleteRuns(uuids: readonly string[]): number {
    const running = this.db.prepare<[string], { status: BenchmarkStatus }>('SELECT status FROM benchmark_runs WHERE uuid = ?');
    const deleteBenchmark = this.db.prepare('DELETE FROM benchmark_runs WHERE uuid = ?');
    const deleteSegmentation = this.db.prepare('DELETE FROM segmentation_runs WHERE uuid = ?');
    return this.db.transaction(() => {
      let deleted = 0;
      for (const uuid of new Set(uuids)) {
        if (running.get(uuid)?.status === 'running') throw new RunInProgressError(uuid);
        deleted += deleteBenchmark.run(uuid).changes + deleteSegmentation.run(uuid).changes;
      }
      return deleted;
    })();
  }
}
