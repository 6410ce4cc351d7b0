// Checks where CellDesk is asked to write (label images, exports) before any work is done, and makes the folders;
// Node side (CLI, engine worker).
//
// [Note: output paths] A segmentation can take minutes; finding only afterwards that its output cannot be written
// wastes them and ends in a raw system error. So every writer first prepares its destination: the folder exists or
// can be made, is a folder, and is writable; the file to write is not a folder. Folders are made one level at a
// time here rather than with Node's recursive mkdir, which loops forever when a folder exists but refuses children
// with "no such file" (procfs does: `mkdir -p /proc/x` spins at 100% CPU in Node 20). Writing into the system's
// pseudo file systems (/proc, /sys, /dev) is refused outright: nothing written there is a file a user could open.
import { constants, realpathSync } from 'node:fs';
import { access, mkdir, stat } from 'node:fs/promises';
import { dirname, resolve, sep } from 'node:path';
import { CellDeskError } from '../errors';

/** A place CellDesk was asked to write to that cannot take the file. */
export class OutputPathError extends CellDeskError {
  constructor(path: string, reason: string, cause?: unknown) {
    super('OUTPUT_PATH', `CellDesk cannot write to ${path}: ${reason}`, { path, reason }, cause === undefined ? undefined : { cause });
  }
}

const SYSTEM_FOLDERS = process.platform === 'win32' ? [] : ['/proc', '/sys', '/dev'];

function systemFolderOf(path: string): string | undefined {
  return SYSTEM_FOLDERS.find((folder) => path === folder || path.startsWith(folder + sep));
}

/**
 * Refuses a path in the system's pseudo file systems: as written, or as its nearest existing folder really is
 * (links followed). Synchronous, so the database can check its folder before SQLite makes it.
 */
export function refuseSystemFolder(path: string): void {
  let existing = resolve(path);
  let real: string | null = null;
  while (real === null) {
    try {
      real = realpathSync(existing);
    } catch {
      const parent = dirname(existing);
      if (parent === existing) break;
      existing = parent;
    }
  }
  const system = systemFolderOf(resolve(path)) ?? (real === null ? undefined : systemFolderOf(real));
  if (system !== undefined) {
    throw new OutputPathError(path, `${system} is a view of the running system, not a place for files. Choose a folder in your home or data folders.`);
  }
}

function errnoReason(error: unknown, folder: string): string {
  switch ((error as NodeJS.ErrnoException).code) {
    case 'EACCES':
    case 'EPERM':
      return `you are not allowed to write in ${folder}. Choose another folder, or ask for write permission.`;
    case 'EROFS':
      return `${folder} is on a read-only disk. Choose a folder on another disk.`;
    case 'ENOSPC':
      return `the disk holding ${folder} is full. Free some space, or choose a folder on another disk.`;
    case 'ENOTDIR':
    case 'EEXIST':
      return `${folder} is a file, not a folder. Choose a folder.`;
    case 'ENOENT':
      return `${folder} cannot be made there (its parent does not accept new folders). Choose another folder.`;
    default:
      return `the system refused it (${(error as NodeJS.ErrnoException).code ?? String(error)}). Choose another folder.`;
  }
}

async function isFolder(path: string): Promise<boolean | null> {
  try {
    return (await stat(path)).isDirectory();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    if (code === 'ENOTDIR') return false;
    throw new OutputPathError(path, errnoReason(error, path), error);
  }
}

/** Makes `folder` and its missing parents, one level at a time (see [Note: output paths]); never loops. */
export async function makeFolder(folder: string): Promise<void> {
  const missing: string[] = [];
  let current = resolve(folder);
  for (;;) {
    const found = await isFolder(current);
    if (found === true) break;
    if (found === false) throw new OutputPathError(folder, errnoReason({ code: 'ENOTDIR' }, current));
    missing.push(current);
    const parent = dirname(current);
    if (parent === current) throw new OutputPathError(folder, errnoReason({ code: 'ENOENT' }, current));
    current = parent;
  }
  for (const level of missing.reverse()) {
    try {
      await mkdir(level);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST' && (await isFolder(level)) === true) continue;
      throw new OutputPathError(folder, errnoReason(error, level), error);
    }
  }
}

/** Makes sure `folder` is a writable folder, making it if needed; returns its absolute path. */
export async function prepareOutputFolder(folder: string): Promise<string> {
  const absolute = resolve(folder);
  refuseSystemFolder(absolute);
  await makeFolder(absolute);
  try {
    await access(absolute, constants.W_OK);
  } catch (error) {
    throw new OutputPathError(folder, errnoReason(error, absolute), error);
  }
  return absolute;
}

/** Makes sure `file` can be written: its folder prepared, and no folder where the file should go. */
export async function prepareOutputFile(file: string): Promise<string> {
  const absolute = resolve(file);
  await prepareOutputFolder(dirname(absolute));
  await refuseFolderAt(absolute);
  return absolute;
}

/** Refuses a folder standing where a file is to be written (the folder itself is prepared already). */
export async function refuseFolderAt(file: string): Promise<void> {
  if ((await isFolder(file)) === true) throw new OutputPathError(file, 'it is a folder. Give the name of the file to write, or remove the folder.');
}

/** Whether a file (not a folder) is at `path`: what a writer would replace there. */
export async function fileThere(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
