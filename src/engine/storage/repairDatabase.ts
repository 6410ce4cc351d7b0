// `celldesk history repair`: checks CellDesk's database and, when it is damaged, sets it aside and builds a new one
// from every row that can still be read; Node side.
//
// [Note: database repair] SQLite stops a query at the first damaged page, so a plain copy keeps only the rows before
// it. Here each table is read in rowid order and, where a read fails, the next readable rowid is searched for
// (doubling steps past the failure, then halving back to its end), so the rows after a damaged page are kept too.
// Each row read goes into a freshly migrated database through the same constraints as ever: a run whose device row
// was lost gets it back from its own fingerprint (which holds the device's hardware); samples whose run was lost
// cannot be shown without it and are dropped. The damaged file is kept beside the new one, under a name that says
// when it was set aside, for whoever wants to try more.
import { existsSync, renameSync } from 'node:fs';
import BetterSqlite3, { type Database } from 'better-sqlite3';
import { CellDeskError } from '../errors';
import { openDatabase } from './database';

/** Tables in the order their rows can be inserted (a row's references first). */
const TABLES = ['models', 'devices', 'benchmark_runs', 'benchmark_providers', 'benchmark_samples', 'segmentation_runs'] as const;
type Table = (typeof TABLES)[number];
/** Runs whose device row is lost get it back from their fingerprint; the column holding each run's start. */
const RUN_TIME: Partial<Record<Table, string>> = { benchmark_runs: 'started_at', segmentation_runs: 'recorded_at' };

export interface TableRepair {
  table: Table;
  /** Rows copied into the new database. */
  kept: number;
  /** Rows the damaged file still counts, when it can count them; null when the count itself cannot be read. */
  counted: number | null;
  /** Rows read but refused by the new database (their run or their values are gone). */
  refused: number;
  /** Places where reading failed and rows were skipped. */
  damagedParts: number;
}

export type RepairReport =
  | { status: 'sound'; file: string }
  | { status: 'repaired'; file: string; setAside: string; tables: TableRepair[]; devicesRebuilt: number };

/** There is no database file where CellDesk keeps it. */
export class NoDatabaseError extends CellDeskError {
  constructor(file: string) {
    super('NO_DATABASE', `There is no CellDesk database at ${file}, so there is nothing to repair.`, { file });
  }
}

function isSound(file: string): boolean {
  let db: Database | undefined;
  try {
    db = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
    const rows = db.pragma('integrity_check') as { integrity_check: string }[];
    return rows.length === 1 && rows[0]!.integrity_check === 'ok';
  } catch {
    return false;
  } finally {
    db?.close();
  }
}

/** Moves the database and its WAL files aside together, so the WAL still belongs to its file; returns the new name. */
function setAside(file: string): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '');
  const aside = `${file}.damaged-${stamp}`;
  renameSync(file, aside);
  for (const suffix of ['-wal', '-shm']) if (existsSync(file + suffix)) renameSync(file + suffix, aside + suffix);
  return aside;
}

type Row = Record<string, unknown>;

/** Every row of `table` that reads, in rowid order, with the parts that did not (see [Note: database repair]). */
function readableRows(source: Database, table: Table): { rows: Row[]; damagedParts: number } {
  const rows: Row[] = [];
  let damagedParts = 0;
  // Reading from a rowid, not after one: a seek to exactly the last rowid of a page still reads that page.
  let from = Number.MIN_SAFE_INTEGER;
  const scan = source.prepare(`SELECT rowid AS "rowid:", * FROM "${table}" WHERE rowid >= ? ORDER BY rowid`);
  const first = source.prepare(`SELECT * FROM "${table}" WHERE rowid >= ? ORDER BY rowid LIMIT 1`);
  const readsFrom = (rowid: number): boolean => {
    try {
      first.get(rowid);
      return true;
    } catch {
      return false;
    }
  };
  for (;;) {
    try {
      for (const row of scan.iterate(from) as Iterable<Row>) {
        from = (row['rowid:'] as number) + 1;
        delete row['rowid:'];
        rows.push(row);
      }
      return { rows, damagedParts };
    } catch {
      damagedParts++;
      let failing = from;
      let step = 1;
      while (!readsFrom(from + step)) {
        failing = from + step;
        step *= 2;
        if (from + step >= Number.MAX_SAFE_INTEGER) return { rows, damagedParts };
      }
      let reading = from + step;
      while (reading - failing > 1) {
        const middle = Math.floor((failing + reading) / 2);
        if (readsFrom(middle)) reading = middle;
        else failing = middle;
      }
      from = reading;
    }
  }
}

