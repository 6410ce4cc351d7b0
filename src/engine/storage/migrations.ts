// The database schema as an ordered list of migrations, and the code that brings a database up to date; Node side.
// [Note: migrations] Version n of the schema is what migrations 1..n build; SQLite's `user_version` pragma holds n.
// Each migration runs in its own transaction together with the `user_version` bump, so a crash leaves the database
// at a whole version, never between two. Migrations are only ever appended (the benchmark history of issue 5 comes
// as migration 2, 3, ...); a shipped migration is never edited, because databases in the field already ran it.
import type { Database } from 'better-sqlite3';
import { CellDeskError } from '../errors';

export interface Migration {
  /** 1, 2, 3, ... with no gaps: the schema version this migration produces. */
  version: number;
  /** What it adds, for logs and error messages. */
  description: string;
  up(db: Database): void;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'models registry',
    up(db) {
      // source: 'catalogue' = downloaded by CellDesk into its cache; 'cellpose-folder' = used in place from the
      // user's Cellpose model folder; 'imported' = a file the user added (copied into CellDesk's cache).
      // bytes and modified_ms tell whether a file used in place changed since its sha256 was taken.
      db.exec(`
        CREATE TABLE models (
          name TEXT PRIMARY KEY NOT NULL,
          source TEXT NOT NULL CHECK (source IN ('catalogue', 'cellpose-folder', 'imported')),
          format TEXT NOT NULL CHECK (format IN ('checkpoint', 'onnx')),
          path TEXT NOT NULL,
          bytes INTEGER NOT NULL,
          modified_ms INTEGER NOT NULL,
          sha256 TEXT NOT NULL,
          diam_mean REAL,
          size_model_path TEXT,
          size_model_sha256 TEXT,
          onnx_path TEXT,
          added_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
        ) STRICT;
      `);
    },
  },
  {
    version: 2,
    description: 'benchmark history: devices, benchmark runs, provider probes, samples',
    up(db) {
      // [Note: run history] A device is the hardware part of a fingerprint, keyed by its hash (src/engine/bench/
      // fingerprint.ts); each run keeps the whole fingerprint as it was (OS, drivers, versions). Runs are keyed by a
      // uuid so that runs exported on other machines merge without clashes. Samples are inserted one by one in
      // autocommit as they are measured, so a killed process loses at most the sample it was measuring. host and
      // pid name the process measuring a 'running' run; when that process is gone, the run is 'interrupted'.
      // JSON columns hold small objects read whole (fingerprint, protocol, per-stage milliseconds).
      db.exec(`
        CREATE TABLE devices (
          id TEXT PRIMARY KEY NOT NULL,
          hardware TEXT NOT NULL,
          first_seen TEXT NOT NULL,
          last_seen TEXT NOT NULL
        ) STRICT;
        CREATE TABLE benchmark_runs (
          uuid TEXT PRIMARY KEY NOT NULL,
          device_id TEXT NOT NULL REFERENCES devices (id),
          status TEXT NOT NULL CHECK (status IN ('running', 'completed', 'cancelled', 'interrupted')),
          error TEXT,
          started_at TEXT NOT NULL,
          finished_at TEXT,
          fingerprint TEXT NOT NULL,
          app_version TEXT NOT NULL,
          onnxruntime_version TEXT NOT NULL,
          model_name TEXT NOT NULL,
          model_sha256 TEXT NOT NULL,
          image_name TEXT NOT NULL,
          image_sha256 TEXT NOT NULL,
          image_width INTEGER NOT NULL,
          image_height INTEGER NOT NULL,
          protocol TEXT NOT NULL,
          host TEXT,
          pid INTEGER,
          imported_at TEXT
        ) STRICT;
        CREATE INDEX benchmark_runs_started ON benchmark_runs (started_at);
        CREATE TABLE benchmark_providers (
          run_uuid TEXT NOT NULL REFERENCES benchmark_runs (uuid) ON DELETE CASCADE,
          provider TEXT NOT NULL,
          available INTEGER NOT NULL CHECK (available IN (0, 1)),
          reason TEXT,
          session_ms REAL,
          first_run_ms REAL,
          PRIMARY KEY (run_uuid, provider)
        ) STRICT;
        CREATE TABLE benchmark_samples (
          run_uuid TEXT NOT NULL REFERENCES benchmark_runs (uuid) ON DELETE CASCADE,
          provider TEXT NOT NULL,
          size TEXT NOT NULL,
          width INTEGER NOT NULL,
          height INTEGER NOT NULL,
          iteration INTEGER NOT NULL,
          total_ms REAL NOT NULL,
          stages TEXT NOT NULL,
          mask_count INTEGER NOT NULL,
          diameter REAL NOT NULL,
          measured_at TEXT NOT NULL,
          PRIMARY KEY (run_uuid, provider, size, iteration)
        ) STRICT;
      `);
    },
  },
  {
    version: 3,
    description: 'segmentation runs',
    up(db) {
      // One row per image segmented (see [Note: run history]); the image is named by its file name and sha256 only.
      db.exec(`
        CREATE TABLE segmentation_runs (
          uuid TEXT PRIMARY KEY NOT NULL,
          device_id TEXT NOT NULL REFERENCES devices (id),
          recorded_at TEXT NOT NULL,
          fingerprint TEXT NOT NULL,
          app_version TEXT NOT NULL,
          onnxruntime_version TEXT NOT NULL,
          image_name TEXT NOT NULL,
          image_sha256 TEXT NOT NULL,
          image_width INTEGER NOT NULL,
          image_height INTEGER NOT NULL,
          image_channels INTEGER NOT NULL,
          model_name TEXT NOT NULL,
          model_sha256 TEXT NOT NULL,
          settings TEXT NOT NULL,
          provider TEXT NOT NULL,
          diameter REAL NOT NULL,
          mask_count INTEGER NOT NULL,
          timings TEXT NOT NULL,
          imported_at TEXT
        ) STRICT;
        CREATE INDEX segmentation_runs_recorded ON segmentation_runs (recorded_at);
      `);
    },
  },
  {
    version: 4,
    description: 'the adapter each benchmark provider ran on',
    up(db) {
      // JSON {name, software, driver} (ProviderAdapter in src/shared/benchTypes.ts): which GPU, and whether it was a
      // software one; NULL on the CPU, where a provider does not tell, and for runs recorded before this column.
      db.exec('ALTER TABLE benchmark_providers ADD COLUMN adapter TEXT;');
    },
  },
];

