// What went wrong with CellDesk's database file, in words a user can act on: the cause (read-only file or folder,
// damaged file, full disk, a lock) and the remedy that fits it; and the typed errors that carry it. Node side.
//
// [Note: database faults] The same SQLite error can have different causes ("unable to open database file" is a
// read-only folder as often as a missing one), and each cause has its own remedy: moving a read-only file aside
// does not help, and `history repair` does not free disk space. So a failure is diagnosed from SQLite's code and
// from what the file system says about the file and its folder, and the message names the cause and that remedy.
import { accessSync, constants, existsSync, realpathSync, statfsSync } from 'node:fs';
import { dirname } from 'node:path';
import { CellDeskError } from '../errors';

export type DatabaseFaultKind = 'file-read-only' | 'folder-read-only' | 'damaged' | 'disk-full' | 'locked' | 'unavailable';

export interface DatabaseFault {
  kind: DatabaseFaultKind;
  file: string;
  /** What SQLite or the system said. */
  reason: string;
  /** The cause, as the end of "CellDesk cannot write its database <file>: ...". */
  cause: string;
  /** What to do about it: one or two sentences. */
  remedy: string;
}

function canWrite(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** Below this much free space, a failed write is put down to a full disk. */
const NEARLY_FULL_BYTES = 1 << 20;

/** The folder that really holds the file, its link followed. */
function realFolder(file: string): string {
  try {
    return dirname(realpathSync(file));
  } catch {
    return dirname(file);
  }
}

/** Whether the disk holding the file has almost no space left; false when that cannot be told. */
function diskNearlyFull(file: string): boolean {
  try {
    const stats = statfsSync(realFolder(file));
    return stats.bavail * stats.bsize < NEARLY_FULL_BYTES;
  } catch {
    return false;
  }
}

function codeOf(error: unknown): string {
  return typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
}

/** The fault when the file or its folder is plainly not writable; null when both are (or the file is still to be made). */
export function writabilityFault(file: string): DatabaseFault | null {
  const folder = realFolder(file);
  if (existsSync(folder) && !canWrite(folder)) return fault('folder-read-only', file, 'the folder is not writable');
  if (existsSync(file) && !canWrite(file)) return fault('file-read-only', file, 'the file is read-only');
  return null;
}

/** Diagnoses a failure of opening, reading or writing the database `file` (see [Note: database faults]). */
export function diagnoseDatabaseFault(file: string, error: unknown): DatabaseFault {
  const code = codeOf(error);
  const reason = error instanceof Error ? error.message : String(error);
  if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') return fault('damaged', file, reason);
  // SQLite reports a full disk as SQLITE_FULL when a write comes up short, but as an I/O error when growing its
  // shared-memory file fails: the free space tells.
  if (code === 'SQLITE_FULL' || code === 'ENOSPC' || (/^SQLITE_(IOERR|CANTOPEN)/.test(code) && diskNearlyFull(file))) return fault('disk-full', file, reason);
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return fault('locked', file, reason);
  const readOnly = writabilityFault(file);
  if (readOnly !== null) return { ...readOnly, reason };
  return fault('unavailable', file, reason);
}

function fault(kind: DatabaseFaultKind, file: string, reason: string): DatabaseFault {
  const folder = realFolder(file);
  switch (kind) {
    case 'file-read-only':
      return {
        kind, file, reason,
        cause: 'the file is read-only',
        remedy: `Make it writable for your user (chmod u+w "${file}"; on Windows, clear its Read-only attribute).`,
      };
    case 'folder-read-only':
      return {
        kind, file, reason,
        cause: `its folder ${folder} cannot be written`,
        remedy: 'Make that folder writable for your user, or set CELLDESK_HOME to a folder you can write.',
      };
    case 'damaged':
      return {
        kind, file, reason,
        cause: `the file is damaged (${reason})`,
        remedy: 'Run `celldesk history repair`: it sets the damaged file aside and rebuilds the database from everything that can still be read.',
      };
    case 'disk-full':
      return {
        kind, file, reason,
        cause: `the disk that holds it is full`,
        remedy: `Free some space on the disk that holds ${folder}, or set CELLDESK_HOME to a folder on another disk.`,
      };
    case 'locked':
      return {
        kind, file, reason,
        cause: 'another CellDesk program is holding it locked',
        remedy: 'Wait for the other CellDesk command or window to finish, then try again.',
      };
    case 'unavailable':
      return {
        kind, file, reason,
        cause: `SQLite reported: ${reason}`,
        remedy: 'Check that the file and its folder exist and can be read and written; if the file is damaged, `celldesk history repair` rebuilds it.',
      };
  }
}

/** The database file cannot be opened or is not a database. */
export class DatabaseOpenError extends CellDeskError {
  readonly fault: DatabaseFault;

  constructor(fault: DatabaseFault, cause: unknown) {
    super('DATABASE_OPEN', `CellDesk could not open its database ${fault.file}: ${fault.cause}. ${fault.remedy}`, { file: fault.file, fault: fault.kind, reason: fault.reason }, { cause });
    this.fault = fault;
  }
}

/** Reading or writing the open database failed. */
export class DatabaseAccessError extends CellDeskError {
  readonly fault: DatabaseFault;

  constructor(fault: DatabaseFault, cause: unknown) {
    super('DATABASE_ACCESS', `CellDesk could not use its database ${fault.file}: ${fault.cause}. ${fault.remedy}`, { file: fault.file, fault: fault.kind, reason: fault.reason }, { cause });
    this.fault = fault;
  }
}

/** A finished segmentation (its masks written) could not be noted in the run history. */
export class HistoryNotRecordedError extends CellDeskError {
  readonly fault: DatabaseFault;

  constructor(fault: DatabaseFault, cause?: unknown) {
    super(
      'HISTORY_NOT_RECORDED',
      `This run was not recorded in the history, because CellDesk cannot write its database ${fault.file}: ${fault.cause}. ${fault.remedy}`,
      { file: fault.file, fault: fault.kind, reason: fault.reason },
      cause === undefined ? undefined : { cause },
    );
    this.fault = fault;
  }
}