function columnsOf(db: Database, table: Table): string[] {
  return (db.pragma(`table_info("${table}")`) as { name: string }[]).map((column) => column.name);
}

function countRows(source: Database, table: Table): number | null {
  try {
    return (source.prepare(`SELECT count(*) AS n FROM "${table}"`).get() as { n: number }).n;
  } catch {
    return null;
  }
}

/** The device row a run implies: its id, and the hardware part of its fingerprint. */
function deviceOf(row: Row, timeColumn: string): Row | null {
  try {
    const hardware = (JSON.parse(String(row.fingerprint)) as { hardware?: unknown }).hardware;
    if (typeof hardware !== 'object' || hardware === null) return null;
    const seen = row[timeColumn];
    return { id: row.device_id, hardware: JSON.stringify(hardware), first_seen: seen, last_seen: seen };
  } catch {
    return null;
  }
}

function copyTable(source: Database | null, target: Database, table: Table): TableRepair & { devicesRebuilt: number } {
  const result = { table, kept: 0, counted: null as number | null, refused: 0, damagedParts: 0, devicesRebuilt: 0 };
  if (source === null) return { ...result, damagedParts: 1 };
  let sourceColumns: string[];
  try {
    sourceColumns = columnsOf(source, table);
  } catch {
    return { ...result, damagedParts: 1 };
  }
  const columns = columnsOf(target, table).filter((column) => sourceColumns.includes(column));
  if (columns.length === 0) return result;
  const { rows, damagedParts } = readableRows(source, table);
  const names = columns.map((column) => `"${column}"`).join(', ');
  const insert = target.prepare(`INSERT OR IGNORE INTO "${table}" (${names}) VALUES (${columns.map((column) => `@${column}`).join(', ')})`);
  const insertDevice = target.prepare('INSERT OR IGNORE INTO devices (id, hardware, first_seen, last_seen) VALUES (@id, @hardware, @first_seen, @last_seen)');
  const timeColumn = RUN_TIME[table];
  target.transaction(() => {
    for (const row of rows) {
      const values = Object.fromEntries(columns.map((column) => [column, row[column]]));
      try {
        result.kept += insert.run(values).changes;
      } catch {
        const device = timeColumn === undefined ? null : deviceOf(row, timeColumn);
        if (device === null) {
          result.refused++;
          continue;
        }
        try {
          result.devicesRebuilt += insertDevice.run(device).changes;
          result.kept += insert.run(values).changes;
        } catch {
          result.refused++;
        }
      }
    }
  })();
  return { ...result, counted: countRows(source, table), damagedParts };
}

/**
 * Checks the database at `file`; when it is damaged, sets it aside and rebuilds it from what can still be read
 * (see [Note: database repair]). A sound database is left as it is.
 */
export function repairDatabase(file: string): RepairReport {
  if (!existsSync(file)) throw new NoDatabaseError(file);
  if (isSound(file)) return { status: 'sound', file };
  const aside = setAside(file);
  let source: Database | null = null;
  try {
    source = new BetterSqlite3(aside, { readonly: true, fileMustExist: true });
    source.pragma('schema_version');
  } catch {
    source?.close();
    source = null;
  }
  const target = openDatabase(file);
  try {
    const tables = TABLES.map((table) => copyTable(source, target, table));
    const devicesRebuilt = tables.reduce((sum, table) => sum + table.devicesRebuilt, 0);
    return { status: 'repaired', file, setAside: aside, tables: tables.map(({ devicesRebuilt: _, ...table }) => table), devicesRebuilt };
  } finally {
    target.close();
    source?.close();
  }
}
