// From what the restricted unpickler builds to plain Python values (formats/pythonValue), and the typed readings of
// single values a session file needs (a number, whole numbers, text). Pure, runs anywhere.
import { NumpyArray } from '../checkpoint/numpyPickle';
import { PickleDict, PickleFloat, PickleTuple, damagedFileError, describeValue, type PickleValue } from '../checkpoint/pickleValues';
import { NdArray, ObjectArray, PythonDict, PythonTuple, type PythonValue } from '../formats/pythonValue';
import { SEG_FILE_KIND } from './errors';

/** Deeper nesting than any session file has; refused before it can exhaust the stack. */
const MAX_DEPTH = 64;

/**
 * `value` as plain Python values. A value the pickle shares (through its memo) is converted once and shared again,
 * so a file cannot multiply its size by referring to one list many times; a value that contains itself is refused.
 */
export function toPythonValue(value: PickleValue): PythonValue {
  const done = new Map<object, PythonValue>();
  const open = new Set<object>();
  const convert = (v: PickleValue, depth: number): PythonValue => {
    if (v === null || typeof v === 'boolean' || typeof v === 'string' || typeof v === 'bigint' || v instanceof Uint8Array) return v;
    if (typeof v === 'number') return Number.isInteger(v) ? BigInt(v) : v;
    if (v instanceof PickleFloat) return v.value;
    const known = done.get(v);
    if (known !== undefined) return known;
    if (open.has(v)) throw damaged('a value that contains itself');
    if (depth > MAX_DEPTH) throw damaged(`values nested more than ${MAX_DEPTH} levels deep`);
    open.add(v);
    const result = convertContainer(v, (item) => convert(item, depth + 1));
    open.delete(v);
    done.set(v, result);
    return result;
  };
  return convert(value, 0);
}

function convertContainer(v: Exclude<PickleValue, null | boolean | number | bigint | string | Uint8Array | PickleFloat>, convert: (item: PickleValue) => PythonValue): PythonValue {
  if (Array.isArray(v)) return v.map(convert);
  if (v instanceof PickleTuple) return new PythonTuple(v.items.map(convert));
  if (v instanceof PickleDict) {
    const dict = new PythonDict();
    for (const [key, item] of v) {
      const k = convert(key);
      if (typeof k !== 'string' && typeof k !== 'bigint') throw damaged(`a dictionary key that is ${describeValue(key)}`);
      dict.set(k, convert(item));
    }
    return dict;
  }
  if (v instanceof NumpyArray) {
    if (v.numeric !== null) return v.numeric;
    if (v.objects !== null) return new ObjectArray(v.shape, v.objects.map(convert));
    throw damaged('an array without contents');
  }
  throw damaged(`${describeValue(v)} where a value belongs`);
}

export function damaged(detail: string) {
  return damagedFileError(SEG_FILE_KIND, detail);
}

/** A single number: a Python int or float, a NumPy scalar, or an array of one element; else undefined. */
export function asNumber(value: PythonValue | undefined): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof NdArray && value.data.length === 1) return Number(value.data[0]!);
  return undefined;
}

/** Whole numbers from a list, tuple or integer array; undefined when any item is not one. */
export function asIntegers(value: PythonValue | undefined): number[] | undefined {
  const items: readonly PythonValue[] | null =
    Array.isArray(value) ? value : value instanceof PythonTuple ? value.items : value instanceof NdArray ? Array.from(value.data as ArrayLike<number | bigint>, (n) => (typeof n === 'bigint' ? n : Number(n))) : null;
  if (items === null) return undefined;
  const numbers = items.map(asNumber);
  return numbers.every((n): n is number => n !== undefined && Number.isSafeInteger(n)) ? numbers : undefined;
}
