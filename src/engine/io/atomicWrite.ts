// Writes a file so that readers see either nothing or the whole file, never a half-written one.
//
// [Note: partial files] The temporary file is named `<file>.<pid>.<milliseconds>.partial`, beside the file it
// becomes. A process killed between creating and renaming it leaves it behind; so each write first removes the
// partial files of the same target left by processes that no longer run (or, for a process id that may have been
// reused or belong to another computer on a shared folder, older than a day). Only names of exactly this form are
// touched: a user's own `*.partial` files are never CellDesk's to delete.
import { copyFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { processAlive } from './processes';

/** A partial file of a process still running is left alone unless older than this. */
const PARTIAL_MAX_AGE_MS = 24 * 3600 * 1000;

function partialName(path: string, pid: number, time: number): string {
  return `${path}.${pid}.${time}.partial`;
}

/** Removes the stale partial files of `path` (see [Note: partial files]); what cannot be removed stays. */
export async function removeStalePartials(path: string): Promise<string[]> {
  const folder = dirname(path);
  const prefix = `${basename(path)}.`;
  let names: string[];
  try {
    names = await readdir(folder);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const match = name.startsWith(prefix) ? /^(\d+)\.(\d{10,})\.partial$/.exec(name.slice(prefix.length)) : null;
    if (match === null) continue;
    const pid = Number(match[1]);
    const file = join(folder, name);
    try {
      const old = Date.now() - (await stat(file)).mtimeMs > PARTIAL_MAX_AGE_MS;
      if ((pid === process.pid || processAlive(pid)) && !old) continue;
      await rm(file, { force: true });
      removed.push(file);
    } catch {
      // Gone meanwhile, or not ours to remove: the write goes on.
    }
  }
  return removed;
}

/** Produces `path` by writing a temporary file beside it with `write`, then renaming it into place. */
export async function replaceAtomically(path: string, write: (temporary: string) => Promise<void>): Promise<void> {
  await removeStalePartials(path);
  const temporary = partialName(path, process.pid, Date.now());
  try {
    await write(temporary);
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

export function writeFileAtomically(path: string, data: Uint8Array | string): Promise<void> {
  return replaceAtomically(path, (temporary) => writeFile(temporary, data));
}

export function copyFileAtomically(from: string, to: string): Promise<void> {
  return replaceAtomically(to, (temporary) => copyFile(from, temporary));
}
