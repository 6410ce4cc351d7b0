import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseNpy } from '../../src/engine/formats/npy';
import { readShared } from '../helpers/shared';

test('reads a float32 reference array with its shape', () => {
  const array = parseNpy(readShared('reference', 'net.odd_160x208.input.npy'));
  assert.equal(array.kind, 'numeric');
  if (array.kind !== 'numeric') return;
  assert.deepEqual(array.shape, [1, 2, 160, 208]);
  assert.ok(array.data instanceof Float32Array);
  assert.equal(array.data.length, 2 * 160 * 208);
});

test('returns the pickle of an object array (a size model)', () => {
  const array = parseNpy(readShared('models', 'celldesk-demo', 'celldesk-demo_size.npy'));
  assert.equal(array.kind, 'object');
  if (array.kind !== 'object') return;
  assert.equal(array.pickle[0], 0x80); // pickle protocol opcode
});

test('refuses bytes that are not a .npy file', () => {
  assert.throws(() => parseNpy(new TextEncoder().encode('hello, not numpy')), /not a NumPy/);
});

test('refuses a truncated .npy file', () => {
  const bytes = readShared('reference', 'net.odd_160x208.input.npy');
  assert.throws(() => parseNpy(bytes.subarray(0, bytes.length - 100)), /truncated/);
});

test('refuses a header whose shape is not whole numbers (found by fuzzing: a shape of [1, NaN] read as an empty array)', () => {
  const bytes = readShared('reference', 'net.odd_160x208.input.npy').slice();
  const header = new TextDecoder('latin1').decode(bytes.subarray(10, 128));
  for (const shape of ['(1, 2, 1x0, 208)', '(1,-2, 160, 208)', '(1, 2, 1.5, 208)']) {
    const damaged = bytes.slice();
    const at = 10 + header.indexOf('(1, 2, 160, 208)');
    damaged.set(new TextEncoder().encode(shape.padEnd(16, ' ').slice(0, 16)), at);
    assert.throws(() => parseNpy(damaged), /its shape .* is not a list of whole numbers/, shape);
  }
  const huge = bytes.slice();
  huge.set(new TextEncoder().encode('(99999999999999)'.padEnd(16)), 10 + header.indexOf('(1, 2, 160, 208)'));
  assert.throws(() => parseNpy(huge), /truncated|impossibly large/);
});
