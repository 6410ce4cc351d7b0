// Restricted reader of Python pickles (protocols 0-5) for model and _seg.npy files: builds plain values, runs nothing.
// Pure, runs anywhere.
// [Note: restricted unpickling] A pickle is a small program: GLOBAL names any Python callable and REDUCE calls it,
// which is how a malicious .pth runs os.system inside torch.load. This reader never runs Python. Its caller lists the
// few names a model file needs, each mapped to a TypeScript function that builds a value from data (a tensor
// reference, a NumPy array); any other name stops the read with UnsafeCheckpointError at once. REDUCE, NEWOBJ, INST
// and OBJ can only call those functions, and BUILD can only hand state to objects they made. Every read is bounds-
// checked (a short file is reported as truncated), and the stack, memo and integer sizes are capped so a hostile
// file cannot exhaust memory or time.
import { UnsafeCheckpointError } from './errors';
import { latin1, PickleBytes } from './pickleBytes';
import { describeValue, PickleDict, PickleFloat, PickleGlobal, PickleObject, PickleTuple, type AdmittedGlobal, type PickleValue, type UnpickleOptions } from './pickleValues';

export * from './pickleValues';
export { latin1 } from './pickleBytes';

const MAX_STACK = 1 << 20;
const MAX_MEMO = 1 << 20;
const MAX_MARKS = 1 << 16;
const HIGHEST_PROTOCOL = 5;

/** Reads one pickle starting at `start`; `end` is the offset just after its STOP. */
export function unpickle(bytes: Uint8Array, options: UnpickleOptions, start = 0): { value: PickleValue; end: number } {
  return new PickleMachine(bytes, options, start).run();
}

class PickleMachine extends PickleBytes {
  private readonly stack: PickleValue[] = [];
  private readonly marks: number[] = [];
  private readonly memo = new Map<number, PickleValue>();
  private readonly admitted = new Map<string, AdmittedGlobal>();
  private readonly utf8 = new TextDecoder('utf-8');

  constructor(
    bytes: Uint8Array,
    private readonly options: UnpickleOptions,
    start: number,
  ) {
    super(bytes, options.fileKind, start);
    for (const g of options.admitted) this.admitted.set(`${g.module}\n${g.name}`, g);
  }

  run(): { value: PickleValue; end: number } {
    for (;;) {
      const at = this.pos;
      const op = this.u8();
      if (op === 0x2e /* . STOP */) return { value: this.pop(), end: this.pos };
      this.step(op, at);
    }
  }

