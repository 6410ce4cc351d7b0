// The byte-level reading under the pickle reader (pickle.ts): bounds-checked integers, lengths, lines and numbers,
// each read that runs past the end reported as a truncated file, each malformed one as a damaged file. Pure.
import type { FileFormatError } from '../errors';
import { damagedFileError, truncatedFileError } from './pickleValues';

/** Longest integer accepted (LONG1/LONG4, text ints); model files hold none longer than PyTorch's 10-byte magic. */
const MAX_INT_BYTES = 64;

/** A read position in a pickle's bytes. */
export class PickleBytes {
  protected pos: number;
  protected readonly view: DataView;

  constructor(
    protected readonly bytes: Uint8Array,
    /** What the file is, for messages: 'model file', 'size model', 'Cellpose _seg.npy file'. */
    protected readonly fileKind: string,
    start: number,
  ) {
    this.pos = start;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  protected memoIndex(text: string): number {
    const index = Number(text);
    if (!/^\d+$/.test(text) || !Number.isSafeInteger(index)) throw this.damaged(`a memo index '${text}'`);
    return index;
  }

  protected parseInt(text: string): number | bigint {
    if (!/^[+-]?\d+$/.test(text) || text.length > MAX_INT_BYTES * 3) throw this.damaged(`an integer '${text.slice(0, 40)}'`);
    return normalizeInt(BigInt(text));
  }

  protected parseFloat(text: string): number {
    const lower = text.toLowerCase();
    if (lower === 'nan' || lower === '-nan') return NaN;
    if (lower === 'inf' || lower === '+inf') return Infinity;
    if (lower === '-inf') return -Infinity;
    const value = Number(text);
    if (text.trim() === '' || Number.isNaN(value)) throw this.damaged(`a number '${text.slice(0, 40)}'`);
    return value;
  }

  /** Little-endian two's-complement integer of n bytes (LONG1/LONG4). */
  protected long(n: number): number | bigint {
    if (n < 0 || n > MAX_INT_BYTES) throw this.damaged(`an integer of ${n} bytes`);
    const b = this.take(n);
    let value = 0n;
    for (let i = n - 1; i >= 0; i--) value = (value << 8n) | BigInt(b[i]!);
    if (n > 0 && b[n - 1]! & 0x80) value -= 1n << BigInt(8 * n);
    return normalizeInt(value);
  }

  /** Protocol-0 text: latin-1 with \uXXXX and \UXXXXXXXX escapes (pickle escapes every backslash this way). */
  protected rawUnicodeEscape(text: string): string {
    return text.replace(/\\u([0-9a-fA-F]{4})|\\U([0-9a-fA-F]{8})/g, (_match, short?: string, long?: string) => {
      const code = parseInt(short ?? long ?? '', 16);
      if (code > 0x10ffff) throw this.damaged('a text character out of range');
      return String.fromCodePoint(code);
    });
  }

  protected need(n: number): void {
    if (n > this.bytes.length - this.pos) throw truncatedFileError(this.fileKind, { offset: this.pos });
  }

  protected take(n: number): Uint8Array {
    if (n < 0) throw this.damaged('a negative length');
    this.need(n);
    this.pos += n;
    return this.bytes.subarray(this.pos - n, this.pos);
  }

  protected line(): string {
    const end = this.bytes.indexOf(0x0a, this.pos);
    if (end < 0) throw truncatedFileError(this.fileKind, { offset: this.pos });
    const text = latin1(this.bytes.subarray(this.pos, end));
    this.pos = end + 1;
    return text;
  }

  protected u8(): number {
    this.need(1);
    return this.bytes[this.pos++]!;
  }

  protected u16(): number {
    this.need(2);
    this.pos += 2;
    return this.view.getUint16(this.pos - 2, true);
  }

  protected u32(): number {
    this.need(4);
    this.pos += 4;
    return this.view.getUint32(this.pos - 4, true);
  }

  protected i32(): number {
    this.need(4);
    this.pos += 4;
    return this.view.getInt32(this.pos - 4, true);
  }

  /** An 8-byte length; anything beyond the file's size is reported by the read that uses it. */
  protected u64(): number {
    this.need(8);
    this.pos += 8;
    const low = this.view.getUint32(this.pos - 8, true);
    const high = this.view.getUint32(this.pos - 4, true);
    return high >= 0x200000 ? Number.MAX_SAFE_INTEGER : high * 0x100000000 + low;
  }

  protected damaged(detail: string): FileFormatError {
    return damagedFileError(this.fileKind, detail, { offset: this.pos });
  }
}

function normalizeInt(value: bigint): number | bigint {
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
}

/** Bytes as latin-1 text (code point = byte), the way Python 3 reads Python 2 byte strings. */
export function latin1(bytes: Uint8Array): string {
  let text = '';
  for (let i = 0; i < bytes.length; i += 8192) text += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return text;
}
