// Test fixtures: writes small pickles, PyTorch zip checkpoints and NumPy object .npy files byte by byte, so tests can
// build exactly the file they need (odd tensors, hostile globals) without Python.
import { zipSync } from 'fflate';

/** Emits pickle opcodes (protocol 2-4 subset) in order; each method appends one instruction. */
export class PickleWriter {
  private readonly chunks: number[] = [];

  op(...bytes: number[]): this {
    this.chunks.push(...bytes);
    return this;
  }

  text(s: string): this {
    return this.op(...new TextEncoder().encode(s));
  }

  proto(n: number): this {
    return this.op(0x80, n);
  }

  /** GLOBAL 'module\nname\n' (protocols 0-3). */
  global(module: string, name: string): this {
    return this.op(0x63).text(`${module}\n${name}\n`);
  }

  /** STACK_GLOBAL from two short strings (protocol 4+). */
  stackGlobal(module: string, name: string): this {
    return this.shortStr(module).shortStr(name).op(0x93);
  }

  str(s: string): this {
    const bytes = new TextEncoder().encode(s);
    return this.op(0x58, ...u32(bytes.length), ...bytes);
  }

  shortStr(s: string): this {
    const bytes = new TextEncoder().encode(s);
    return this.op(0x8c, bytes.length, ...bytes);
  }

  int(n: number): this {
    return this.op(0x4a, ...u32(n >>> 0));
  }

  float(x: number): this {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setFloat64(0, x, false);
    return this.op(0x47, ...b);
  }

  bytes(data: Uint8Array): this {
    return this.op(0x42, ...u32(data.length), ...data);
  }

  bool(v: boolean): this {
    return this.op(v ? 0x88 : 0x89);
  }

  none(): this {
    return this.op(0x4e);
  }

  mark(): this {
    return this.op(0x28);
  }

  tuple(): this {
    return this.op(0x74);
  }

  emptyTuple(): this {
    return this.op(0x29);
  }

  intTuple(values: number[]): this {
    this.mark();
    for (const v of values) this.int(v);
    return this.tuple();
  }

  emptyDict(): this {
    return this.op(0x7d);
  }

  emptyList(): this {
    return this.op(0x5d);
  }

  setItems(): this {
    return this.op(0x75);
  }

  appends(): this {
    return this.op(0x65);
  }

  reduce(): this {
    return this.op(0x52);
  }

  build(): this {
    return this.op(0x62);
  }

  binPersId(): this {
    return this.op(0x51);
  }

  stop(): Uint8Array {
    this.op(0x2e);
    return new Uint8Array(this.chunks);
  }
}

function u32(n: number): number[] {
  return [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
}

export interface FixtureTensor {
  name: string;
  /** torch storage class, e.g. 'FloatStorage'. */
  storage: string;
  key: string;
  /** Elements in the storage, as the persistent id states it. */
  storageSize: number;
  offset?: number;
  shape: number[];
  /** Defaults to C-contiguous. */
  stride?: number[];
}

/** The data.pkl of torch.save(state_dict) in the zip format, for the given tensors. */
export function stateDictPickle(tensors: FixtureTensor[]): Uint8Array {
  const w = new PickleWriter().proto(2).global('collections', 'OrderedDict').emptyTuple().reduce().mark();
  for (const t of tensors) {
    w.str(t.name).global('torch._utils', '_rebuild_tensor_v2').mark();
    w.mark().str('storage').global('torch', t.storage).str(t.key).str('cpu').int(t.storageSize).tuple().binPersId();
    w.int(t.offset ?? 0).intTuple(t.shape).intTuple(t.stride ?? contiguousStride(t.shape));
    w.bool(false).global('collections', 'OrderedDict').emptyTuple().reduce().tuple().reduce();
  }
  return w.setItems().stop();
}

function contiguousStride(shape: number[]): number[] {
  const stride = new Array<number>(shape.length).fill(1);
  for (let d = shape.length - 2; d >= 0; d--) stride[d] = stride[d + 1]! * shape[d + 1]!;
  return stride;
}

/** A zip-format checkpoint 'archive/...' holding `pickle` as data.pkl and each storage as data/<key>. */
export function zipCheckpoint(pickle: Uint8Array, storages: Record<string, Uint8Array> = {}, extra: Record<string, Uint8Array> = {}): Uint8Array {
  const files: Record<string, Uint8Array> = { 'archive/data.pkl': pickle };
  for (const [key, data] of Object.entries(storages)) files[`archive/data/${key}`] = data;
  for (const [name, data] of Object.entries(extra)) files[`archive/${name}`] = data;
  files['archive/version'] = new TextEncoder().encode('3\n');
  return zipSync(files, { level: 0 });
}

export function float32Bytes(values: number[]): Uint8Array {
  return new Uint8Array(new Float32Array(values).buffer);
}

/** Appends numpy.core.multiarray._reconstruct(ndarray, (0,), b'b') with BUILD state for a 1-D numeric array. */
function numpyVector(w: PickleWriter, code: 'f4' | 'f8', values: number[]): void {
  const data = code === 'f8' ? new Uint8Array(new Float64Array(values).buffer) : float32Bytes(values);
  w.global('numpy.core.multiarray', '_reconstruct').global('numpy', 'ndarray').intTuple([0]).bytes(new Uint8Array([0x62]));
  w.op(0x87).reduce().mark().int(1).intTuple([values.length]);
  w.global('numpy', 'dtype').mark().str(code).bool(false).bool(true).tuple().reduce();
  w.mark().int(3).str('<').none().none().none().int(-1).int(-1).int(0).tuple().build();
  w.bool(false).bytes(data).tuple().build();
}

export interface SizeModelFields {
  A: number[];
  smean: number[];
  diamMean: number;
  ymean: number;
}

/** np.save(path, {A, smean, diam_mean, ymean}) as Cellpose writes it: a 0-d object array holding the dict. */
export function sizeModelNpy(fields: SizeModelFields): Uint8Array {
  const w = new PickleWriter().proto(3);
  w.global('numpy.core.multiarray', '_reconstruct').global('numpy', 'ndarray').intTuple([0]).bytes(new Uint8Array([0x62]));
  w.op(0x87).reduce().mark().int(1).emptyTuple();
  w.global('numpy', 'dtype').mark().str('O8').bool(false).bool(true).tuple().reduce();
  w.mark().int(3).str('|').none().none().none().int(-1).int(-1).int(63).tuple().build();
  w.bool(false).emptyList().emptyDict().mark();
  w.str('A');
  numpyVector(w, 'f8', fields.A);
  w.str('smean');
  numpyVector(w, 'f4', fields.smean);
  w.str('diam_mean').float(fields.diamMean).str('ymean').float(fields.ymean);
  w.setItems().op(0x61).tuple().build();
  return objectNpy(w.stop());
}

/** An .npy file of dtype object and shape (), whose body is `pickle`. */
export function objectNpy(pickle: Uint8Array): Uint8Array {
  let header = "{'descr': '|O', 'fortran_order': False, 'shape': (), }";
  header += ' '.repeat(63 - ((10 + header.length) % 64)) + '\n';
  const head = new Uint8Array([0x93, ...new TextEncoder().encode('NUMPY'), 1, 0, header.length & 0xff, header.length >> 8]);
  const out = new Uint8Array(head.length + header.length + pickle.length);
  out.set(head);
  out.set(new TextEncoder().encode(header), head.length);
  out.set(pickle, head.length + header.length);
  return out;
}
