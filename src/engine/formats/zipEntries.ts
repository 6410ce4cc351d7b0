// Zip archives as CellDesk reads them (PyTorch checkpoints since PyTorch 1.6, ImageJ ROI sets): the central
// directory, and each entry's bytes, stored or deflated within limits (see [Note: inflation limits] in inflate.ts).
// Pure, runs anywhere.
import type { CellDeskError } from '../errors';
import { inflateWithin } from './inflate';

/** How the archive's reader words a refusal, in terms of the file it reads (a model file, a ROI set). */
export interface ZipErrors {
  /** The kind of file, with its article: 'a model file'. */
  fileKind: string;
  /** The directory at the archive's end is missing. */
  truncated(): CellDeskError;
  /** `detail`: what is wrong, as a noun phrase ("an encrypted zip entry"). */
  damaged(detail: string, details?: Record<string, unknown>): CellDeskError;
}

export interface ZipEntry {
  method: number;
  compressedSize: number;
  size: number;
  localHeader: number;
}

/** Central directory of a zip file, entries in its order (PyTorch stores them uncompressed; ImageJ deflates them). */
export function readZipDirectory(bytes: Uint8Array, errors: ZipErrors): Map<string, ZipEntry> {
  const { damaged } = errors;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let end = -1;
  for (let p = bytes.length - 22; p >= Math.max(0, bytes.length - 22 - 0xffff); p--) {
    if (view.getUint32(p, true) === 0x06054b50 && p + 22 + view.getUint16(p + 20, true) === bytes.length) {
      end = p;
      break;
    }
  }
  if (end < 0) throw errors.truncated();
  const count = view.getUint16(end + 10, true);
  const directorySize = view.getUint32(end + 12, true);
  const directory = view.getUint32(end + 16, true);
  if (count === 0xffff || directory === 0xffffffff) {
    throw damaged('a zip layout for files over 4 GB');
  }
  if (directory + directorySize > end) throw damaged('a zip directory that points outside the file');
  const entries = new Map<string, ZipEntry>();
  const utf8 = new TextDecoder('utf-8');
  let q = directory;
  for (let i = 0; i < count; i++) {
    if (q + 46 > end || view.getUint32(q, true) !== 0x02014b50) throw damaged('an unreadable zip directory');
    const nameLength = view.getUint16(q + 28, true);
    const next = q + 46 + nameLength + view.getUint16(q + 30, true) + view.getUint16(q + 32, true);
    if (next > end) throw damaged('an unreadable zip directory');
    const entry: ZipEntry = {
      method: view.getUint16(q + 10, true),
      compressedSize: view.getUint32(q + 20, true),
      size: view.getUint32(q + 24, true),
      localHeader: view.getUint32(q + 42, true),
    };
    if (view.getUint16(q + 8, true) & 1) throw damaged('an encrypted zip entry');
    entries.set(utf8.decode(bytes.subarray(q + 46, q + 46 + nameLength)), entry);
    q = next;
  }
  return entries;
}

/**
 * Bytes that the compressed entries of one archive may inflate to, all together (see [Note: inflation limits]).
 * PyTorch stores its entries uncompressed, and a checkpoint zipped again compresses weights little (about 10%); an
 * ImageJ ROI set's outlines deflate to about a third. Output 16 times the file (at least 16 MiB, for small files) is
 * far more than any real archive of either needs, and bounds a bomb.
 */
export function inflationBudget(fileLength: number): number {
  return Math.max(16 * 2 ** 20, 16 * fileLength);
}

/** An entry's bytes; `budget.left` (see inflationBudget) shrinks by what a deflated entry declares. */
export function zipEntryData(bytes: Uint8Array, entry: ZipEntry, budget: { left: number }, errors: ZipErrors): Uint8Array {
  const { damaged } = errors;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const header = entry.localHeader;
  if (header + 30 > bytes.length || view.getUint32(header, true) !== 0x04034b50) {
    throw damaged('a zip entry that is not where its directory says');
  }
  const start = header + 30 + view.getUint16(header + 26, true) + view.getUint16(header + 28, true);
  if (start + entry.compressedSize > bytes.length) throw damaged('a zip entry that runs past the end of the file');
  const stored = bytes.subarray(start, start + entry.compressedSize);
  if (entry.method === 0 && entry.compressedSize === entry.size) return stored;
  if (entry.method === 8) {
    if (entry.size > budget.left) {
      throw damaged(`a zip entry that declares ${entry.size} bytes once decompressed, far more than ${errors.fileKind} holds`, { declared: entry.size });
    }
    budget.left -= entry.size;
    let inflated: ReturnType<typeof inflateWithin>;
    try {
      inflated = inflateWithin(stored, entry.size, 'raw');
    } catch (error) {
      throw damaged('a zip entry that does not decompress', { cause: String(error) });
    }
    if (inflated.overflowed) throw damaged(`a zip entry that decompresses to more than the ${entry.size} bytes it declares`, { declared: entry.size });
    if (inflated.data.length === entry.size) return inflated.data;
  }
  throw damaged(`a zip entry stored with method ${entry.method} or of the wrong size`);
}
