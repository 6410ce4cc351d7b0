// Writes a file so that readers see either nothing or the whole file, never a half-written one.
import { copyFile, rename, rm, writeFile } from 'node:fs/promises';

/** Produces `path` by writing a temporary file beside it with `write`, then renaming it into place. */
export async function replaceAtomically(path: string, write: (temporary: string) => Promise<void>): Promise<void> {
  const temporary = `${path}.${process.pid}.${Date.now()}.partial`;
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
