// Reads a PyTorch state dict (torch.save of a model's state_dict, zip or legacy format) into typed arrays without
// running Python; pure (bytes in, tensors out), runs anywhere.
import { FileFormatError } from '../errors';
import { NotACellposeModelError, UnsafeCheckpointError } from './errors';
import { unpickle } from './pickle';
import { latin1 } from './pickleBytes';
import {
  PickleDict,
  PickleGlobal,
  PickleObject,
  PickleTuple,
  damagedFileError,
  describeValue,
  truncatedFileError,
  type AdmittedGlobal,
  type PickleValue,
} from './pickleValues';
import type { StateDict, StateTensor, TensorDType } from './types';
import { inflationBudget, readZipDirectory, zipEntryData, type ZipErrors } from '../formats/zipEntries';

const FILE_KIND = 'model file';

/** torch.<Name>Storage -> element type; the storage class is how a checkpoint says what its bytes are. */
const STORAGE_DTYPES: Readonly<Record<string, TensorDType>> = {
  HalfStorage: 'float16',
  FloatStorage: 'float32',
  DoubleStorage: 'float64',
  LongStorage: 'int64',
  IntStorage: 'int32',
  ShortStorage: 'int16',
  CharStorage: 'int8',
  ByteStorage: 'uint8',
  BoolStorage: 'bool',
};

const ELEMENT_BYTES: Readonly<Record<TensorDType, number>> = {
  float16: 2,
  float32: 4,
  float64: 8,
  int64: 8,
  int32: 4,
  int16: 2,
  int8: 1,
  uint8: 1,
  bool: 1,
};

/** A storage the pickle refers to by key; its bytes live outside the pickle (zip entry or legacy data section). */
class StorageRef extends PickleObject {
  readonly kind = 'a tensor storage';
  constructor(
    readonly key: string,
    readonly dtype: TensorDType,
  ) {
    super();
  }
}

/** torch._utils._rebuild_tensor_v2's arguments, kept until the storage bytes are at hand. */
class TensorRef extends PickleObject {
  readonly kind = 'a tensor';
  constructor(
    readonly storage: StorageRef,
    readonly offset: number,
    readonly shape: number[],
    readonly stride: number[],
  ) {
    super();
  }
}

/**
 * The tensors of a PyTorch checkpoint, by name, in file order. Reads both torch.save formats: the zip container
 * (PyTorch >= 1.6) and the legacy sequence of pickles. Throws UnsafeCheckpointError for a file that names code,
 * NotACellposeModelError for a file that holds something other than a dictionary of tensors, FileFormatError for
 * a truncated or damaged file.
 */
export function loadStateDict(bytes: Uint8Array): StateDict {
  try {
    if (bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04) {
      return readZipCheckpoint(bytes);
    }
    if (bytes.length >= 2 && bytes[0] === 0x80) return readLegacyCheckpoint(bytes);
  } catch (error) {
    throw wholeModelInstead(error);
  }
  throw new FileFormatError(
    'pytorch',
    'This is not a PyTorch model file: it is neither a zip-format nor a legacy-format checkpoint.',
  );
}

/** torch.save(net) instead of torch.save(net.state_dict()): the pickle names the network's classes. */
function wholeModelInstead(error: unknown): unknown {
  if (!(error instanceof UnsafeCheckpointError) || !/^(torch\.nn\.|cellpose\.|__torch__\.)/.test(error.global)) return error;
  return new NotACellposeModelError(
    `This file holds a whole saved network object ('${error.global}') instead of its weights. Reading it would ` +
      'mean running Python code, so it was not loaded. In Python, save the weights with ' +
      'torch.save(net.state_dict(), path) and use that file.',
    { global: error.global },
    { cause: error },
  );
}

/** How a checkpoint's zip container is refused. */
const ZIP_ERRORS: ZipErrors = {
  fileKind: `a ${FILE_KIND}`,
  truncated: () =>
    new FileFormatError('pytorch', 'This model file is truncated or incomplete: the zip directory at its end is missing. Copy or download it again.', {
      reason: 'truncated',
    }),
  damaged,
};