  private step(op: number, at: number): void {
    switch (op) {
      case 0x80 /* PROTO */: {
        const protocol = this.u8();
        if (protocol > HIGHEST_PROTOCOL) throw this.damaged(`pickle protocol ${protocol} is newer than any Python writes`);
        return;
      }
      case 0x95 /* FRAME */:
        this.need(this.u64());
        return;
      case 0x28 /* ( MARK */:
        if (this.marks.length >= MAX_MARKS) throw this.damaged('too deeply nested');
        this.marks.push(this.stack.length);
        return;
      case 0x30 /* 0 POP */:
        if (this.stack.length > this.markBase()) this.stack.pop();
        else this.popMark();
        return;
      case 0x31 /* 1 POP_MARK */:
        this.popMark();
        return;
      case 0x32 /* 2 DUP */:
        return this.push(this.top());
      case 0x4e /* N NONE */:
        return this.push(null);
      case 0x88 /* NEWTRUE */:
        return this.push(true);
      case 0x89 /* NEWFALSE */:
        return this.push(false);
      case 0x49 /* I INT */: {
        const text = this.line();
        if (text === '00' || text === '01') return this.push(text === '01');
        return this.push(this.parseInt(text));
      }
      case 0x4c /* L LONG */:
        return this.push(this.parseInt(this.line().replace(/L$/, '')));
      case 0x4a /* J BININT */:
        return this.push(this.i32());
      case 0x4b /* K BININT1 */:
        return this.push(this.u8());
      case 0x4d /* M BININT2 */:
        return this.push(this.u16());
      case 0x8a /* LONG1 */:
        return this.push(this.long(this.u8()));
      case 0x8b /* LONG4 */:
        return this.push(this.long(this.i32()));
      case 0x46 /* F FLOAT */:
        return this.push(this.float(this.parseFloat(this.line())));
      case 0x47 /* G BINFLOAT */:
        this.need(8);
        this.pos += 8;
        return this.push(this.float(this.view.getFloat64(this.pos - 8, false)));
      // Python 2 byte strings: read as latin-1 text, as np.load(encoding='latin1') and torch.load do.
      case 0x54 /* T BINSTRING */:
        return this.push(latin1(this.take(this.i32())));
      case 0x55 /* U SHORT_BINSTRING */:
        return this.push(latin1(this.take(this.u8())));
      case 0x56 /* V UNICODE */:
        return this.push(this.rawUnicodeEscape(this.line()));
      case 0x58 /* X BINUNICODE */:
        return this.push(this.utf8.decode(this.take(this.u32())));
      case 0x8c /* SHORT_BINUNICODE */:
        return this.push(this.utf8.decode(this.take(this.u8())));
      case 0x8d /* BINUNICODE8 */:
        return this.push(this.utf8.decode(this.take(this.u64())));
      case 0x42 /* B BINBYTES */:
        return this.push(this.take(this.u32()));
      case 0x43 /* C SHORT_BINBYTES */:
        return this.push(this.take(this.u8()));
      case 0x8e /* BINBYTES8 */:
      case 0x96 /* BYTEARRAY8 */:
        return this.push(this.take(this.u64()));
      case 0x29 /* ) EMPTY_TUPLE */:
        return this.push(new PickleTuple([]));
      case 0x85 /* TUPLE1 */:
      case 0x86 /* TUPLE2 */:
      case 0x87 /* TUPLE3 */: {
        const n = op - 0x84;
        const items: PickleValue[] = [];
        for (let i = 0; i < n; i++) items.unshift(this.pop());
        return this.push(new PickleTuple(items));
      }
      case 0x74 /* t TUPLE */:
        return this.push(new PickleTuple(this.popMark()));
      case 0x5d /* ] EMPTY_LIST */:
        return this.push([]);
      case 0x6c /* l LIST */:
        return this.push(this.popMark());
      case 0x61 /* a APPEND */: {
        const item = this.pop();
        this.list(this.top()).push(item);
        return;
      }
      case 0x65 /* e APPENDS */: {
        const items = this.popMark();
        const list = this.list(this.top());
        for (const item of items) list.push(item);
        return;
      }
      case 0x7d /* } EMPTY_DICT */:
        return this.push(new PickleDict());
      case 0x64 /* d DICT */: {
        const dict = new PickleDict();
        this.setItems(dict, this.popMark());
        return this.push(dict);
      }
      case 0x73 /* s SETITEM */: {
        const value = this.pop();
        const key = this.pop();
        this.dict(this.top()).set(key, value);
        return;
      }
      case 0x75 /* u SETITEMS */: {
        const items = this.popMark();
        this.setItems(this.dict(this.top()), items);
        return;
      }
      case 0x67 /* g GET */:
        return this.push(this.memoGet(this.memoIndex(this.line())));
      case 0x68 /* h BINGET */:
        return this.push(this.memoGet(this.u8()));
      case 0x6a /* j LONG_BINGET */:
        return this.push(this.memoGet(this.u32()));
      case 0x70 /* p PUT */:
        return this.memoPut(this.memoIndex(this.line()));
      case 0x71 /* q BINPUT */:
        return this.memoPut(this.u8());
      case 0x72 /* r LONG_BINPUT */:
        return this.memoPut(this.u32());
      case 0x94 /* MEMOIZE */:
        return this.memoPut(this.memo.size);
      case 0x63 /* c GLOBAL */: {
        const module = this.line();
        return this.push(this.resolve(module, this.line(), at));
      }
      case 0x93 /* STACK_GLOBAL */: {
        const name = this.pop();
        const module = this.pop();
        if (typeof module !== 'string' || typeof name !== 'string') throw this.damaged('a class name that is not text');
        return this.push(this.resolve(module, name, at));
      }
      case 0x69 /* i INST */: {
        const module = this.line();
        const target = this.resolve(module, this.line(), at);
        return this.push(this.call(target, this.popMark()));
      }
      case 0x6f /* o OBJ */: {
        const [target = null, ...args] = this.popMark();
        return this.push(this.call(target, args));
      }
      case 0x52 /* R REDUCE */: {
        const args = this.pop();
        return this.push(this.call(this.pop(), this.tupleItems(args)));
      }
      case 0x81 /* NEWOBJ */: {
        const args = this.pop();
        return this.push(this.call(this.pop(), this.tupleItems(args)));
      }
      case 0x92 /* NEWOBJ_EX */: {
        const kwargs = this.pop();
        const args = this.pop();
        if (!(kwargs instanceof PickleDict) || kwargs.size > 0) throw this.damaged('keyword arguments to a constructor');
        return this.push(this.call(this.pop(), this.tupleItems(args)));
      }
      case 0x62 /* b BUILD */: {
        const state = this.pop();
        const target = this.top();
        if (target instanceof PickleObject && target.setState) target.setState(state);
        // Attributes set on a dict are dropped: PyTorch stores only `_metadata` (module version numbers) this way.
        else if (!(target instanceof PickleDict)) throw this.damaged(`state given to ${describeValue(target)}`);
        return;
      }
      case 0x50 /* P PERSID */:
        return this.push(this.persistent(this.line()));
      case 0x51 /* Q BINPERSID */:
        return this.push(this.persistent(this.pop()));
      default:
        // Sets, extension codes and out-of-band buffers never occur in state dicts or NumPy arrays.
        throw this.damaged(`pickle instruction 0x${op.toString(16).padStart(2, '0')} at byte ${at}, unused in ${this.options.fileKind}s`);
    }
  }

