// NumPy arrays and scalars inside pickles (np.save of a dict: size models, _seg.npy files): the few names they need
// for the restricted unpickler (see [Note: restricted unpickling] in pickle.ts) and the arrays those names build.
// Pure, runs anywhere.
import { FileFormatError } from '../errors';
import {
  DTYPE_ARRAYS,
  HOST_IS_LITTLE_ENDIAN,
  NdArray,
  elementCount,
  isNumericDType,
  swapEach,
  type NumericDType,
} from '../formats/pythonValue';
import { PickleFloat, PickleGlobal, PickleObject, PickleTuple, damagedFileError, type AdmittedGlobal, type PickleValue } from './pickleValues';

/** Who reads the arrays: names the file in messages and tags the FileFormatError of a content problem. */
export interface NumpyPickleReader {
  fileKind: string;
  format: string;
  /** Float scalars as PickleFloat, as UnpickleOptions.tagFloats does for plain floats. */
  tagFloats?: boolean;
}

/** numpy.dtype(code, align, copy); BUILD then gives its byte order. */
class NumpyDType extends PickleObject {
  readonly kind = 'a NumPy data type';
  littleEndian = true;

  constructor(
    readonly code: NumericDType | 'O',
    private readonly reader: NumpyPickleReader,
  ) {
    super();
  }

  /** (version, byteorder, subarray, names, fields, elsize, alignment, flags[, metadata]) */
  override setState(state: PickleValue): void {
    const order = state instanceof PickleTuple ? state.items[1] : undefined;
    if (order !== '<' && order !== '>' && order !== '|' && order !== '=') throw damaged(this.reader, 'a data type with no byte order');
    this.littleEndian = order === '>' ? false : order === '<' ? true : HOST_IS_LITTLE_ENDIAN;
  }

  /** `raw` (count elements in the file's byte order) as a native-order array of `shape`, C order. */
  decode(raw: Uint8Array, shape: readonly number[], fortran: boolean): NdArray {
    const code = this.code as NumericDType;
    const Ctor = DTYPE_ARRAYS[code];
    // new Uint8Array(raw), not raw.slice(): a Node Buffer's slice is a view of its pool, not a copy.
    const copy = new Uint8Array(raw);
    if (this.littleEndian !== HOST_IS_LITTLE_ENDIAN && Ctor.BYTES_PER_ELEMENT > 1) swapEach(copy, Ctor.BYTES_PER_ELEMENT);
    const data = new (Ctor as unknown as new (buffer: ArrayBuffer) => NdArray['data'])(copy.buffer);
    return new NdArray(code, shape, fortran && shape.length > 1 ? fortranToC(data, shape) : data);
  }
}

/** numpy.core.multiarray._reconstruct(ndarray, (0,), b'b'); BUILD then gives shape, dtype and contents. */
export class NumpyArray extends PickleObject {
  readonly kind = 'a NumPy array';
  shape: readonly number[] = [];
  /** The contents of a numeric array. */
  numeric: NdArray | null = null;
  /** The items of an object array, in C order. */
  objects: PickleValue[] | null = null;

  constructor(private readonly reader: NumpyPickleReader) {
    super();
  }

  /** ndarray.__setstate__: (version, shape, dtype, is_fortran, data); very old NumPy omits the version. */
  override setState(state: PickleValue): void {
    if (!(state instanceof PickleTuple) || (state.items.length !== 4 && state.items.length !== 5)) {
      throw damaged(this.reader, 'an array without contents');
    }
    const [shape, dtype, fortran, data] = state.items.slice(state.items.length - 4);
    const isLength = (n: PickleValue): boolean => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
    if (!(shape instanceof PickleTuple) || !shape.items.every(isLength)) throw damaged(this.reader, 'an array with an unreadable shape');
    if (!(dtype instanceof NumpyDType)) throw damaged(this.reader, 'an array without a data type');
    if (typeof fortran !== 'boolean') throw damaged(this.reader, 'an array with an unreadable memory order');
    this.shape = shape.items as number[];
    const count = elementCount(this.shape);
    if (!Number.isSafeInteger(count)) throw damaged(this.reader, `an array of shape [${this.shape.join(', ')}]`);
    if (dtype.code === 'O') {
      if (!Array.isArray(data) || data.length !== count) throw damaged(this.reader, 'an object array of the wrong length');
      this.objects = data;
      return;
    }
    const raw = data instanceof Uint8Array ? data : typeof data === 'string' ? latin1Bytes(this.reader, data) : null;
    const itemSize = DTYPE_ARRAYS[dtype.code].BYTES_PER_ELEMENT;
    if (raw === null || raw.length !== count * itemSize) {
      throw damaged(this.reader, `an array of ${count} values with ${raw?.length ?? 0} bytes of data`);
    }
    this.numeric = dtype.decode(raw, this.shape, fortran);
  }
}

