// Label images and outline masks as runs of equal values, for the engine's answers on their way to a window. Pure,
// runs anywhere: packed in the engine's host, unpacked by the renderer's engine clients (and by the browser mode's
// message framing, src/shared/wire.ts).
//
// [Note: label runs] A label image or an outline mask is mostly long stretches of one value: the 2560 x 2160 image
// with 1,000 cells is 5.5 million labels but some 50,000 runs, its outlines about 100,000. Copying the arrays
// themselves from the engine's host to the window is what a re-threshold spent most of its time on, beyond the
// engine: the structured clone from the engine's thread or process, then Electron's IPC or the HTTP reply, each a
// fresh copy of 27 MB (labels and outlines) that costs a page fault per 4 kB as well as the bytes. So the engine's
// host answers with every unsigned integer array that has at least RUNS_GAIN times fewer runs than bytes replaced by
// its runs (ArrayRuns: (value, length) pairs, a few hundred kB), the service passes them on as they are to the window
// (EngineService.forward), and the window's engine client unpacks them where they are used: the renderer gets the
// same Uint32Array the engine made, and no process between copies more than the runs. Calls made inside the main
// process (EngineService.call) get the arrays unpacked.
import { CellDeskError } from '../engine/errors';

/** The kinds that can travel as runs, with the largest value each holds. */
const RUN_KINDS = { Uint8Array: 0xff, Uint16Array: 0xffff, Uint32Array: 0xffffffff } as const;
export type RunKind = keyof typeof RUN_KINDS;
export type RunArray = Uint8Array<ArrayBuffer> | Uint16Array<ArrayBuffer> | Uint32Array<ArrayBuffer>;
/** Where unpacked arrays may go, and who hears what they were unpacked from (see [Note: recycled label arrays]). */
export interface UnpackTarget {
  /** An array of `count` elements of `kind` whose contents may be overwritten, or null to allocate one. */
  take(kind: RunKind, count: number): RunArray | null;
  unpacked(values: RunArray, runs: ArrayRuns): void;
}
const TYPES = { Uint8Array, Uint16Array, Uint32Array } as const;

/** Runs are used when there are at least this many times fewer of them than the array has bytes (one takes 8). */
const RUNS_GAIN = 16;
/** Arrays smaller than this travel as they are: too small to be worth it. */
const SMALLEST_PACKED_BYTES = 64 * 1024;

/** A typed array of `count` elements of `kind` as (value, length) pairs. */
export interface ArrayRuns {
  $runs: RunKind;
  count: number;
  runs: Uint32Array;
}

/** A message that does not hold what it claims to: runs that do not make up their array, or a body off its framing. */
export class MalformedMessageError extends CellDeskError {
  constructor(reason: string) {
    super('MALFORMED_MESSAGE', `CellDesk received a damaged message (${reason}).`, { reason });
  }
}

export function isArrayRuns(value: unknown): value is ArrayRuns {
  return typeof value === 'object' && value !== null && '$runs' in value && 'runs' in value && 'count' in value;
}

function kindOf(values: ArrayBufferView): RunKind | null {
  if (values instanceof Uint32Array) return 'Uint32Array';
  if (values instanceof Uint8Array && !(values instanceof Uint8ClampedArray)) return 'Uint8Array';
  if (values instanceof Uint16Array) return 'Uint16Array';
  return null;
}

function runCount(values: RunArray): number {
  if (values.length === 0) return 0;
  let runs = 1;
  for (let i = 1; i < values.length; i++) if (values[i] !== values[i - 1]) runs++;
  return runs;
}

/** `values` as runs when that saves enough (see [Note: label runs]); null otherwise. */
export function toRuns(values: ArrayBufferView): ArrayRuns | null {
  const kind = kindOf(values);
  if (kind === null || values.byteLength < SMALLEST_PACKED_BYTES) return null;
  const array = values as RunArray;
  const count = runCount(array);
  if (count * RUNS_GAIN > array.byteLength) return null;
  const runs = new Uint32Array(2 * count);
  let at = 0;
  let start = 0;
  for (let i = 1; i <= array.length; i++) {
    if (i < array.length && array[i] === array[start]) continue;
    runs[at++] = array[start]!;
    runs[at++] = i - start;
    start = i;
  }
  return { $runs: kind, count: array.length, runs };
}