function readZipCheckpoint(bytes: Uint8Array): StateDict {
  const zip = readZipDirectory(bytes, ZIP_ERRORS);
  const pickleName = [...zip.keys()].find((name) => /^[^/]+\/data\.pkl$/.test(name));
  if (pickleName === undefined) {
    throw new FileFormatError('pytorch', 'This zip file is not a PyTorch model file: it has no data.pkl inside.');
  }
  const prefix = pickleName.slice(0, -'data.pkl'.length);
  const budget = { left: inflationBudget(bytes.length) };
  const read = new Map<string, Uint8Array>();
  const entry = (name: string): Uint8Array | undefined => {
    const found = zip.get(prefix + name);
    if (found === undefined) return undefined;
    const data = read.get(name) ?? zipEntryData(bytes, found, budget, ZIP_ERRORS);
    read.set(name, data);
    return data;
  };
  // PyTorch >= 2.1 writes storages in the saving machine's byte order and records it; older files are little-endian.
  const byteOrder = latin1(entry('byteorder') ?? new TextEncoder().encode('little')).trim();
  if (byteOrder !== 'little' && byteOrder !== 'big') throw damaged(`byte order '${byteOrder.slice(0, 20)}'`);
  const root = unpickle(entry('data.pkl')!, { fileKind: FILE_KIND, admitted: TORCH_GLOBALS, persistentLoad: storageRef }).value;
  return toStateDict(root, byteOrder === 'little', (key) => {
    const data = entry(`data/${key}`);
    if (data === undefined) throw damaged(`the data of storage '${key}' is missing`);
    return data;
  });
}

const LEGACY_MAGIC = 0x1950a86a20f9469cfc6cn;
const LEGACY_PROTOCOL = 1001;

/**
 * Legacy torch.save: pickles of the magic number, the protocol version and sys_info, then the object (storages
 * by persistent id), then the list of storage keys; then per key an int64 element count and the raw bytes. Counts
 * and bytes are little-endian whatever machine wrote them (torch/csrc/serialization.cpp).
 */
function readLegacyCheckpoint(bytes: Uint8Array): StateDict {
  const plain = { fileKind: FILE_KIND, admitted: [] };
  const magic = unpickle(bytes, plain);
  if (magic.value !== LEGACY_MAGIC) {
    throw new FileFormatError(
      'pytorch',
      "This file is a Python pickle but not a PyTorch model file (it lacks PyTorch's signature).",
    );
  }
  const protocol = unpickle(bytes, plain, magic.end);
  if (protocol.value !== LEGACY_PROTOCOL) throw damaged(`legacy format version ${String(protocol.value)}`);
  const sysInfo = unpickle(bytes, plain, protocol.end);
  const storages = new Map<string, StorageRef>();
  const root = unpickle(
    bytes,
    {
      fileKind: FILE_KIND,
      admitted: TORCH_GLOBALS,
      persistentLoad: (pid) => {
        const ref = storageRef(pid);
        storages.set(ref.key, ref);
        return ref;
      },
    },
    sysInfo.end,
  );
  const keys = unpickle(bytes, plain, root.end);
  if (!Array.isArray(keys.value)) throw damaged('its list of storages is missing');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const data = new Map<string, Uint8Array>();
  let pos = keys.end;
  for (const key of keys.value) {
    const ref = typeof key === 'string' ? storages.get(key) : undefined;
    if (ref === undefined) throw damaged(`storage ${String(key)} is listed but never used`);
    if (bytes.length - pos < 8) throw truncatedFileError(FILE_KIND, { offset: pos });
    const count = view.getBigUint64(pos, true);
    const byteLength = count * BigInt(ELEMENT_BYTES[ref.dtype]);
    if (byteLength > BigInt(bytes.length - pos - 8)) throw truncatedFileError(FILE_KIND, { offset: pos });
    pos += 8;
    data.set(ref.key, bytes.subarray(pos, pos + Number(byteLength)));
    pos += Number(byteLength);
  }
  return toStateDict(root.value, true, (key) => {
    const found = data.get(key);
    if (found === undefined) throw damaged(`storage '${key}' has no data`);
    return found;
  });
}

