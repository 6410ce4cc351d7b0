import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unpickle } from '../../src/engine/checkpoint/pickle';
import { PickleDict } from '../../src/engine/checkpoint/pickleValues';
import { UnsafeCheckpointError } from '../../src/engine/checkpoint/errors';
import { loadStateDict } from '../../src/engine/checkpoint/torchCheckpoint';
import { loadSizeModel } from '../../src/engine/checkpoint/sizeModel';
import { FileFormatError } from '../../src/engine/errors';
import { PickleWriter, objectNpy, zipCheckpoint } from './fixtures';

const latin1 = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));
const ORDERED_DICT = [{ module: 'collections', name: 'OrderedDict', construct: () => new PickleDict() }];
const options = { fileKind: 'model file', admitted: ORDERED_DICT };

/** A marker file an executed payload would create; every refusal test checks it never appears. */
const marker = join(tmpdir(), `celldesk-unpickle-ran-${process.pid}`);
const payload = `touch ${marker}`;

function refused(global: string) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof UnsafeCheckpointError, `expected UnsafeCheckpointError, got ${String(error)}`);
    assert.equal(error.code, 'UNSAFE_CHECKPOINT');
    assert.equal(error.global, global);
    assert.match(error.message, new RegExp(`'${global.replace(/\./g, '\\.')}'`));
    assert.match(error.message, /not loaded and nothing in it was run/);
    return true;
  };
}

test('reads a protocol-0 pickle: text ints, big ints, floats, escaped text, lists and shared references', () => {
  // pickle.dumps(OrderedDict(a=1, big=2**70, b=[1.5, 'xé\\\n', -7, None, True], self=<b>), protocol=0)
  const bytes = latin1(
    'ccollections\nOrderedDict\np0\n(tRp1\nVa\np2\nI1\nsVbig\np3\nL1180591620717411303424L\nsVb\np4\n(lp5\n' +
      'F1.5\naVx\xe9\\u005c\\u000a\np6\naI-7\naNaI01\nasVself\np7\ng5\ns.',
  );
  const { value, end } = unpickle(bytes, options);
  assert.ok(value instanceof PickleDict);
  assert.equal(end, bytes.length);
  assert.equal(value.get('a'), 1);
  assert.equal(value.get('big'), 2n ** 70n);
  assert.deepEqual(value.get('b'), [1.5, 'xé\\\n', -7, null, true]);
  assert.equal(value.get('self'), value.get('b'), 'a memo reference yields the same list');
});

test('refuses os.system in a protocol-2 pickle, and runs nothing', () => {
  rmSync(marker, { force: true });
  const bytes = new PickleWriter().proto(2).global('os', 'system').str(payload).op(0x85).reduce().stop();
  assert.throws(() => loadStateDict(bytes), refused('os.system'));
  assert.equal(existsSync(marker), false);
});

test('refuses os.system named by STACK_GLOBAL inside a zip checkpoint, and runs nothing', () => {
  rmSync(marker, { force: true });
  const pickle = new PickleWriter().proto(4).stackGlobal('os', 'system').str(payload).op(0x85).reduce().stop();
  assert.throws(() => loadStateDict(zipCheckpoint(pickle)), refused('os.system'));
  assert.equal(existsSync(marker), false);
});

test('refuses code named through protocol-0 INST', () => {
  assert.throws(() => loadStateDict(latin1(`\x80\x02(V${payload}\nios\nsystem\n.`)), refused('os.system'));
  assert.equal(existsSync(marker), false);
});

test('refuses every callable a model file does not need, in checkpoints and size models alike', () => {
  const names: [string, string][] = [
    ['builtins', 'eval'],
    ['__builtin__', 'getattr'],
    ['subprocess', 'Popen'],
    ['posix', 'system'],
    ['torch', 'load'],
    ['collections', 'defaultdict'],
    ['numpy', 'load'],
  ];
  for (const [module, name] of names) {
    const pickle = new PickleWriter().proto(2).global(module, name).str('x').op(0x85).reduce().stop();
    assert.throws(() => loadStateDict(pickle), refused(`${module}.${name}`));
    assert.throws(() => loadSizeModel(objectNpy(pickle)), refused(`${module}.${name}`));
  }
  // Each reader admits only its own names: PyTorch's tensor rebuild is no part of a size model.
  const torchInSizeModel = new PickleWriter().proto(2).global('torch._utils', '_rebuild_tensor_v2').emptyTuple().reduce().stop();
  assert.throws(() => loadSizeModel(objectNpy(torchInSizeModel)), refused('torch._utils._rebuild_tensor_v2'));
  assert.equal(existsSync(marker), false);
});

test('an admitted name that is only data cannot be called', () => {
  const pickle = new PickleWriter().proto(2).global('torch', 'FloatStorage').emptyTuple().reduce().stop();
  assert.throws(() => loadStateDict(zipCheckpoint(pickle)), (e: unknown) => e instanceof FileFormatError && /not callable/.test(e.message));
});

test('hostile or corrupt pickles give a FileFormatError, never a crash or a huge allocation', () => {
  const cases: [string, Uint8Array, RegExp][] = [
    ['a 2 GB integer', new PickleWriter().proto(2).op(0x8b, 0xff, 0xff, 0xff, 0x7f).stop(), /integer of \d+ bytes/],
    ['a 4 GB string', new PickleWriter().proto(2).op(0x58, 0xff, 0xff, 0xff, 0xff).stop(), /truncated/],
    ['a 2^40-byte frame', new PickleWriter().proto(4).op(0x95, 0, 0, 0, 0, 0, 1, 0, 0).stop(), /truncated/],
    ['a reference to a value never stored', new PickleWriter().proto(2).op(0x68, 7).stop(), /never stored/],
    ['an instruction on an empty stack', new PickleWriter().proto(2).op(0x61).stop(), /nothing to work on/],
    ['a group never opened', new PickleWriter().proto(2).tuple().stop(), /never opened/],
    ['100,000 nested groups', new Uint8Array(100_002).fill(0x28).fill(0x80, 0, 1).fill(2, 1, 2), /too deeply nested/],
    ['a future protocol', new PickleWriter().proto(9).none().stop(), /protocol 9/],
    ['an unknown instruction', new PickleWriter().proto(2).op(0xff).stop(), /instruction 0xff/],
  ];
  for (const [what, bytes, message] of cases) {
    assert.throws(
      () => unpickle(bytes, options),
      (e: unknown) => e instanceof FileFormatError && message.test(e.message),
      what,
    );
  }
});

test('a pickle cut anywhere reports that the file is truncated', () => {
  const bytes = latin1('ccollections\nOrderedDict\np0\n(tRp1\nVa\np2\nI1\nsVb\np4\n(lp5\nF1.5\naJ\x01\x02\x03\x04a.');
  for (let cut = 0; cut < bytes.length; cut++) {
    assert.throws(
      () => unpickle(bytes.subarray(0, cut), options),
      (e: unknown) => e instanceof FileFormatError && /truncated or incomplete/.test(e.message),
      `cut at ${cut}`,
    );
  }
});
