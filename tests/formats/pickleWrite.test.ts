// The pickle writer against CPython's own pickler: the expected bytes are pickle.dumps(value, protocol=3) of the same
// values in CPython 3 (as hex, or the SHA-256 of long ones), and every output reads back through the restricted reader.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { unpickle } from '../../src/engine/checkpoint/pickle';
import { PickleDict, PickleFloat, PickleTuple, type PickleValue } from '../../src/engine/checkpoint/pickleValues';
import { encodePickle } from '../../src/engine/formats/pickleWrite';
import { PythonDict, PythonTuple, type PythonValue } from '../../src/engine/formats/pythonValue';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** What the restricted reader makes of `bytes`, floats tagged, as plain JS for comparison. */
function readBack(bytes: Uint8Array): unknown {
  const plain = (v: PickleValue): unknown => {
    if (v instanceof PickleFloat) return { float: v.value };
    if (Array.isArray(v)) return v.map(plain);
    if (v instanceof PickleTuple) return { tuple: v.items.map(plain) };
    if (v instanceof PickleDict) return { dict: [...v].map(([k, x]) => [plain(k), plain(x)]) };
    return typeof v === 'number' ? BigInt(v) : v;
  };
  const { value, end } = unpickle(bytes, { fileKind: 'test pickle', admitted: [], tagFloats: true });
  assert.equal(end, bytes.length);
  return plain(value);
}

test('whole numbers take the shortest form CPython picks: BININT1, BININT2, BININT, LONG1', () => {
  const ints = [0n, 255n, 256n, 65535n, 65536n, -1n, 2n ** 31n - 1n, 2n ** 31n, -(2n ** 31n), -(2n ** 31n) - 1n, 2n ** 70n, -(2n ** 70n), 128n, -128n];
  const bytes = encodePickle(ints);
  assert.equal(
    hex(bytes),
    '80035d7100284b004bff4d00014dffff4a000001004affffffff4affffff7f8a0500000080004a000000808a05ffffff7fff8a090000000000000000408a090000000000000000c04b804a80ffffff652e',
  );
  assert.deepEqual(readBack(bytes), ints);
});

test('text is BINUNICODE in UTF-8; the empty and one-character strings recur as references, as CPython shares them', () => {
  const strings = ['', 'a', 'a', 'é', 'ab', 'µm ✓'];
  const bytes = encodePickle(strings);
  assert.equal(hex(bytes), '80035d71002858000000007101580100000061710268025802000000c3a971035802000000616271045807000000c2b56d20e29c937105652e');
  assert.deepEqual(readBack(bytes), strings);
});

test('floats are big-endian BINFLOAT, told apart from ints when read back', () => {
  const bytes = encodePickle([0, -1.5, Infinity, 1e-300]);
  assert.equal(hex(bytes), '80035d71002847000000000000000047bff8000000000000477ff00000000000004701a56e1fc2f8f359652e');
  assert.deepEqual(readBack(bytes), [{ float: 0 }, { float: -1.5 }, { float: Infinity }, { float: 1e-300 }]);
});

test('tuples, nested lists, dicts and bytes as CPython writes them, the same list twice as one memo entry', () => {
  const nested = new PythonDict([
    ['k', new PythonTuple([1n, new PythonTuple([2.5, null]), [true, false]])],
    ['e', new PythonTuple([])],
    ['big', new PythonTuple([1n, 2n, 3n, 4n])],
  ] as [string, PythonValue][]);
  assert.equal(
    hex(encodePickle(nested)),
    '80037d71002858010000006b71014b014740040000000000004e8671025d71032888896587710458010000006571052958030000006269677106284b014b024b034b04747107752e',
  );
  assert.equal(hex(encodePickle([new Uint8Array(0), Uint8Array.of(0x62), Uint8Array.of(0x62), Uint8Array.of(0x78, 0x79)])), '80035d7100284300710143016271026802430278797103652e');
  const shared: PythonValue[] = [1n];
  assert.equal(hex(encodePickle([shared, shared, new PythonTuple([shared])])), '80035d7100285d71014b016168016801857102652e');
  assert.equal(hex(encodePickle(new PythonDict([['a', 1n]]))), '80037d710058010000006171014b01732e');
});

test('long lists and dicts go in batches of 1000 (a dict of exactly 1000 ends with an empty batch), memo indices past 255 in 4 bytes', () => {
  const dict = new PythonDict(Array.from({ length: 1000 }, (_, i) => [`k${i}`, BigInt(i)] as [string, PythonValue]));
  assert.equal(sha256(encodePickle(dict)), 'c76ce90fffe68804c005be52d10d3e330c9488ab5c0c6961a48b22b18e7514e6');
  assert.equal(sha256(encodePickle(Array.from({ length: 1001 }, (_, i) => BigInt(i)))), 'ce0b9982c4bae73c8c71c93244535f156e8a3800c3b89c81861ab8b87d83a57d');
  const lists = Array.from({ length: 300 }, (_, i) => [BigInt(i)]);
  const bytes = encodePickle(lists);
  assert.equal(sha256(bytes), '56218b9207a29e7d69b59fe71f86b0d5e9e6adad83be90bc41ab602f8f570a66');
  assert.deepEqual(readBack(bytes), lists);
});
