// Writes Python values (NumPy arrays included) as a pickle, instruction for instruction as Python's pickler writes
// them under NumPy 1.x, for np.load(..., allow_pickle=True) to read. Pure, runs anywhere.
//
// [Note: NumPy-compatible pickles] np.save of a dict is a 0-d object array whose pickle holds the dict. Cellpose
// 3.0.11 ran on NumPy 1.x, whose np.save pickles with protocol 3 and names numpy.core.multiarray._reconstruct, and
// its files (../shared/reference/seg) are exactly that; NumPy 2 still reads that name without a warning, while a
// NumPy 1.x reader cannot import the numpy._core that NumPy 2 writes. So this writer produces protocol 3 with the
// NumPy 1.x names, and follows CPython's pickler to the byte: every string, bytes, tuple, list, dict, global and
// reduced object is stored in the memo as it is written (BINPUT) and written again as a reference (BINGET) when the
// very same object recurs; NumPy's dtypes are one object per type, as are CPython's one-character strings and
// bytes, so those recur by value; a list or dict of one item is written with APPEND/SETITEM, longer ones in
// batches of 1000 between MARK and APPENDS/SETITEMS. An ndarray reduces to _reconstruct(ndarray, (0,), b'b') with
// the state (1, shape, dtype, False, data): the data as bytes for numbers, as a list for objects; a dtype reduces to
// dtype(code, False, True) with the state (3, byte order, None, None, None, -1, -1, flags). Read back, a file
// CellDesk writes from an official one is that file byte for byte (tests/sessionFile).
import { InvalidSettingError } from '../errors';
import { NdArray, PythonDict, PythonTuple, littleEndianBytes, type ObjectArray, type PythonValue } from './pythonValue';

const PROTOCOL = 3;
const BATCH_SIZE = 1000;
/** Deeper nesting than this is refused rather than overflowing the JS stack (Python's own limit is 1000). */
const MAX_DEPTH = 1000;

const OP = {
  MARK: 0x28,
  STOP: 0x2e,
  POP: 0x30,
  POP_MARK: 0x31,
  BINFLOAT: 0x47,
  BININT: 0x4a,
  BININT1: 0x4b,
  BININT2: 0x4d,
  NONE: 0x4e,
  REDUCE: 0x52,
  BINUNICODE: 0x58,
  BINBYTES: 0x42,
  SHORT_BINBYTES: 0x43,
  EMPTY_LIST: 0x5d,
  APPEND: 0x61,
  APPENDS: 0x65,
  BUILD: 0x62,
  GLOBAL: 0x63,
  BINGET: 0x68,
  LONG_BINGET: 0x6a,
  BINPUT: 0x71,
  LONG_BINPUT: 0x72,
  SETITEM: 0x73,
  SETITEMS: 0x75,
  TUPLE: 0x74,
  EMPTY_TUPLE: 0x29,
  EMPTY_DICT: 0x7d,
  PROTO: 0x80,
  TUPLE1: 0x85,
  NEWTRUE: 0x88,
  NEWFALSE: 0x89,
  LONG1: 0x8a,
  LONG4: 0x8b,
} as const;

const RECONSTRUCT = ['numpy.core.multiarray', '_reconstruct'] as const;
const NDARRAY = ['numpy', 'ndarray'] as const;
const DTYPE = ['numpy', 'dtype'] as const;
/** The dtype flags NumPy pickles: 63 (NPY_OBJECT_DTYPE_FLAGS) for object arrays, 0 for numbers. */
const OBJECT_DTYPE_FLAGS = 63n;

/** The pickle of `value` (see [Note: NumPy-compatible pickles]). */
export function encodePickle(value: PythonValue): Uint8Array {
  const encoder = new PickleEncoder();
  encoder.op(OP.PROTO, PROTOCOL);
  encoder.save(value, 0);
  encoder.op(OP.STOP);
  return encoder.finish();
}

class PickleEncoder {
  private readonly parts: Uint8Array[] = [];
  private pending: number[] = [];
  /** Memo keys: the value's object for lists, dicts, tuples and arrays; a text key for what recurs by value. */
  private readonly memo = new Map<unknown, number>();
  private readonly utf8 = new TextEncoder();

