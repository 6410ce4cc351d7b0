// Reads a Cellpose size model (size_<model>.npy: np.save of {A, smean, diam_mean, ymean}) through the restricted
// unpickler, admitting only NumPy's array reconstruction (see [Note: restricted unpickling] in pickle.ts). Pure.
import { FileFormatError } from '../errors';
import { parseNpy } from '../formats/npy';
import {
  PickleDict,
  PickleGlobal,
  PickleObject,
  PickleTuple,
  damagedFileError,
  describeValue,
  unpickle,
  type AdmittedGlobal,
  type PickleValue,
} from './pickle';

/** Linear regression from a CPnet style vector to log-diameter (CELLPOSE-3-INFERENCE.md section 10). */
export interface SizeModel {
  A: Float64Array;
  smean: Float32Array;
  diamMean: number;
  ymean: number;
}

const FILE_KIND = 'size model';
const WHAT_IT_HOLDS = 'a saved dictionary of A, smean, diam_mean and ymean';
/** Length of CPnet's style vector (nbase[-1] = 256), which A and smean weigh feature by feature. */
const STYLE_LENGTH = 256;

export function loadSizeModel(bytes: Uint8Array): SizeModel {
  const npy = parseNpy(bytes);
  if (npy.kind !== 'object') {
    throw invalid(`This .npy file holds a plain array, not a Cellpose size model (${WHAT_IT_HOLDS}).`);
  }
  const root = unpickle(npy.pickle, { fileKind: FILE_KIND, admitted: NUMPY_GLOBALS }).value;
  // np.save of a dict writes a 0-d object array holding the dict.
  const dict = root instanceof NumpyArray && Array.isArray(root.values) && root.values.length === 1 ? root.values[0] : root;
  if (!(dict instanceof PickleDict)) {
    throw invalid(`This .npy file holds ${describeValue(dict ?? null)}, not a Cellpose size model (${WHAT_IT_HOLDS}).`);
  }
  const diamMean = scalarEntry(dict, 'diam_mean');
  if (diamMean <= 0) throw invalid(`This size model's diam_mean is ${diamMean}; it must be a positive diameter in pixels.`);
  return {
    A: vectorEntry(dict, 'A'),
    smean: Float32Array.from(vectorEntry(dict, 'smean')),
    diamMean,
    ymean: scalarEntry(dict, 'ymean'),
  };
}

function entry(dict: PickleDict, key: string): PickleValue {
  const value = dict.get(key);
  if (value === undefined) throw invalid(`This size model lacks '${key}'; a Cellpose size model is ${WHAT_IT_HOLDS}.`);
  return value;
}

function vectorEntry(dict: PickleDict, key: string): Float64Array {
  const value = entry(dict, key);
  if (!(value instanceof NumpyArray) || !(value.values instanceof Float64Array)) {
    throw invalid(`This size model's '${key}' is ${describeValue(value)}, not an array of numbers.`);
  }
  if (value.values.length !== STYLE_LENGTH || value.shape.length !== 1) {
    throw invalid(
      `This size model's '${key}' has shape [${value.shape.join(', ')}]; ` +
        `Cellpose size models have ${STYLE_LENGTH} values, one per style feature.`,
    );
  }
  if (!value.values.every(Number.isFinite)) {
    throw invalid(`This size model's '${key}' contains values that are not finite numbers; the file is damaged.`);
  }
  return value.values;
}

function scalarEntry(dict: PickleDict, key: string): number {
  const value = entry(dict, key);
  const number =
    typeof value === 'number' || typeof value === 'bigint'
      ? Number(value)
      : value instanceof NumpyArray && value.values instanceof Float64Array && value.values.length === 1
        ? value.values[0]!
        : NaN;
  if (!Number.isFinite(number)) {
    const found = typeof value === 'number' ? String(value) : describeValue(value);
    throw invalid(`This size model's '${key}' is ${found}, not a finite number; the file is damaged.`);
  }
  return number;
}

function invalid(message: string): FileFormatError {
  return new FileFormatError('size-model', message);
}

function damaged(detail: string): FileFormatError {
  return damagedFileError(FILE_KIND, detail);
}

/** NumPy element readers by type code (kind + bytes), as numpy.dtype receives them. */
const READERS: Readonly<Record<string, (view: DataView, offset: number, littleEndian: boolean) => number>> = {
  f4: (v, o, le) => v.getFloat32(o, le),
  f8: (v, o, le) => v.getFloat64(o, le),
  i1: (v, o) => v.getInt8(o),
  i2: (v, o, le) => v.getInt16(o, le),
  i4: (v, o, le) => v.getInt32(o, le),
  i8: (v, o, le) => Number(v.getBigInt64(o, le)),
  u1: (v, o) => v.getUint8(o),
  u2: (v, o, le) => v.getUint16(o, le),
  u4: (v, o, le) => v.getUint32(o, le),
  u8: (v, o, le) => Number(v.getBigUint64(o, le)),
  b1: (v, o) => v.getUint8(o),
};

/** numpy.dtype(code, align, copy); BUILD then gives its byte order. */
class NumpyDType extends PickleObject {
  readonly kind = 'a NumPy data type';
  littleEndian = true;

