// Parses NumPy .npy bytes into typed arrays, and writes the .npy of a pickled object; pure, runs anywhere. Object
// arrays (np.save of a dict, as Cellpose's size models and _seg.npy files are) come back as their raw pickle bytes,
// for the restricted unpickler to read.
import { FileFormatError } from '../errors';

export type NumericArray =
  | Float32Array
  | Float64Array
  | Int8Array
  | Int16Array
  | Int32Array
  | BigInt64Array
  | Uint8Array
  | Uint16Array
  | Uint32Array
  | BigUint64Array;

export interface NpyArray {
  kind: 'numeric';
  dtype: string;
  shape: number[];
  data: NumericArray;
}

export interface NpyPickledObject {
  kind: 'object';
  shape: number[];
  pickle: Uint8Array;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

interface TypedArrayConstructor {
  new (buffer: ArrayBuffer, byteOffset: number, length: number): NumericArray;
  new (length: number): NumericArray;
  readonly BYTES_PER_ELEMENT: number;
}

const NUMERIC_TYPES: Record<string, TypedArrayConstructor> = {
  f4: Float32Array,
  f8: Float64Array,
  i1: Int8Array,
  i2: Int16Array,
  i4: Int32Array,
  i8: BigInt64Array,
  u1: Uint8Array,
  b1: Uint8Array,
  u2: Uint16Array,
  u4: Uint32Array,
  u8: BigUint64Array,
};

export function parseNpy(bytes: Uint8Array): NpyArray | NpyPickledObject {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new FileFormatError('npy', 'This is not a NumPy .npy file (its first bytes are not the .npy signature).');
  }
  const major = bytes[6]!;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const headerStart = major === 1 ? 10 : 12;
  const dataStart = headerStart + headerLength;
  if (dataStart > bytes.length) {
    throw new FileFormatError('npy', 'The .npy file is truncated: its header runs past the end of the file.');
  }
  const header = new TextDecoder(major >= 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(headerStart, dataStart));
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    throw new FileFormatError('npy', 'The .npy header is unreadable.', { header });
  }
  const sides = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  // A damaged header can say anything: each side must be a whole number, and the array no larger than the file.
  if (!sides.every((side) => /^\d+$/.test(side))) {
    throw new FileFormatError('npy', `The .npy header is damaged: its shape (${shapeText.slice(0, 40)}) is not a list of whole numbers.`, { header });
  }
  const shape = sides.map(Number);
  const count = shape.reduce((a, b) => a * b, 1);
  if (!Number.isSafeInteger(count)) throw new FileFormatError('npy', 'The .npy header is damaged: its shape is impossibly large.', { shape });
  const body = bytes.subarray(dataStart);

  if (descr === '|O') return { kind: 'object', shape, pickle: body };

  const byteOrder = descr[0];
  const code = descr.slice(1);
  const Ctor = NUMERIC_TYPES[code];
  if (Ctor === undefined || (byteOrder !== '<' && byteOrder !== '>' && byteOrder !== '|')) {
    throw new FileFormatError('npy', `Unsupported .npy data type '${descr}'.`, { descr });
  }
  if (fortran === 'True' && shape.length > 1) {
    throw new FileFormatError('npy', 'Fortran-ordered .npy arrays are not supported; save the array in C order.');
  }
  const itemSize = Ctor.BYTES_PER_ELEMENT;
  if (body.length < count * itemSize) {
    throw new FileFormatError('npy', `The .npy file is truncated: ${count} values of ${itemSize} bytes declared, ${body.length} bytes present.`);
  }
  const copy = new Uint8Array(count * itemSize);
  copy.set(body.subarray(0, count * itemSize));
  if (byteOrder === '>' && itemSize > 1) {
    for (let i = 0; i < copy.length; i += itemSize) copy.subarray(i, i + itemSize).reverse();
  }
  return { kind: 'numeric', dtype: descr, shape, data: new Ctor(copy.buffer, 0, count) };
}

/** A numeric .npy as float32, the type every pipeline stage works in. */
export function npyToFloat32(array: NpyArray): Float32Array {
  if (array.data instanceof Float32Array) return array.data;
  const out = new Float32Array(array.data.length);
  for (let i = 0; i < out.length; i++) out[i] = Number(array.data[i]);
  return out;
}

/** .npy files start their data at a multiple of this many bytes (NumPy's ARRAY_ALIGN). */
const ARRAY_ALIGN = 64;

/**
 * The .npy file np.save writes for a 0-d object array (a dict, say) whose pickle is `pickle`: format version 1.0,
 * the header dict as NumPy spells it, padded with spaces and a newline to ARRAY_ALIGN.
 */
export function encodeObjectNpy(pickle: Uint8Array): Uint8Array {
  const dict = "{'descr': '|O', 'fortran_order': False, 'shape': (), }";
  const prefix = MAGIC.length + 4;
  const header = `${dict}${' '.repeat(ARRAY_ALIGN - ((prefix + dict.length + 1) % ARRAY_ALIGN))}\n`;
  const out = new Uint8Array(prefix + header.length + pickle.length);
  out.set(MAGIC);
  out.set([1, 0, header.length & 0xff, header.length >> 8], MAGIC.length);
  for (let i = 0; i < header.length; i++) out[prefix + i] = header.charCodeAt(i);
  out.set(pickle, prefix + header.length);
  return out;
}