/** The database was written by a newer CellDesk, whose schema this version does not know. */
export class DatabaseTooNewError extends CellDeskError {
  constructor(file: string, found: number, known: number) {
    super(
      'DATABASE_TOO_NEW',
      `The CellDesk database ${file} was last used by a newer version of CellDesk (schema ${found}; this version ` +
        `knows up to ${known}). Update CellDesk, or set CELLDESK_HOME to another folder to start a separate one.`,
      { file, found, known },
    );
  }
}

export function schemaVersion(db: Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/** Applies every migration newer than the database's version, in order; returns the versions it applied. */
export function migrate(db: Database, migrations: readonly Migration[] = MIGRATIONS): number[] {
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new Error(`migration list out of order: entry ${index} has version ${migration.version}`);
    }
  });
  const applied: number[] = [];
  if (schemaVersion(db) === migrations.length) return applied;
  for (const migration of migrations) {
    // The version is read inside the write transaction: another process (the app and the CLI at once) may have
    // migrated between our steps.
    db.transaction(() => {
      const current = schemaVersion(db);
      if (current > migrations.length) throw new DatabaseTooNewError(db.name, current, migrations.length);
      if (current >= migration.version) return;
      migration.up(db);
      db.pragma(`user_version = ${migration.version}`);
      applied.push(migration.version);
    }).immediate();
  }
  return applied;
}
