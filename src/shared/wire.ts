// The browser mode's message framing: a JSON value whose typed arrays (pixels, labels, uploaded files) travel as
// raw bytes beside it, for HTTP bodies both ways. Pure; used by the server (Node) and the renderer's HTTP client.
//
// [Note: binary over HTTP] Electron's IPC clones typed arrays as they are; JSON would turn a 2560 x 2160 label image
// into tens of megabytes of text (base64 a third more than the bytes). So a message is
//   [uint32 little-endian: length of the JSON in bytes] [JSON, UTF-8] [zero padding to 8] [array 0] [pad] [array 1] ...
// where each typed array inside the value is replaced in the JSON by {"$binary": kind, "offset": o, "length": n}
// (byte offset from the end of the JSON's padding, byte length). Arrays start on 8-byte boundaries, so the receiver
// can view them without copying whatever their element size. A Uint32Array whose values all fit in 16 bits (a
// label image with fewer than 65,536 masks) travels as 16-bit values, marked "packed": "Uint16Array", and is
// widened back on arrival: half the bytes to copy, send and receive for the largest thing a segmentation sends.
// Arrays the engine sent as runs (src/shared/arrayRuns.ts, see [Note: label runs]) travel as their runs, marked
// "packed": "runs" with their element count, and arrive unpacked; only answers carry them: the server refuses them
// in a request (`unpackRuns: false`), as a request may come from anyone holding the page and a few bytes of runs
// could ask for gigabytes.
import { fromRuns, isArrayRuns, MalformedMessageError, type ArrayRuns, type UnpackTarget } from './arrayRuns';

export { MalformedMessageError };

const KINDS = {
  Uint8Array,
  Uint16Array,
  Uint32Array,
  Int32Array,
  Float32Array,
  Float64Array,
} as const;
type BinaryKind = keyof typeof KINDS;
type BinaryArray = InstanceType<(typeof KINDS)[BinaryKind]>;

interface BinaryReference {
  $binary: BinaryKind;
  offset: number;
  length: number;
  packed?: 'Uint16Array' | 'runs';
  /** Elements of the array sent, for "runs". */
  count?: number;
}

/** The most bytes runs may unpack to in one message (a few label images of the largest size CellDesk opens). */
const MAX_UNPACKED_BYTES = 2 ** 31;

export interface DecodeOptions {
  /** false: a message with runs is refused as damaged (the server's requests; see [Note: label runs]). Default true. */
  unpackRuns?: boolean;
  /** Where runs are unpacked (see [Note: recycled label arrays] in src/shared/viewer/recycledArrays.ts). */
  target?: UnpackTarget;
}

function fitsIn16Bits(values: Uint32Array): boolean {
  for (let i = 0; i < values.length; i++) if (values[i]! > 0xffff) return false;
  return true;
}

function kindOf(value: ArrayBufferView): BinaryKind {
  for (const [kind, type] of Object.entries(KINDS)) {
    if (value instanceof type) return kind as BinaryKind;
  }
  throw new TypeError(`${value.constructor.name} cannot be sent; use one of ${Object.keys(KINDS).join(', ')}`);
}

const align = (n: number) => Math.ceil(n / 8) * 8;

/** How `item` travels: as runs already made, as 16-bit values, or as it is. */
function packing(item: ArrayBufferView | ArrayRuns): Pick<BinaryReference, '$binary' | 'packed' | 'count'> & { sent: ArrayBufferView } {
  if (isArrayRuns(item)) return { $binary: item.$runs, packed: 'runs', count: item.count, sent: item.runs };
  if (item instanceof Uint32Array && fitsIn16Bits(item)) return { $binary: 'Uint32Array', packed: 'Uint16Array', sent: new Uint16Array(item) };
  return { $binary: kindOf(item), sent: item };
}

