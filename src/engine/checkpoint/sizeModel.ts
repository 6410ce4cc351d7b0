// Reads a Cellpose size model (size_<model>.npy: np.save of {A, smean, diam_mean, ymean}) through the restricted
// unpickler, admitting only NumPy's array reconstruction (see [Note: restricted unpickling] in pickle.ts). Pure.
import { FileFormatError } from '../errors';
import { parseNpy } from '../formats/npy';
import { NumpyArray, numpyGlobals, toFloat64 } from './numpyPickle';
import { unpickle } from './pickle';
import { PickleDict, describeValue, type PickleValue } from './pickleValues';

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
  const dict = root instanceof NumpyArray && root.objects?.length === 1 ? root.objects[0] : root;
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
  if (!(value instanceof NumpyArray) || value.numeric === null) {
    throw invalid(`This size model's '${key}' is ${describeValue(value)}, not an array of numbers.`);
  }
  const values = toFloat64(value.numeric);
  if (values.length !== STYLE_LENGTH || value.shape.length !== 1) {
    throw invalid(
      `This size model's '${key}' has shape [${value.shape.join(', ')}]; ` +
        `Cellpose size models have ${STYLE_LENGTH} values, one per style feature.`,
    );
  }
  if (!values.every(Number.isFinite)) {
    throw invalid(`This size model's '${key}' contains values that are not finite numbers; the file is damaged.`);
  }
  return values;
}

function scalarEntry(dict: PickleDict, key: string): number {
  const value = entry(dict, key);
  const number =
    typeof value === 'number' || typeof value === 'bigint'
      ? Number(value)
      : value instanceof NumpyArray && value.numeric?.data.length === 1
        ? toFloat64(value.numeric)[0]!
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

const NUMPY_GLOBALS = numpyGlobals({ fileKind: FILE_KIND, format: 'size-model' });
