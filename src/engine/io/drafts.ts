// Drafts: the edited masks of an image not yet exported, kept in the data folder so that a reload, a crash or a
// closed window loses no work. Node side (the engine worker).
//
// [Note: mask drafts] A draft belongs to an image's content, not its path: it is keyed by the sha256 of the file's
// bytes and the page, so the same image opened again (by path, by upload, after a move) finds its draft, and a
// changed file does not. One file per key, `<sha256>-p<page>.draft` under the data folder's `drafts`, written
// atomically (a crash leaves the old draft or the new one): the bytes `CDDRAFT1`, the header's length (uint32 LE),
// the header as JSON (key, size, image name, time, and a summary the caller keeps with the masks), then the labels
// as little-endian uint32, deflated (label images are long runs of equal values, so they shrink many times over).
// Everything read back is checked; a file that fails is reported as DraftUnreadableError, never trusted. Operations
// on one key run in the order they were asked for, so a save followed by a delete (an export) never resurrects the
// draft.
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { deflateRaw, inflateRaw } from 'node:zlib';
import { CellDeskError } from '../errors';
import { writeFileAtomically } from './atomicWrite';

const MAGIC = 'CDDRAFT1';
const VERSION = 1;
const deflate = promisify(deflateRaw);
const LITTLE_ENDIAN_MACHINE = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;
const inflate = promisify(inflateRaw);

/** Which image (content and page) a draft belongs to. */
export interface DraftKey {
  /** sha256 of the image file's bytes, lowercase hex. */
  sha256: string;
  page: number;
}

export interface Draft {
  key: DraftKey;
  width: number;
  height: number;
  imageName: string;
  /** When it was written, ISO 8601. */
  savedAt: string;
  /** What the caller keeps beside the masks (how they were made); stored as JSON, checked by the caller. */
  summary: unknown;
  /** 0 = background, 1..N = masks, row-major. */
  labels: Uint32Array;
}

/** A draft file that cannot be read back; it is left alone and the image opens without it. */
export class DraftUnreadableError extends CellDeskError {
  constructor(path: string, reason: string) {
    super('DRAFT_UNREADABLE', `The unsaved mask edits kept for this image could not be read (${reason}), so they were not restored. The image opened without them.`, {
      path,
      reason,
    });
  }
}

/** A draft could not be written (disk full, no permission). */
export class DraftWriteError extends CellDeskError {
  constructor(path: string, code: string) {
    super('DRAFT_WRITE', `CellDesk could not keep your unsaved mask edits in ${path} (${code}). Export the masks to be sure to keep them.`, { path, code });
  }
}

const isKey = (key: DraftKey) => /^[0-9a-f]{64}$/.test(key.sha256) && Number.isInteger(key.page) && key.page >= 0;

export class DraftStore {
  /** The last operation asked for on each draft file; the next waits for it. */
  private readonly queues = new Map<string, Promise<unknown>>();

  /** `folder`: where drafts live (the data folder's `drafts`), created on the first save. */
  constructor(private readonly folder: string) {}

  pathOf(key: DraftKey): string {
    if (!isKey(key)) throw new Error(`not a draft key: ${JSON.stringify(key)}`);
    return join(this.folder, `${key.sha256}-p${key.page}.draft`);
  }

  save(draft: Omit<Draft, 'savedAt'>): Promise<{ savedAt: string }> {
    const path = this.pathOf(draft.key);
    return this.inOrder(path, async () => {
      const savedAt = new Date().toISOString();
      const { key, width, height, imageName, summary, labels } = draft;
      const header = Buffer.from(JSON.stringify({ version: VERSION, sha256: key.sha256, page: key.page, width, height, imageName, savedAt, summary }));
      const body = await deflate(new Uint8Array(littleEndian(labels)));
      const length = Buffer.alloc(4);
      length.writeUInt32LE(header.length);
      try {
        await mkdir(this.folder, { recursive: true });
        await writeFileAtomically(path, Buffer.concat([Buffer.from(MAGIC), length, header, body]));
      } catch (error) {
        throw new DraftWriteError(path, (error as NodeJS.ErrnoException).code ?? 'unknown reason');
      }
      return { savedAt };
    });
  }

  /** The draft of `key`; null when there is none. Throws DraftUnreadableError for a file that fails its checks. */
  load(key: DraftKey): Promise<Draft | null> {
    const path = this.pathOf(key);
    return this.inOrder(path, async () => {
      let bytes: Buffer;
      try {
        bytes = await readFile(path);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw new DraftUnreadableError(path, `the system said ${(error as NodeJS.ErrnoException).code ?? 'unknown'}`);
      }
      return parseDraft(path, key, bytes);
    });
  }

  /** Deletes the draft of `key`; false when there was none. */
  delete(key: DraftKey): Promise<boolean> {
    const path = this.pathOf(key);
    return this.inOrder(path, async () => {
      try {
        await rm(path);
        return true;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
        throw error;
      }
    });
  }

  private inOrder<T>(path: string, operation: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(path) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(operation);
    this.queues.set(path, next);
    void next.catch(() => undefined).then(() => {
      if (this.queues.get(path) === next) this.queues.delete(path);
    });
    return next;
  }
}

/** The labels' bytes as little-endian uint32, the draft format's order whatever the machine's. */
function littleEndian(labels: Uint32Array): Buffer {
  if (LITTLE_ENDIAN_MACHINE) return Buffer.from(labels.buffer, labels.byteOffset, labels.byteLength);
  const bytes = Buffer.alloc(labels.length * 4);
  for (let i = 0; i < labels.length; i++) bytes.writeUInt32LE(labels[i]!, 4 * i);
  return bytes;
}

async function parseDraft(path: string, key: DraftKey, bytes: Buffer): Promise<Draft> {
  const fail = (reason: string) => new DraftUnreadableError(path, reason);
  if (bytes.length < MAGIC.length + 4 || bytes.subarray(0, MAGIC.length).toString('latin1') !== MAGIC) throw fail('it is not a CellDesk draft');
  const headerLength = bytes.readUInt32LE(MAGIC.length);
  const bodyStart = MAGIC.length + 4 + headerLength;
  if (bodyStart > bytes.length) throw fail('it is cut short');
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(bytes.subarray(MAGIC.length + 4, bodyStart).toString('utf8')) as Record<string, unknown>;
  } catch {
    throw fail('its header is damaged');
  }
  const { version, sha256, page, width, height, imageName, savedAt, summary } = header ?? {};
  if (version !== VERSION) throw fail(`it was written in format ${String(version)}, which this CellDesk does not read`);
  if (sha256 !== key.sha256 || page !== key.page) throw fail('it belongs to another image');
  const size = (n: unknown): n is number => Number.isInteger(n) && (n as number) > 0 && (n as number) <= 2 ** 16;
  if (!size(width) || !size(height) || typeof imageName !== 'string' || typeof savedAt !== 'string') throw fail('its header is damaged');
  let raw: Buffer;
  try {
    raw = await inflate(bytes.subarray(bodyStart));
  } catch {
    throw fail('its masks are damaged');
  }
  if (raw.length !== width * height * 4) throw fail('its masks do not have the size it states');
  const labels = new Uint32Array(width * height);
  if (LITTLE_ENDIAN_MACHINE) new Uint8Array(labels.buffer).set(raw);
  else for (let i = 0; i < labels.length; i++) labels[i] = raw.readUInt32LE(4 * i);
  return { key, width, height, imageName, savedAt, summary, labels };
}
