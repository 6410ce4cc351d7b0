import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeMessage, encodeMessage, MalformedMessageError } from '../../src/shared/wire';

test('a value with typed arrays of every kind survives encoding, its arrays aligned and viewed without copies', () => {
  const value = {
    ok: true,
    value: {
      name: 'image ünïcode.tif',
      labels: Uint32Array.of(0, 1, 2, 70000),
      planes: { bytes: Uint8Array.of(1, 2, 3), words: Uint16Array.of(65535), floats: Float32Array.of(0.5, -1) },
      list: [Int32Array.of(-5), Float64Array.of(Math.PI)],
      nothing: null,
    },
  };
  const message = encodeMessage(value);
  const decoded = decodeMessage(message) as typeof value;
  assert.deepEqual(decoded, value);
  assert.equal(decoded.value.labels.buffer, message.buffer);
  assert.equal(decoded.value.labels.byteOffset % 8, 0);
  assert.equal(decoded.value.list[1]!.byteOffset % 8, 0);
});

test('a subarray sends only its own elements', () => {
  const whole = Uint16Array.of(1, 2, 3, 4, 5);
  const decoded = decodeMessage(encodeMessage({ part: whole.subarray(1, 3) })) as { part: Uint16Array };
  assert.deepEqual(decoded.part, Uint16Array.of(2, 3));
});

test('a message read from an unaligned buffer still yields its arrays', () => {
  const message = encodeMessage({ labels: Uint32Array.of(7, 8) });
  const shifted = new Uint8Array(message.length + 1);
  shifted.set(message, 1);
  assert.deepEqual((decodeMessage(shifted.subarray(1)) as { labels: Uint32Array }).labels, Uint32Array.of(7, 8));
});

test('an input of undefined is sent as an absent field', () => {
  assert.deepEqual(decodeMessage(encodeMessage({ input: undefined })), {});
});

test('damaged messages are refused with MalformedMessageError', () => {
  const good = encodeMessage({ labels: Uint32Array.of(1, 2) });
  const damaged: Uint8Array[] = [
    Uint8Array.of(1, 2),
    good.subarray(0, 10),
    good.subarray(0, good.length - 4),
    (() => {
      const bad = encodeMessage({ x: 1 });
      bad[5] = 0xff;
      return bad;
    })(),
    encodeMessage({ fake: { $binary: 'BigInt64Array', offset: 0, length: 8 } }),
    encodeMessage({ fake: { $binary: 'Uint32Array', offset: 0, length: 3 } }),
  ];
  for (const bytes of damaged) assert.throws(() => decodeMessage(bytes), MalformedMessageError);
});
