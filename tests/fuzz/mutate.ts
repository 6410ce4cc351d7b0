// Fuzz helper: seeded mutations of a file's bytes — bit flips, truncations, bytes overwritten, and the format's
// own length and offset fields set to boundary values — each case reproducible from its seed.
import type { SeededRandom } from '../helpers/random';

/** Where a format keeps its lengths and offsets: byte offset and width of each field, and its byte order. */
export interface LengthField {
  offset: number;
  bytes: 1 | 2 | 4 | 8;
  littleEndian: boolean;
}

export type Mutation = 'flip' | 'truncate' | 'overwrite' | 'length' | 'zero-run';

function boundaryValue(random: SeededRandom, bytes: number, current: bigint): bigint {
  const max = (1n << BigInt(8 * bytes)) - 1n;
  return random.pick([0n, 1n, max, max >> 1n, max - 1n, current + 1n, current - 1n < 0n ? max : current - 1n, current * 2n, BigInt(random.below(65536)), current + BigInt(random.below(1 << 16))]) & max;
}

function readField(bytes: Uint8Array, field: LengthField): bigint {
  let value = 0n;
  for (let i = 0; i < field.bytes; i++) {
    const byte = BigInt(bytes[field.offset + (field.littleEndian ? field.bytes - 1 - i : i)]!);
    value = (value << 8n) | byte;
  }
  return value;
}

function writeField(bytes: Uint8Array, field: LengthField, value: bigint): void {
  for (let i = 0; i < field.bytes; i++) {
    const shift = BigInt(8 * (field.littleEndian ? i : field.bytes - 1 - i));
    bytes[field.offset + i] = Number((value >> shift) & 0xffn);
  }
}

/** A position, half the time within the first 4 KiB where headers and directories usually are. */
function position(random: SeededRandom, length: number): number {
  return random.below(2) === 0 ? random.below(Math.min(length, 4096)) : random.below(length);
}

/**
 * One to three mutations of a copy of `original`; `fields` are the format's length fields (empty: flips instead).
 * Returns the bytes and a short description of what was done, for reports.
 */
export function mutate(original: Uint8Array, fields: readonly LengthField[], random: SeededRandom): { bytes: Uint8Array; what: string[] } {
  // A copy even of a Node Buffer, whose slice() is a view.
  let bytes = new Uint8Array(original);
  const what: string[] = [];
  for (let n = 1 + random.below(3); n > 0 && bytes.length > 0; n--) {
    const kind = random.pick<Mutation>(['flip', 'flip', 'truncate', 'overwrite', 'length', 'length', 'zero-run']);
    if (kind === 'length' && fields.length > 0) {
      const field = random.pick(fields);
      if (field.offset + field.bytes > bytes.length) continue;
      const value = boundaryValue(random, field.bytes, readField(bytes, field));
      writeField(bytes, field, value);
      what.push(`length@${field.offset}=${value}`);
    } else if (kind === 'truncate') {
      const end = random.below(2) === 0 ? random.below(Math.min(bytes.length, 8192)) : random.below(bytes.length);
      bytes = bytes.slice(0, end);
      what.push(`truncate@${end}`);
    } else if (kind === 'overwrite') {
      const at = position(random, bytes.length);
      const run = random.bytes(1 + random.below(16));
      bytes.set(run.subarray(0, bytes.length - at), at);
      what.push(`overwrite@${at}+${run.length}`);
    } else if (kind === 'zero-run') {
      const at = position(random, bytes.length);
      const end = Math.min(bytes.length, at + 1 + random.below(512));
      bytes.fill(0, at, end);
      what.push(`zero@${at}-${end}`);
    } else {
      for (let flips = 1 + random.below(8); flips > 0; flips--) {
        const at = position(random, bytes.length);
        bytes[at]! ^= 1 << random.below(8);
      }
      what.push('flips');
    }
  }
  return { bytes, what };
}