  op(...bytes: number[]): void {
    for (const b of bytes) this.pending.push(b);
  }

  finish(): Uint8Array {
    this.flush();
    const out = new Uint8Array(this.parts.reduce((n, part) => n + part.length, 0));
    let at = 0;
    for (const part of this.parts) {
      out.set(part, at);
      at += part.length;
    }
    return out;
  }

  save(value: PythonValue, depth: number): void {
    if (depth > MAX_DEPTH) throw new InvalidSettingError(`A value nested more than ${MAX_DEPTH} levels deep cannot be saved.`);
    if (value === null) return this.op(OP.NONE);
    if (value === true || value === false) return this.op(value ? OP.NEWTRUE : OP.NEWFALSE);
    if (typeof value === 'bigint') return this.int(value);
    if (typeof value === 'number') return this.float(value);
    if (typeof value === 'string') return this.text(value);
    if (value instanceof Uint8Array) return this.bytes(value);
    if (this.reference(value)) return;
    if (Array.isArray(value)) return this.list(value, depth);
    if (value instanceof PythonTuple) return this.tuple(value.items, value, depth);
    if (value instanceof PythonDict) return this.dict(value, depth);
    this.array(value, depth);
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    this.parts.push(Uint8Array.from(this.pending));
    this.pending = [];
  }

  private raw(data: Uint8Array): void {
    this.flush();
    this.parts.push(data);
  }