export function encodeMessage(value: unknown): Uint8Array {
  const arrays: { bytes: Uint8Array; offset: number }[] = [];
  let binaryLength = 0;
  const json = JSON.stringify(value ?? null, (_key, item: unknown) => {
    if (!ArrayBuffer.isView(item) && !isArrayRuns(item)) return item;
    const { sent, ...packed } = packing(item);
    const reference: BinaryReference = { ...packed, offset: binaryLength, length: sent.byteLength };
    arrays.push({ bytes: new Uint8Array(sent.buffer, sent.byteOffset, sent.byteLength), offset: binaryLength });
    binaryLength = align(binaryLength + sent.byteLength);
    return reference;
  });
  const text = new TextEncoder().encode(json);
  const binaryStart = align(4 + text.length);
  // The message ends with its last array: no padding after it, so a message cut short always cuts an array.
  const last = arrays[arrays.length - 1];
  const message = new Uint8Array(last === undefined ? 4 + text.length : binaryStart + last.offset + last.bytes.length);
  new DataView(message.buffer).setUint32(0, text.length, true);
  message.set(text, 4);
  for (const { bytes, offset } of arrays) message.set(bytes, binaryStart + offset);
  return message;
}

function isReference(value: unknown): value is BinaryReference {
  return typeof value === 'object' && value !== null && '$binary' in value && 'offset' in value && 'length' in value;
}

/** The value of a message; its typed arrays are views into `bytes` where aligned, else copies. */
export function decodeMessage(bytes: Uint8Array, options: DecodeOptions = {}): unknown {
  if (bytes.length < 4) throw new MalformedMessageError('shorter than its header');
  const jsonLength = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0, true);
  if (4 + jsonLength > bytes.length) throw new MalformedMessageError('its JSON part is cut short');
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(4, 4 + jsonLength));
  } catch {
    throw new MalformedMessageError('its JSON part is not UTF-8');
  }
  const binaryStart = align(4 + jsonLength);
  let parsed: unknown;
  const budget = { unpackedBytes: options.unpackRuns === false ? -1 : MAX_UNPACKED_BYTES, target: options.target };
  try {
    parsed = JSON.parse(text, (_key, item: unknown) => (isReference(item) ? view(bytes, binaryStart, item, budget) : item));
  } catch (error) {
    if (error instanceof MalformedMessageError) throw error;
    throw new MalformedMessageError('its JSON part does not parse');
  }
  return parsed;
}

/** What runs may still unpack to in a message, and where. */
interface Budget {
  unpackedBytes: number;
  target: UnpackTarget | undefined;
}

function view(bytes: Uint8Array, binaryStart: number, reference: BinaryReference, budget: Budget): BinaryArray {
  if (reference.packed === 'runs') {
    if (budget.unpackedBytes < 0) throw new MalformedMessageError('a request carries runs');
    const runs = view(bytes, binaryStart, { offset: reference.offset, length: reference.length, $binary: 'Uint32Array' }, budget) as Uint32Array;
    const values = fromRuns({ $runs: reference.$binary as ArrayRuns['$runs'], count: reference.count as number, runs }, budget.unpackedBytes, budget.target);
    budget.unpackedBytes -= values.byteLength;
    return values;
  }
  if (reference.packed !== undefined) {
    if (reference.packed !== 'Uint16Array' || reference.$binary !== 'Uint32Array') throw new MalformedMessageError(`a ${String(reference.$binary)} is packed as ${String(reference.packed)}`);
    return new Uint32Array(view(bytes, binaryStart, { ...reference, $binary: 'Uint16Array', packed: undefined }, budget) as Uint16Array);
  }
  const type = Object.hasOwn(KINDS, reference.$binary) ? KINDS[reference.$binary] : undefined;
  const { length } = reference;
  const offset = binaryStart + reference.offset;
  if (type === undefined) throw new MalformedMessageError(`unknown array kind ${String(reference.$binary)}`);
  if (!Number.isInteger(offset) || !Number.isInteger(length) || reference.offset < 0 || length < 0 || offset + length > bytes.length) {
    throw new MalformedMessageError('an array lies outside the message');
  }
  if (length % type.BYTES_PER_ELEMENT !== 0) throw new MalformedMessageError(`a ${reference.$binary} has a partial element`);
  const start = bytes.byteOffset + offset;
  if (start % type.BYTES_PER_ELEMENT === 0) return new type(bytes.buffer as ArrayBuffer, start, length / type.BYTES_PER_ELEMENT) as BinaryArray;
  return new type(bytes.slice(offset, offset + length).buffer) as BinaryArray;
}