/**
 * The array `packed` stands for: exactly `count` elements, no more and no fewer, each value one its kind holds;
 * anything else is refused with MalformedMessageError. At most `maxBytes` are allocated; `reuse` may offer an
 * array to write them into instead.
 */
export function fromRuns(packed: ArrayRuns, maxBytes = 2 ** 31, target?: UnpackTarget): RunArray {
  const { $runs: kind, count, runs } = packed;
  const largest = Object.hasOwn(RUN_KINDS, kind) ? RUN_KINDS[kind] : undefined;
  if (largest === undefined || !(runs instanceof Uint32Array) || runs.length % 2 !== 0) throw new MalformedMessageError(`runs of ${String(kind)}`);
  const type = TYPES[kind];
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 0 || count * type.BYTES_PER_ELEMENT > maxBytes) {
    throw new MalformedMessageError('runs that unpack to an absurd size');
  }
  const reused = target?.take(kind, count) ?? null;
  const values = reused !== null && reused instanceof type && reused.length === count ? reused : new type(count);
  // A new array is zeros already.
  const zeros = values === reused ? -1 : 0;
  let at = 0;
  for (let r = 0; r < runs.length; r += 2) {
    const value = runs[r]!;
    const end = at + runs[r + 1]!;
    if (value > largest || end === at || end > count) throw new MalformedMessageError('runs that do not add up to their array');
    if (value !== zeros) values.fill(value, at, end);
    at = end;
  }
  if (at !== count) throw new MalformedMessageError('runs that do not add up to their array');
  target?.unpacked(values, packed);
  return values;
}

/** `value` with every typed array in it that `change` replaces replaced; containers are copied only where needed. */
function mapArrays(value: unknown, change: (item: object) => unknown, depth = 0): unknown {
  if (typeof value !== 'object' || value === null || depth > 64) return value;
  const changed = change(value);
  if (changed !== value) return changed;
  if (ArrayBuffer.isView(value)) return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | null = null;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      const mapped = mapArrays(item, change, depth + 1);
      if (mapped !== item) (copy ??= [...value])[i] = mapped;
    }
    return copy ?? value;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype) return value;
  let copy: Record<string, unknown> | null = null;
  for (const [key, item] of Object.entries(value)) {
    const mapped = mapArrays(item, change, depth + 1);
    if (mapped !== item) (copy ??= { ...value })[key] = mapped;
  }
  return copy ?? value;
}

/** `value` with its label-like arrays as runs (see [Note: label runs]); `value` itself is left as it is. */
export function packArrays(value: unknown): unknown {
  return mapArrays(value, (item) => (ArrayBuffer.isView(item) ? (toRuns(item) ?? item) : item));
}

/**
 * Runs made before the answer that sends them (the engine's work ahead), by array: packing 27 MB of labels and
 * outlines is a few tens of milliseconds the answer then does not wait for. An array must not change once prepared.
 */
export class RunsAhead {
  private readonly prepared = new WeakMap<ArrayBufferView, ArrayRuns | null>();

  prepare(values: ArrayBufferView): void {
    if (!this.prepared.has(values)) this.prepared.set(values, toRuns(values));
  }

  /** packArrays, with the runs prepared for an array where there are some. */
  pack(value: unknown): unknown {
    return mapArrays(value, (item) => {
      if (!ArrayBuffer.isView(item)) return item;
      const prepared = this.prepared.has(item) ? this.prepared.get(item)! : toRuns(item);
      return prepared ?? item;
    });
  }
}

/** `value` with every ArrayRuns in it unpacked (MalformedMessageError for damaged ones), into `target`'s arrays. */
export function unpackArrays<T>(value: T, target?: UnpackTarget): T {
  return mapArrays(value, (item) => (isArrayRuns(item) ? fromRuns(item, undefined, target) : item)) as T;
}
