// Label images cross the wire compactly: as 16-bit values with fewer than 65,536 masks, as runs when the engine packed
// them so (see [Note: label runs]); either way they arrive as the Uint32Array sent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { packArrays } from '../../src/shared/arrayRuns';
import { decodeMessage, encodeMessage, MalformedMessageError } from '../../src/shared/wire';
import { squareMasks } from '../helpers/squareMasks';

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

test('label images the engine packed as runs travel as their runs and arrive as the arrays packed', () => {
  const { labels, outlines } = squareMasks(640, 480);
  const message = encodeMessage(packArrays({ ok: true, value: { labels, outlines, pixels: Float32Array.of(0.5, 1) } }));
  assert.ok(message.length < (labels.byteLength + outlines.byteLength) / 10, `${message.length} bytes`);
  const { value } = decodeMessage(message) as { value: { labels: Uint32Array; outlines: Uint8Array; pixels: Float32Array } };
  assert.ok(value.labels instanceof Uint32Array && value.outlines instanceof Uint8Array);
  assert.deepEqual(value.labels, labels);
  assert.deepEqual(value.outlines, outlines);
  assert.deepEqual(value.pixels, Float32Array.of(0.5, 1));
});

test('a request carrying runs is refused as damaged, before anything is unpacked', () => {
  const message = encodeMessage(packArrays({ input: { labels: new Uint32Array(100_000) } }));
  assert.throws(() => decodeMessage(message, { unpackRuns: false }), (error: unknown) => error instanceof MalformedMessageError && /request carries runs/.test(error.message));
  assert.equal((decodeMessage(message) as { input: { labels: Uint32Array } }).input.labels.length, 100_000);
});

test('runs that do not add up to their array, or hold values their kind cannot, are refused as damaged', () => {
  const forged = [
    { $binary: 'Uint32Array', count: 10, pairs: [1, 4, 2, 5] },
    { $binary: 'Uint32Array', count: 10, pairs: [1, 4, 2, 7] },
    { $binary: 'Uint32Array', count: 10, pairs: [1, 0, 2, 10] },
    { $binary: 'Uint32Array', count: 10, pairs: [1, 4, 2] },
    { $binary: 'Uint8Array', count: 10, pairs: [256, 10] },
    { $binary: 'Float32Array', count: 10, pairs: [1, 10] },
    { $binary: 'Uint32Array', count: 2 ** 40, pairs: [1, 10] },
    { $binary: 'Uint32Array', count: -1, pairs: [1, 10] },
    { $binary: 'Uint32Array', count: '10', pairs: [1, 10] },
  ];
  for (const { pairs, ...reference } of forged) {
    const runs = Uint32Array.from(pairs);
    // The forged reference points at the pairs, which are sent first.
    const message = encodeMessage({ runs, fake: { ...reference, packed: 'runs', offset: 0, length: runs.byteLength } });
    assert.throws(() => decodeMessage(message), MalformedMessageError, JSON.stringify(reference));
  }
});
