// Opens CellDesk's SQLite database (better-sqlite3) and brings its schema up to date; Node side.
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3, { type Database } from 'better-sqlite3';
import { CellDeskError } from '../errors';
import { refuseSystemFolder } from '../io/outputPaths';
import { DatabaseOpenError, diagnoseDatabaseFault, writabilityFault, type DatabaseFault } from './databaseFaults';
import { DatabaseTooNewError, MIGRATIONS, migrate, type Migration } from './migrations';
import { explainNativeLoadFailure, isNativeLoadFailure, SQLITE_BINDING_ENV, sqliteBindingPath } from './nativeModule';

export type { Database } from 'better-sqlite3';

/** better-sqlite3's options: the native build `env` names, if any (see [Note: native module ABI] in nativeModule.ts). */
function sqliteOptions(env: NodeJS.ProcessEnv): BetterSqlite3.Options {
  const binding = env[SQLITE_BINDING_ENV];
  return binding === undefined || binding === '' ? {} : { nativeBinding: binding };
}

/**
 * Opens (creating if needed) the database at `file`, in WAL mode so the app and the CLI can read while one of them
 * writes, and applies pending migrations (see [Note: migrations]). `env` may name the better-sqlite3 build to load
 * (see [Note: native module ABI] in nativeModule.ts); a build that does not load is reported as such, not as a
 * damaged database.
 */
export function openDatabase(file: string, migrations: readonly Migration[] = MIGRATIONS, env: NodeJS.ProcessEnv = process.env): Database {
  let db: Database | undefined;
  // Node's recursive mkdir never returns under /proc (see [Note: output paths]).
  refuseSystemFolder(dirname(file));
  try {
    mkdirSync(dirname(file), { recursive: true });
    db = new BetterSqlite3(file, sqliteOptions(env));
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
    throw new DatabaseOpenError(diagnoseDatabaseFault(file, error), error);
  }
}

/**
 * [Note: database in memory] What the model registry works on when the database file cannot be written (read-only
 * file or folder) or opened (damaged): a copy in memory of what the file holds, or an empty database when nothing
 * can be read, so that models still resolve and segmentation still runs; what is registered meanwhile is lost when
 * the process ends. The fault says why, for the one notice the user gets (see [Note: database faults]).
 */
export function openDatabaseOrCopy(file: string, env: NodeJS.ProcessEnv = process.env): { db: Database; fault: DatabaseFault | null } {
  let fault = writabilityFault(file);
  if (fault === null) {
    try {
      return { db: openDatabase(file, MIGRATIONS, env), fault: null };
    } catch (error) {
      if (error instanceof DatabaseTooNewError || !(error instanceof DatabaseOpenError)) throw error;
      fault = error.fault;
    }
  }
  return { db: copyInMemory(file, env), fault };
}

function copyInMemory(file: string, env: NodeJS.ProcessEnv): Database {
  try {
    const bytes = readFileSync(file);
    // Bytes 18 and 19 say WAL mode (2), which an in-memory database refuses; 1 is the rollback journal.
    bytes[18] = 1;
    bytes[19] = 1;
    const db = new BetterSqlite3(bytes, sqliteOptions(env));
    db.pragma('foreign_keys = ON');
    migrate(db);
    return db;
  } catch (error) {
    if (error instanceof DatabaseTooNewError) throw error;
    if (isNativeLoadFailure(error)) throw explainNativeLoadFailure(sqliteBindingPath(env), error);
    const db = new BetterSqlite3(':memory:', sqliteOptions(env));
    db.pragma('foreign_keys = ON');
    migrate(db);
    return db;
  }
}
