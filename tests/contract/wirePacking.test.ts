// Label images with fewer than 65,536 masks cross the wire as 16-bit values and arrive as the Uint32Array sent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeMessage, encodeMessage, MalformedMessageError } from '../../src/shared/wire';

test('a Uint32Array whose values fit in 16 bits travels in half the bytes and arrives as the same Uint32Array', () => {
  const labels = new Uint32Array(10_000).map((_, i) => (i * 7919) % 65536);
  const message = encodeMessage({ labels });
  assert.ok(message.length < 4 + 200 + 2 * labels.length, `${message.length} bytes`);
  const { labels: received } = decodeMessage(message) as { labels: Uint32Array };
  assert.ok(received instanceof Uint32Array);
  assert.deepEqual(received, labels);
});

test('a Uint32Array with a value above 65535 travels as it is', () => {
  const labels = Uint32Array.of(1, 65536, 3);
  const message = encodeMessage({ labels });
  assert.ok(message.length >= 4 * labels.length);
  assert.deepEqual((decodeMessage(message) as { labels: Uint32Array }).labels, labels);
});

test('a packing the codec does not make is refused as damaged', () => {
  for (const fake of [
    { $binary: 'Float32Array', offset: 0, length: 4, packed: 'Uint16Array' },
    { $binary: 'Uint32Array', offset: 0, length: 4, packed: 'Uint8Array' },
  ]) {
    const message = encodeMessage({ fake, pad: Uint8Array.of(1, 2, 3, 4) });
    assert.throws(() => decodeMessage(message), MalformedMessageError);
  }
});
