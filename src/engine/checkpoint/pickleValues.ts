// The values a restricted pickle read builds (see [Note: restricted unpickling] in pickle.ts), and the errors and
// words its messages use. Pure, runs anywhere.
import { FileFormatError, type CellDeskError } from '../errors';

export type PickleValue =
  | null
  | boolean
  | number
  | bigint
  | PickleFloat
  | string
  | Uint8Array
  | PickleValue[]
  | PickleTuple
  | PickleDict
  | PickleGlobal
  | PickleObject;

/** A Python float, for readers that ask for floats to be told from ints (UnpickleOptions.tagFloats). */
export class PickleFloat {
  constructor(readonly value: number) {}
}

/** A Python tuple (lists are plain arrays). */
export class PickleTuple {
  constructor(readonly items: readonly PickleValue[]) {}
}

/** A Python dict or collections.OrderedDict, in insertion order. */
export class PickleDict extends Map<PickleValue, PickleValue> {}

/** Builds a value from the arguments of REDUCE/NEWOBJ; throws FileFormatError when they are not what it expects. */
export type PickleConstructor = (args: readonly PickleValue[]) => PickleValue;

/** A name the caller admits: `construct` for callables, null for names that are only passed around as data. */
export interface AdmittedGlobal {
  module: string;
  name: string;
  construct: PickleConstructor | null;
}

/** A reference to an admitted name, as GLOBAL/STACK_GLOBAL pushes it. */
export class PickleGlobal {
  constructor(
    readonly module: string,
    readonly name: string,
    readonly construct: PickleConstructor | null,
  ) {}

  get qualifiedName(): string {
    return `${this.module}.${this.name}`;
  }
}

/** A value an admitted constructor built; those that take BUILD state (NumPy arrays, dtypes) define setState. */
export abstract class PickleObject {
  abstract readonly kind: string;
  setState?(state: PickleValue): void;
}

export interface UnpickleOptions {
  /** What the file is, for messages: 'model file', 'size model', 'Cellpose _seg.npy file'. */
  fileKind: string;
  admitted: readonly AdmittedGlobal[];
  /** Resolves PERSID/BINPERSID references (PyTorch's storages); absent: such references are refused. */
  persistentLoad?: (pid: PickleValue) => PickleValue;
  /** Floats as PickleFloat rather than numbers, for readers that write the values back as Python has them. */
  tagFloats?: boolean;
  /** The error for a name outside `admitted`; default UnsafeCheckpointError. */
  refuse?: (global: string, offset: number) => CellDeskError;
}

/** The file's bytes break the pickle format in a way truncation does not explain. */
export function damagedFileError(fileKind: string, detail: string, details: Record<string, unknown> = {}): FileFormatError {
  return new FileFormatError(
    'pickle',
    `This ${fileKind} is damaged or is not a ${fileKind} (${detail}). Copy or download it again.`,
    { fileKind, ...details },
  );
}

export function truncatedFileError(fileKind: string, details: Record<string, unknown> = {}): FileFormatError {
  return new FileFormatError(
    'pickle',
    `This ${fileKind} is truncated or incomplete: its data stops before the end of a record. Copy or download it again.`,
    { fileKind, reason: 'truncated', ...details },
  );
}

/** Short English for a value, for messages. */
export function describeValue(value: PickleValue): string {
  if (value === null) return 'None';
  if (typeof value === 'boolean') return 'a boolean';
  if (typeof value === 'number' || typeof value === 'bigint' || value instanceof PickleFloat) return 'a number';
  if (typeof value === 'string') return 'a text string';
  if (value instanceof Uint8Array) return 'raw bytes';
  if (Array.isArray(value)) return 'a list';
  if (value instanceof PickleTuple) return 'a tuple';
  if (value instanceof PickleDict) return 'a dictionary';
  if (value instanceof PickleGlobal) return `'${value.qualifiedName}'`;
  return value.kind;
}