  constructor(readonly code: string) {
    super();
  }

  get isObject(): boolean {
    return this.code === 'O4' || this.code === 'O8';
  }

  get itemSize(): number {
    return Number(this.code.slice(1));
  }

  /** (version, byteorder, subarray, names, fields, elsize, alignment, flags[, metadata]) */
  override setState(state: PickleValue): void {
    const order = state instanceof PickleTuple ? state.items[1] : undefined;
    if (order !== '<' && order !== '>' && order !== '|' && order !== '=') throw damaged('a data type with no byte order');
    this.littleEndian = order !== '>';
  }

  /** The elements of `raw` as float64. */
  decode(raw: Uint8Array): Float64Array {
    const read = READERS[this.code]!;
    const size = this.itemSize;
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    const out = new Float64Array(raw.length / size);
    for (let i = 0; i < out.length; i++) out[i] = read(view, i * size, this.littleEndian);
    return out;
  }
}

/** numpy.core.multiarray._reconstruct(ndarray, (0,), b'b'); BUILD then gives shape, dtype and contents. */
class NumpyArray extends PickleObject {
  readonly kind = 'a NumPy array';
  shape: number[] = [];
  /** Numbers (any numeric dtype, as float64) or, for object arrays, the Python objects. */
  values: Float64Array | PickleValue[] = [];

  /** ndarray.__setstate__: (version, shape, dtype, is_fortran, data); very old NumPy omits the version. */
  override setState(state: PickleValue): void {
    if (!(state instanceof PickleTuple) || (state.items.length !== 4 && state.items.length !== 5)) {
      throw damaged('an array without contents');
    }
    const [shape, dtype, fortran, data] = state.items.slice(state.items.length - 4);
    const isLength = (n: PickleValue): boolean => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
    if (!(shape instanceof PickleTuple) || !shape.items.every(isLength)) {
      throw damaged('an array with an unreadable shape');
    }
    if (!(dtype instanceof NumpyDType)) throw damaged('an array without a data type');
    this.shape = shape.items as number[];
    const count = this.shape.reduce((a, b) => a * b, 1);
    if (fortran === true && this.shape.length > 1) {
      throw invalid('This size model stores a Fortran-ordered array, which CellDesk does not read.');
    }
    if (dtype.isObject) {
      if (!Array.isArray(data) || data.length !== count) throw damaged('an object array of the wrong length');
      this.values = data;
      return;
    }
    const raw = data instanceof Uint8Array ? data : typeof data === 'string' ? latin1Bytes(data) : null;
    if (raw === null || raw.length !== count * dtype.itemSize) {
      throw damaged(`an array of ${count} values with ${raw?.length ?? 0} bytes of data`);
    }
    this.values = dtype.decode(raw);
  }
}

function reconstruct(args: readonly PickleValue[]): PickleValue {
  const [subtype] = args;
  if (!(subtype instanceof PickleGlobal) || subtype.qualifiedName !== 'numpy.ndarray' || args.length !== 3) {
    throw damaged('an array of an unknown kind');
  }
  return new NumpyArray();
}

function newDType(args: readonly PickleValue[]): PickleValue {
  const [code] = args;
  if (typeof code !== 'string' || (READERS[code] === undefined && code !== 'O4' && code !== 'O8')) {
    throw invalid(`This size model uses the NumPy data type '${String(code)}', which a Cellpose size model never does.`);
  }
  return new NumpyDType(code);
}

/** numpy.core.multiarray.scalar(dtype, bytes): one number, such as np.float32(ymean). */
function scalar(args: readonly PickleValue[]): PickleValue {
  const [dtype, data] = args;
  if (!(dtype instanceof NumpyDType) || dtype.isObject) throw damaged('a scalar of an unknown type');
  const raw = data instanceof Uint8Array ? data : typeof data === 'string' ? latin1Bytes(data) : null;
  if (raw === null || raw.length !== dtype.itemSize) throw damaged('a scalar of the wrong size');
  return dtype.decode(raw)[0]!;
}

/** _codecs.encode(text, 'latin1'): how protocol-2 pickles written by Python 3 carry bytes. */
function encodeLatin1(args: readonly PickleValue[]): PickleValue {
  const [text, encoding] = args;
  if (typeof text !== 'string' || encoding !== 'latin1' || args.length !== 2) {
    throw damaged('a text encoding other than latin-1');
  }
  return latin1Bytes(text);
}

function latin1Bytes(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code > 0xff) throw damaged('binary data with characters beyond latin-1');
    out[i] = code;
  }
  return out;
}

const NUMPY_GLOBALS: readonly AdmittedGlobal[] = [
  ...['numpy.core.multiarray', 'numpy._core.multiarray'].flatMap((module) => [
    { module, name: '_reconstruct', construct: reconstruct },
    { module, name: 'scalar', construct: scalar },
  ]),
  { module: 'numpy', name: 'ndarray', construct: null },
  { module: 'numpy', name: 'dtype', construct: newDType },
  { module: '_codecs', name: 'encode', construct: encodeLatin1 },
];
