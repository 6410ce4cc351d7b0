// Opens CellDesk's SQLite database (better-sqlite3) and brings its schema up to date; Node side.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3, { type Database } from 'better-sqlite3';
import { CellDeskError } from '../errors';
import { MIGRATIONS, migrate, type Migration } from './migrations';
import { explainNativeLoadFailure, isNativeLoadFailure, SQLITE_BINDING_ENV, sqliteBindingPath } from './nativeModule';

export type { Database } from 'better-sqlite3';

/** The database file cannot be opened or is not a database. */
export class DatabaseOpenError extends CellDeskError {
  constructor(file: string, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(
      'DATABASE_OPEN',
      `CellDesk could not open its database ${file} (${reason}). If the file is damaged, move it aside and ` +
        `CellDesk will start a new one (the model files themselves are kept).`,
      { file, reason },
      { cause },
    );
  }
}

/**
 * Opens (creating if needed) the database at `file`, in WAL mode so the app and the CLI can read while one of them
 * writes, and applies pending migrations (see [Note: migrations]). `env` may name the better-sqlite3 build to load
 * (see [Note: native module ABI] in nativeModule.ts); a build that does not load is reported as such, not as a
 * damaged database.
 */
export function openDatabase(file: string, migrations: readonly Migration[] = MIGRATIONS, env: NodeJS.ProcessEnv = process.env): Database {
  let db: Database | undefined;
  const binding = env[SQLITE_BINDING_ENV];
  try {
    mkdirSync(dirname(file), { recursive: true });
    db = new BetterSqlite3(file, binding === undefined || binding === '' ? {} : { nativeBinding: binding });
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    migrate(db, migrations);
    return db;
  } catch (error) {
    db?.close();
    if (error instanceof CellDeskError) throw error;
    if (isNativeLoadFailure(error)) throw explainNativeLoadFailure(sqliteBindingPath(env), error);
    throw new DatabaseOpenError(file, error);
  }
}