  private u32(n: number): number[] {
    return [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
  }

  private memoize(key: unknown): void {
    const index = this.memo.size;
    this.memo.set(key, index);
    if (index < 256) this.op(OP.BINPUT, index);
    else this.op(OP.LONG_BINPUT, ...this.u32(index));
  }

  /** Writes a reference if `key` was stored before. */
  private reference(key: unknown): boolean {
    const index = this.memo.get(key);
    if (index === undefined) return false;
    if (index < 256) this.op(OP.BINGET, index);
    else this.op(OP.LONG_BINGET, ...this.u32(index));
    return true;
  }

  private int(value: bigint): void {
    if (value >= 0n && value <= 0xffn) return this.op(OP.BININT1, Number(value));
    if (value >= 0n && value <= 0xffffn) return this.op(OP.BININT2, Number(value) & 0xff, Number(value) >> 8);
    if (value >= -0x80000000n && value <= 0x7fffffffn) return this.op(OP.BININT, ...this.u32(Number(value)));
    // pickle.encode_long: little-endian two's complement in as few bytes as hold the value and its sign.
    const bytes: number[] = [];
    let rest = value;
    do {
      bytes.push(Number(rest & 0xffn));
      rest >>= 8n;
    } while (!((rest === 0n && (bytes[bytes.length - 1]! & 0x80) === 0) || (rest === -1n && (bytes[bytes.length - 1]! & 0x80) !== 0)));
    if (bytes.length < 256) this.op(OP.LONG1, bytes.length, ...bytes);
    else this.op(OP.LONG4, ...this.u32(bytes.length), ...bytes);
  }

  private float(value: number): void {
    const bytes = new Uint8Array(8);
    new DataView(bytes.buffer).setFloat64(0, value, false);
    this.op(OP.BINFLOAT, ...bytes);
  }

  private text(value: string): void {
    // CPython keeps one object per empty or one-character Latin-1 string, so those recur as references.
    const shared = value.length <= 1 && (value.length === 0 || value.charCodeAt(0) < 256) ? `str\u0000${value}` : null;
    if (shared !== null && this.reference(shared)) return;
    const bytes = this.utf8.encode(value);
    this.op(OP.BINUNICODE, ...this.u32(bytes.length));
    this.raw(bytes);
    this.memoize(shared ?? Symbol('str'));
  }

  private bytes(value: Uint8Array): void {
    // Likewise one object per empty or one-byte bytes.
    const shared = value.length <= 1 ? `bytes\u0000${value.join()}` : value;
    if (this.reference(shared)) return;
    if (value.length < 256) this.op(OP.SHORT_BINBYTES, value.length);
    else this.op(OP.BINBYTES, ...this.u32(value.length));
    this.raw(value);
    this.memoize(shared);
  }

  private global(module: string, name: string): void {
    const key = `global\u0000${module}.${name}`;
    if (this.reference(key)) return;
    this.op(OP.GLOBAL);
    this.raw(this.utf8.encode(`${module}\n${name}\n`));
    this.memoize(key);
  }

  private tuple(items: readonly PythonValue[], identity: object, depth: number): void {
    if (items.length === 0) return this.op(OP.EMPTY_TUPLE);
    const small = items.length <= 3;
    if (!small) this.op(OP.MARK);
    for (const item of items) this.save(item, depth + 1);
    // A tuple reached again through its own items was written meanwhile: drop this copy, refer to that one.
    if (this.memo.has(identity)) {
      if (small) this.op(...new Array<number>(items.length).fill(OP.POP));
      else this.op(OP.POP_MARK);
      this.reference(identity);
      return;
    }
    this.op(small ? OP.TUPLE1 + items.length - 1 : OP.TUPLE);
    this.memoize(identity);
  }

  private list(items: readonly PythonValue[], depth: number): void {
    this.op(OP.EMPTY_LIST);
    this.memoize(items);
    if (items.length === 1) {
      this.save(items[0]!, depth + 1);
      return this.op(OP.APPEND);
    }
    for (let start = 0; start < items.length; start += BATCH_SIZE) {
      this.op(OP.MARK);
      for (const item of items.slice(start, start + BATCH_SIZE)) this.save(item, depth + 1);
      this.op(OP.APPENDS);
    }
  }

  private dict(dict: PythonDict, depth: number): void {
    this.op(OP.EMPTY_DICT);
    this.memoize(dict);
    const entries = [...dict];
    if (entries.length === 1) {
      const [key, value] = entries[0]!;
      this.save(key, depth + 1);
      this.save(value, depth + 1);
      return this.op(OP.SETITEM);
    }
    if (entries.length === 0) return;
    // CPython's batch loop runs while a batch came out full, so a multiple of 1000 entries ends with an empty batch.
    let start = 0;
    let batch: typeof entries;
    do {
      batch = entries.slice(start, start + BATCH_SIZE);
      start += BATCH_SIZE;
      this.op(OP.MARK);
      for (const [key, value] of batch) {
        this.save(key, depth + 1);
        this.save(value, depth + 1);
      }
      this.op(OP.SETITEMS);
    } while (batch.length === BATCH_SIZE);
  }

  /** ndarray.__reduce__: _reconstruct(ndarray, (0,), b'b'), then BUILD with (1, shape, dtype, False, data). */
  private array(array: NdArray | ObjectArray, depth: number): void {
    this.global(...RECONSTRUCT);
    this.global(...NDARRAY);
    this.tuple([0n], {}, depth + 1);
    this.bytes(Uint8Array.of(0x62));
    this.op(OP.TUPLE1 + 2);
    this.memoize({});
    this.op(OP.REDUCE);
    this.memoize(array);
    this.op(OP.MARK, OP.BININT1, 1);
    this.tuple(array.shape.map(BigInt), {}, depth + 1);
    this.dtype(array instanceof NdArray ? array.dtype : 'O8');
    this.op(OP.NEWFALSE);
    if (array instanceof NdArray) this.bytes(littleEndianBytes(array.data));
    else this.list(array.items, depth + 1);
    this.op(OP.TUPLE);
    this.memoize({});
    this.op(OP.BUILD);
  }

  /** numpy.dtype(code, False, True), then BUILD with (3, byte order, None, None, None, -1, -1, flags); once per type. */
  private dtype(code: string): void {
    const key = `dtype\u0000${code}`;
    if (this.reference(key)) return;
    this.global(...DTYPE);
    this.tuple([code, false, true], {}, 0);
    this.op(OP.REDUCE);
    this.memoize(key);
    const singleByte = code === 'O8' || code.endsWith('1');
    this.tuple([3n, singleByte ? '|' : '<', null, null, null, -1n, -1n, code === 'O8' ? OBJECT_DTYPE_FLAGS : 0n], {}, 0);
    this.op(OP.BUILD);
  }
}
