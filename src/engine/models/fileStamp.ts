// Cheap and full ways to tell whether a file is the one recorded: size + modification time, and sha256; Node side.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';

export interface FileStamp {
  bytes: number;
  /** Whole milliseconds, so that the value survives the database round trip exactly. */
  modifiedMs: number;
}

export async function fileStamp(path: string): Promise<FileStamp> {
  const info = await stat(path);
  return { bytes: info.size, modifiedMs: Math.floor(info.mtimeMs) };
}

/** The file is still there with the recorded size and modification time (so its recorded sha256 still holds). */
export async function isUnchanged(path: string, recorded: FileStamp): Promise<boolean> {
  try {
    const now = await fileStamp(path);
    return now.bytes === recorded.bytes && now.modifiedMs === recorded.modifiedMs;
  } catch {
    return false;
  }
}

/** sha256 (hex) of a file, streamed so that large files are not held in memory. */
export async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