/** Elements stored with the first axis fastest (Fortran order), rearranged with the last axis fastest. */
function fortranToC<T extends NdArray['data']>(data: T, shape: readonly number[]): T {
  const out = new (data.constructor as new (length: number) => T)(data.length);
  const strides = shape.map((_, axis) => shape.slice(0, axis).reduce((a, b) => a * b, 1));
  const index = new Array<number>(shape.length).fill(0);
  for (let c = 0; c < data.length; c++) {
    let f = 0;
    for (let axis = 0; axis < shape.length; axis++) f += index[axis]! * strides[axis]!;
    out[c] = data[f]!;
    for (let axis = shape.length - 1; axis >= 0; axis--) {
      if (++index[axis]! < shape[axis]!) break;
      index[axis] = 0;
    }
  }
  return out;
}

function damaged(reader: NumpyPickleReader, detail: string): FileFormatError {
  return damagedFileError(reader.fileKind, detail);
}

function latin1Bytes(reader: NumpyPickleReader, text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code > 0xff) throw damaged(reader, 'binary data with characters beyond latin-1');
    out[i] = code;
  }
  return out;
}

/** The names a pickle of NumPy arrays needs, each building its value for `reader` and nothing else. */
export function numpyGlobals(reader: NumpyPickleReader): readonly AdmittedGlobal[] {
  const reconstruct = (args: readonly PickleValue[]): PickleValue => {
    const [subtype] = args;
    if (!(subtype instanceof PickleGlobal) || subtype.qualifiedName !== 'numpy.ndarray' || args.length !== 3) {
      throw damaged(reader, 'an array of an unknown kind');
    }
    return new NumpyArray(reader);
  };
  const newDType = (args: readonly PickleValue[]): PickleValue => {
    const [code] = args;
    if (code === 'O4' || code === 'O8') return new NumpyDType('O', reader);
    if (typeof code !== 'string' || !isNumericDType(code)) {
      throw new FileFormatError(
        reader.format,
        `This ${reader.fileKind} holds an array of the NumPy data type '${String(code)}', which CellDesk does not read ` +
          '(it reads booleans, whole numbers and 32- or 64-bit floats).',
        { dtype: String(code) },
      );
    }
    return new NumpyDType(code, reader);
  };
  /** numpy.core.multiarray.scalar(dtype, bytes): one number, such as np.float32(ymean). */
  const scalar = (args: readonly PickleValue[]): PickleValue => {
    const [dtype, data] = args;
    if (!(dtype instanceof NumpyDType) || dtype.code === 'O') throw damaged(reader, 'a scalar of an unknown type');
    const raw = data instanceof Uint8Array ? data : typeof data === 'string' ? latin1Bytes(reader, data) : null;
    if (raw === null || raw.length !== DTYPE_ARRAYS[dtype.code].BYTES_PER_ELEMENT) throw damaged(reader, 'a scalar of the wrong size');
    const value = dtype.decode(raw, [], false).data[0]!;
    if (dtype.code === 'b1') return value !== 0;
    if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value;
    return dtype.code.startsWith('f') && reader.tagFloats === true ? new PickleFloat(value) : value;
  };
  /** _codecs.encode(text, 'latin1'): how protocol-2 pickles written by Python 3 carry bytes. */
  const encodeLatin1 = (args: readonly PickleValue[]): PickleValue => {
    const [text, encoding] = args;
    if (typeof text !== 'string' || encoding !== 'latin1' || args.length !== 2) throw damaged(reader, 'a text encoding other than latin-1');
    return latin1Bytes(reader, text);
  };
  return [
    ...['numpy.core.multiarray', 'numpy._core.multiarray'].flatMap((module) => [
      { module, name: '_reconstruct', construct: reconstruct },
      { module, name: 'scalar', construct: scalar },
    ]),
    { module: 'numpy', name: 'ndarray', construct: null },
    { module: 'numpy', name: 'dtype', construct: newDType },
    { module: '_codecs', name: 'encode', construct: encodeLatin1 },
  ];
}

/** A numeric array's values as float64 (integers of 64 bits beyond 2^53 rounded). */
export function toFloat64(array: NdArray): Float64Array {
  return array.data instanceof Float64Array ? array.data : Float64Array.from(array.data as ArrayLike<number | bigint>, Number);
}
