// Writes a file so that readers see either nothing or the whole file, never a half-written one.
import { rename, rm, writeFile } from 'node:fs/promises';

export async function writeFileAtomically(path: string, data: Uint8Array | string): Promise<void> {
  const temporary = `${path}.${process.pid}.${Date.now()}.partial`;
  try {
    await writeFile(temporary, data);
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
