// The images opened lately, most recent first, kept in the data folder as a small JSON file; Node side (the engine
// worker records and lists them, for the Segment view's Recent menu and the desktop app's File > Open Recent).
//
// [Note: recent files] A JSON file rather than a database table: ten paths read and written whole need no schema
// or migration, and replacing the file atomically means a crash leaves the old list or the new one, never half of
// either. A file that is unreadable or not the expected shape counts as an empty list: losing the list of recent
// files must never stop an image from opening. Files that no longer exist are left out of the list shown (they may
// come back, e.g. on a network drive, so they are not forgotten until pushed out by newer ones).
import { mkdir, readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { RecentFile } from '../../shared/segmentControls';
import { writeFileAtomically } from './atomicWrite';

/** How many images the list keeps. */
export const RECENT_LIMIT = 10;
const FILE_NAME = 'recent-files.json';

export type { RecentFile } from '../../shared/segmentControls';

interface StoredEntry {
  path: string;
  openedAt: string;
}

function isStoredEntry(value: unknown): value is StoredEntry {
  return typeof value === 'object' && value !== null && typeof (value as StoredEntry).path === 'string' && typeof (value as StoredEntry).openedAt === 'string';
}

async function exists(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

export class RecentFiles {
  private readonly file: string;
  /** Writes run one after another, so two images opened at once both end up in the list. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly dataDir: string) {
    this.file = join(dataDir, FILE_NAME);
  }

  /** Puts `path` first (moving it up if it was there already), keeping the newest RECENT_LIMIT. */
  record(path: string, now: Date = new Date()): Promise<void> {
    const write = this.queue.then(async () => {
      const entries = (await this.read()).filter((entry) => entry.path !== path);
      entries.unshift({ path, openedAt: now.toISOString() });
      await mkdir(this.dataDir, { recursive: true });
      await writeFileAtomically(this.file, JSON.stringify(entries.slice(0, RECENT_LIMIT), null, 2));
    });
    this.queue = write.catch(() => undefined);
    return write;
  }

  /** The recent images that still exist, most recent first. */
  async list(): Promise<RecentFile[]> {
    await this.queue;
    const entries = await this.read();
    const present = await Promise.all(entries.map((entry) => exists(entry.path)));
    return entries.filter((_, i) => present[i]).map(({ path, openedAt }) => ({ path, name: basename(path), openedAt }));
  }

  private async read(): Promise<StoredEntry[]> {
    let parsed: unknown;
    try {
      parsed = JSON.parse(await readFile(this.file, 'utf8'));
    } catch {
      return [];
    }
    return Array.isArray(parsed) ? parsed.filter(isStoredEntry).slice(0, RECENT_LIMIT) : [];
  }
}
