// Test helper: what a _seg.npy holds, entry by entry, as its type, dtype and shape (what np.load(...).item() would
// show), read with CellDesk's restricted unpickler; and the official session files of ../shared/reference/seg.
import { numpyGlobals } from '../../src/engine/checkpoint/numpyPickle';
import { unpickle } from '../../src/engine/checkpoint/pickle';
import { parseNpy } from '../../src/engine/formats/npy';
import { NdArray, ObjectArray, PythonDict, PythonTuple, type PythonValue } from '../../src/engine/formats/pythonValue';
import { toPythonValue } from '../../src/engine/sessionFile/pythonValues';
import { readShared } from '../helpers/shared';

export const OFFICIAL_SESSIONS = ['cell_00849', 'omni_img02'] as const;

export function officialSegFile(name: (typeof OFFICIAL_SESSIONS)[number]): Uint8Array {
  return readShared('reference', 'seg', `${name}_seg.npy`);
}

/** The dict inside a _seg.npy as plain Python values. */
export function segDict(bytes: Uint8Array): PythonDict {
  const npy = parseNpy(bytes);
  if (npy.kind !== 'object') throw new Error('not an object .npy');
  const root = toPythonValue(unpickle(npy.pickle, { fileKind: 'test file', admitted: numpyGlobals({ fileKind: 'test file', format: 'test', tagFloats: true }), tagFloats: true }).value);
  if (!(root instanceof ObjectArray) || !(root.items[0] instanceof PythonDict)) throw new Error('not a pickled dict');
  return root.items[0];
}

/** A value's type as Python names it: 'ndarray u2 [512, 512]', 'list [int, int]', 'float', 'str', ... */
export function describe(value: PythonValue): string {
  if (value instanceof NdArray) return `ndarray ${value.dtype} [${value.shape.join(', ')}]`;
  if (Array.isArray(value)) return `list [${value.map(describe).join(', ')}]`;
  if (value instanceof PythonTuple) return `tuple (${value.items.map(describe).join(', ')})`;
  if (value instanceof PythonDict) return 'dict';
  if (value instanceof ObjectArray) return `ndarray O [${value.shape.join(', ')}]`;
  if (value === null) return 'None';
  if (value instanceof Uint8Array) return 'bytes';
  if (typeof value === 'bigint') return 'int';
  if (typeof value === 'number') return 'float';
  return typeof value === 'string' ? 'str' : 'bool';
}

/** Every entry of a _seg.npy, described: its keys in order, with types, dtypes and shapes. */
export function layout(bytes: Uint8Array): [string, string][] {
  return [...segDict(bytes)].map(([key, value]) => [String(key), describe(value)]);
}
