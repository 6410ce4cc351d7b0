// Opens CellDesk's SQLite database (better-sqlite3) and brings its schema up to date; Node side.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3, { type Database } from 'better-sqlite3';
import { CellDeskError } from '../errors';
import { MIGRATIONS, migrate, type Migration } from './migrations';

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
 * writes, and applies pending migrations (see [Note: migrations]).
 */
export function openDatabase(file: string, migrations: readonly Migration[] = MIGRATIONS): Database {
  let db: Database | undefined;
  try {
    mkdirSync(dirname(file), { recursive: true });
    db = new BetterSqlite3(file);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    migrate(db, migrations);
    return db;
  } catch (error) {
    db?.close();
    if (error instanceof CellDeskError) throw error;
    throw new DatabaseOpenError(file, error);
  }
}