const TORCH_GLOBALS: readonly AdmittedGlobal[] = [
  { module: 'collections', name: 'OrderedDict', construct: newOrderedDict },
  { module: 'torch._utils', name: '_rebuild_tensor_v2', construct: rebuildTensor },
  { module: 'torch._utils', name: '_rebuild_parameter', construct: rebuildParameter },
  { module: 'torch._utils', name: '_rebuild_parameter_with_state', construct: rebuildParameter },
  // Admitted as names only, so that bfloat16 weights get their own message rather than a refusal.
  ...[...Object.keys(STORAGE_DTYPES), 'BFloat16Storage'].map((name) => ({ module: 'torch', name, construct: null })),
];

function newOrderedDict(args: readonly PickleValue[]): PickleValue {
  if (args.length !== 0) throw damaged('an OrderedDict built from arguments');
  return new PickleDict();
}

/** Persistent id ('storage', torch.<Type>Storage, key, location, element count[, legacy view]). */
function storageRef(pid: PickleValue): StorageRef {
  if (!(pid instanceof PickleTuple) || pid.items[0] !== 'storage') {
    throw damaged(`an external reference to ${describeValue(pid)}`);
  }
  const [, type, key, , , view = null] = pid.items;
  if (!(type instanceof PickleGlobal) || (typeof key !== 'string' && typeof key !== 'number')) {
    throw damaged('a storage reference without type or key');
  }
  if (type.name === 'BFloat16Storage') {
    throw new FileFormatError(
      'pytorch',
      'This model file stores its weights as bfloat16, which CellDesk does not read. In Python, convert the ' +
        'network with net.float() and save its state dict again.',
      { dtype: 'bfloat16' },
    );
  }
  if (view !== null) {
    throw new FileFormatError(
      'pytorch',
      'This model file was written by PyTorch older than 0.4 (it uses storage views). Load it and save it again ' +
        'with a recent PyTorch.',
    );
  }
  return new StorageRef(String(key), STORAGE_DTYPES[type.name]!);
}

/** _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata]). */
function rebuildTensor(args: readonly PickleValue[]): PickleValue {
  const [storage, offset, size, stride] = args;
  if (!(storage instanceof StorageRef) || !isIndex(offset) || args.length < 6 || args.length > 7) {
    throw damaged('a tensor without its storage or offset');
  }
  const shape = indexTuple(size);
  const strides = indexTuple(stride);
  if (shape === null || strides === null || shape.length !== strides.length) throw damaged('a tensor with an unreadable shape');
  return new TensorRef(storage, offset, shape, strides);
}

/** _rebuild_parameter(data, requires_grad, backward_hooks[, state]): an nn.Parameter is its tensor here. */
function rebuildParameter(args: readonly PickleValue[]): PickleValue {
  const [data] = args;
  if (!(data instanceof TensorRef)) throw damaged(`a parameter made of ${describeValue(data ?? null)}`);
  return data;
}

function isIndex(value: PickleValue | undefined): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function indexTuple(value: PickleValue | undefined): number[] | null {
  if (!(value instanceof PickleTuple) || !value.items.every(isIndex)) return null;
  return value.items as number[];
}

function toStateDict(root: PickleValue, littleEndian: boolean, storageData: (key: string) => Uint8Array): StateDict {
  if (!(root instanceof PickleDict)) {
    throw new NotACellposeModelError(
      `This PyTorch file holds ${describeValue(root)}, not a dictionary of network weights (a state dict).`,
      { found: describeValue(root) },
    );
  }
  const notTensors = [...root].filter(([name, value]) => typeof name !== 'string' || !(value instanceof TensorRef));
  if (notTensors.length > 0) {
    const names = [...root.keys()].map((k) => String(k));
    const hint = names.includes('param_groups')
      ? ' It looks like an optimizer state.'
      : ' Cellpose model files are saved with torch.save(net.state_dict(), path).';
    throw new NotACellposeModelError(
      `This PyTorch file holds a dictionary whose entries are not all tensors (${notTensors
        .slice(0, 4)
        .map(([k, v]) => `'${String(k)}' is ${describeValue(v)}`)
        .join(', ')}), so it is not a network's weights.${hint}`,
      { entryCount: root.size, entries: names.slice(0, 20) },
    );
  }
  const tensors: StateDict = new Map();
  for (const [name, ref] of root as Map<string, TensorRef>) {
    tensors.set(name, materialize(name, ref, storageData(ref.storage.key), littleEndian));
  }
  return tensors;
}

