// Python values as pickles carry them (None, bools, ints, floats, text, bytes, lists, tuples, dicts, NumPy arrays),
// in the shape CellDesk reads them from and writes them to pickled files such as Cellpose's _seg.npy. Pure.
import { FileFormatError } from '../errors';
import type { NumericArray } from './npy';

/**
 * A Python value: null is None, a JS number a Python float, a bigint a Python int (kept apart so that a value read
 * from a file is written back with the type it had), Uint8Array bytes, a JS array a list.
 */
export type PythonValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | PythonValue[]
  | PythonTuple
  | PythonDict
  | NdArray
  | ObjectArray;

export class PythonTuple {
  constructor(readonly items: readonly PythonValue[]) {}
}

/** A dict in insertion order; keys are text or ints, as in the files CellDesk reads. */
export class PythonDict extends Map<string | bigint, PythonValue> {}

/** NumPy's type codes (kind + bytes per element) for the numeric arrays CellDesk reads and writes. */
export const NUMERIC_DTYPES = ['b1', 'u1', 'i1', 'u2', 'i2', 'u4', 'i4', 'u8', 'i8', 'f4', 'f8'] as const;
export type NumericDType = (typeof NUMERIC_DTYPES)[number];

/** The typed array that holds each dtype (bool as one byte per element, 0 or 1, as NumPy stores it). */
export const DTYPE_ARRAYS: { readonly [D in NumericDType]: { new (length: number): NumericArray; readonly BYTES_PER_ELEMENT: number } } = {
  b1: Uint8Array,
  u1: Uint8Array,
  i1: Int8Array,
  u2: Uint16Array,
  i2: Int16Array,
  u4: Uint32Array,
  i4: Int32Array,
  u8: BigUint64Array,
  i8: BigInt64Array,
  f4: Float32Array,
  f8: Float64Array,
};

export function isNumericDType(code: string): code is NumericDType {
  return (NUMERIC_DTYPES as readonly string[]).includes(code);
}

/** A numeric NumPy array in C order (the last axis varies fastest), native byte order. */
export class NdArray {
  constructor(
    readonly dtype: NumericDType,
    readonly shape: readonly number[],
    readonly data: NumericArray,
  ) {
    if (!(data instanceof DTYPE_ARRAYS[dtype]) || data.length !== elementCount(shape)) {
      throw new FileFormatError('npy', `An array of shape [${shape.join(', ')}] and type ${dtype} cannot hold ${data.length} values.`);
    }
  }
}

/** A NumPy array of Python objects (dtype object), items in C order: np.save of a dict is one of shape (). */
export class ObjectArray {
  constructor(
    readonly shape: readonly number[],
    readonly items: readonly PythonValue[],
  ) {}
}

/** The number of elements of an array of this shape; NaN when a dimension is not a whole number from 0 up. */
export function elementCount(shape: readonly number[]): number {
  let count = 1;
  for (const n of shape) count = Number.isSafeInteger(n) && n >= 0 ? count * n : NaN;
  return count;
}

export const HOST_IS_LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/** The array's elements as little-endian bytes, as .npy and pickles store them ('<' byte order). */
export function littleEndianBytes(data: NumericArray): Uint8Array {
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (HOST_IS_LITTLE_ENDIAN || data.BYTES_PER_ELEMENT === 1) return bytes;
  return swapEach(bytes.slice(), data.BYTES_PER_ELEMENT);
}

/** Reverses the bytes of each element in place. */
export function swapEach(bytes: Uint8Array, size: number): Uint8Array {
  for (let i = 0; i < bytes.length; i += size) bytes.subarray(i, i + size).reverse();
  return bytes;
}