  private resolve(module: string, name: string, at: number): PickleGlobal {
    const admitted = this.admitted.get(`${module}\n${name}`);
    if (admitted === undefined) {
      const refuse = this.options.refuse ?? ((global, offset) => new UnsafeCheckpointError(global, this.options.fileKind, offset));
      throw refuse(`${module}.${name}`, at);
    }
    return new PickleGlobal(admitted.module, admitted.name, admitted.construct);
  }

  private call(target: PickleValue, args: readonly PickleValue[]): PickleValue {
    if (!(target instanceof PickleGlobal)) throw this.damaged(`a call of ${describeValue(target)}`);
    if (target.construct === null) throw this.damaged(`a call of '${target.qualifiedName}', which is not callable`);
    return target.construct(args);
  }

  private float(value: number): number | PickleFloat {
    return this.options.tagFloats === true ? new PickleFloat(value) : value;
  }

  private persistent(pid: PickleValue): PickleValue {
    if (this.options.persistentLoad === undefined) throw this.damaged('a reference to external data');
    return this.options.persistentLoad(pid);
  }

  private push(value: PickleValue): void {
    if (this.stack.length >= MAX_STACK) throw this.damaged(`more values than any ${this.options.fileKind} holds`);
    this.stack.push(value);
  }

  private markBase(): number {
    return this.marks.length > 0 ? this.marks[this.marks.length - 1]! : 0;
  }

  private pop(): PickleValue {
    if (this.stack.length <= this.markBase()) throw this.damaged('an instruction with nothing to work on');
    return this.stack.pop()!;
  }

  private top(): PickleValue {
    if (this.stack.length <= this.markBase()) throw this.damaged('an instruction with nothing to work on');
    return this.stack[this.stack.length - 1]!;
  }

  private popMark(): PickleValue[] {
    const mark = this.marks.pop();
    if (mark === undefined) throw this.damaged('a group that was never opened');
    return this.stack.splice(mark);
  }

  private list(value: PickleValue): PickleValue[] {
    if (!Array.isArray(value)) throw this.damaged(`items appended to ${describeValue(value)}`);
    return value;
  }

  private dict(value: PickleValue): PickleDict {
    if (!(value instanceof PickleDict)) throw this.damaged(`entries added to ${describeValue(value)}`);
    return value;
  }

  private tupleItems(value: PickleValue): readonly PickleValue[] {
    if (!(value instanceof PickleTuple)) throw this.damaged(`call arguments given as ${describeValue(value)}`);
    return value.items;
  }

  private setItems(dict: PickleDict, items: PickleValue[]): void {
    if (items.length % 2 !== 0) throw this.damaged('a dictionary entry without a value');
    for (let i = 0; i < items.length; i += 2) dict.set(items[i]!, items[i + 1]!);
  }

  private memoGet(index: number): PickleValue {
    const value = this.memo.get(index);
    if (value === undefined) throw this.damaged(`a reference to value ${index}, which was never stored`);
    return value;
  }

  private memoPut(index: number): void {
    if (this.memo.size >= MAX_MEMO && !this.memo.has(index)) throw this.damaged(`more stored values than any ${this.options.fileKind} holds`);
    this.memo.set(index, this.top());
  }

}