/** Copies a tensor's elements out of its storage in C order, honouring offset and strides. */
function materialize(name: string, ref: TensorRef, storage: Uint8Array, littleEndian: boolean): StateTensor {
  const { dtype } = ref.storage;
  const size = ELEMENT_BYTES[dtype];
  const { shape, stride, offset } = ref;
  const count = shape.reduce((a, b) => a * b, 1);
  let last = offset;
  for (let d = 0; d < shape.length; d++) last += (shape[d]! - 1) * stride[d]!;
  // A state dict's tensors never hold more values than their storage; the bound also keeps a hostile shape from
  // allocating unbounded memory.
  if (count > 0 && ((last + 1) * size > storage.length || count * size > storage.length)) {
    throw damaged(`tensor '${name}' reaches past the end of its stored data`, { tensor: name });
  }
  const raw = new Uint8Array(count * size);
  if (isContiguous(shape, stride)) {
    raw.set(storage.subarray(offset * size, (offset + count) * size));
  } else {
    const index = new Array<number>(shape.length).fill(0);
    let source = offset;
    for (let i = 0; i < count; i++) {
      for (let b = 0; b < size; b++) raw[i * size + b] = storage[source * size + b]!;
      for (let d = shape.length - 1; d >= 0; d--) {
        index[d]!++;
        source += stride[d]!;
        if (index[d]! < shape[d]!) break;
        source -= stride[d]! * shape[d]!;
        index[d] = 0;
      }
    }
  }
  if (!littleEndian && size > 1) {
    for (let i = 0; i < raw.length; i += size) raw.subarray(i, i + size).reverse();
  }
  return { dtype, shape: [...shape], data: typedView(dtype, raw) };
}

function isContiguous(shape: number[], stride: number[]): boolean {
  let expected = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    if (shape[d]! > 1 && stride[d] !== expected) return false;
    expected *= shape[d]!;
  }
  return true;
}

function typedView(dtype: TensorDType, raw: Uint8Array): StateTensor['data'] {
  const { buffer } = raw;
  switch (dtype) {
    case 'float16':
      return halfToFloat(new Uint16Array(buffer));
    case 'float32':
      return new Float32Array(buffer);
    case 'float64':
      return new Float64Array(buffer);
    case 'int64':
      return new BigInt64Array(buffer);
    case 'int32':
      return new Int32Array(buffer);
    case 'int16':
      return new Int16Array(buffer);
    case 'int8':
      return new Int8Array(buffer);
    case 'uint8':
    case 'bool':
      return raw;
  }
}

let halfTable: Float32Array | undefined;

/** IEEE half -> float32 through a 65536-entry table (every half is exact in float32). */
function halfToFloat(halves: Uint16Array): Float32Array {
  if (halfTable === undefined) {
    halfTable = new Float32Array(65536);
    for (let h = 0; h < 65536; h++) {
      const sign = h & 0x8000 ? -1 : 1;
      const exponent = (h >> 10) & 0x1f;
      const fraction = h & 0x3ff;
      halfTable[h] =
        exponent === 0
          ? sign * fraction * 2 ** -24
          : exponent === 31
            ? fraction === 0
              ? sign * Infinity
              : NaN
            : sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
    }
  }
  const out = new Float32Array(halves.length);
  for (let i = 0; i < halves.length; i++) out[i] = halfTable[halves[i]!]!;
  return out;
}

function damaged(detail: string, details: Record<string, unknown> = {}): FileFormatError {
  return damagedFileError(FILE_KIND, detail, details);
}
