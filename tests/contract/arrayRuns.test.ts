// The engine's answers carry label images as runs and the window's clients unpack them (see [Note: label runs]):
// what arrives is what the engine made, the engine's own objects are left alone, and damaged runs are refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fromRuns, isArrayRuns, MalformedMessageError, packArrays, toRuns, unpackArrays } from '../../src/shared/arrayRuns';
import { squareMasks } from '../helpers/squareMasks';

test('a segmentation packed and unpacked is the segmentation made, with its label image and outlines as runs between', () => {
  const { labels, outlines } = squareMasks(1000, 700);
  const segmentation = { width: 1000, height: 700, labels, outlines, masks: [{ label: 1, area: 900, meanIntensity: [1.5] }], settings: { diameter: 30 } };
  const packed = packArrays(segmentation) as Record<string, unknown>;
  assert.ok(isArrayRuns(packed['labels']) && isArrayRuns(packed['outlines']));
  assert.ok(packed['labels'].runs.byteLength + packed['outlines'].runs.byteLength < (labels.byteLength + outlines.byteLength) / 20);
  assert.equal(packed['masks'], segmentation.masks, 'what holds no array is passed on as it is');
  assert.equal(segmentation.labels, labels, 'the engine keeps its own object unchanged');
  const unpacked = unpackArrays(structuredClone(packed)) as typeof segmentation;
  assert.deepEqual(unpacked, segmentation);
  assert.ok(unpacked.labels instanceof Uint32Array && unpacked.outlines instanceof Uint8Array);
});

test('arrays runs would not shrink enough, small ones, and other kinds are passed on as they are', () => {
  const noise = new Uint16Array(100_000).map((_, i) => (i * 7919) % 251);
  const small = new Uint32Array(1000);
  const floats = new Float32Array(100_000);
  assert.equal(toRuns(noise), null);
  assert.equal(toRuns(small), null);
  assert.equal(toRuns(floats), null);
  const value = { planes: [noise, small, floats] };
  assert.equal(packArrays(value), value);
});

test('arrays of every unsigned kind and inside lists come back with their kind and values', () => {
  const runs = (type: Uint8ArrayConstructor | Uint16ArrayConstructor | Uint32ArrayConstructor, value: number) => new type(200_000).fill(value, 50_000, 150_000);
  const value = { planes: [runs(Uint8Array, 255), runs(Uint16Array, 65535), runs(Uint32Array, 2 ** 32 - 1)] };
  const packed = packArrays(value) as { planes: unknown[] };
  assert.ok(packed.planes.every(isArrayRuns));
  assert.deepEqual(unpackArrays(packed), value);
});

test('runs that do not make up their array are refused, and none unpacks beyond the size allowed', () => {
  const damaged = [
    { $runs: 'Uint32Array' as const, count: 10, runs: Uint32Array.of(1, 4, 2, 5) },
    { $runs: 'Uint32Array' as const, count: 10, runs: Uint32Array.of(1, 11) },
    { $runs: 'Uint32Array' as const, count: 10, runs: Uint32Array.of(1, 0, 1, 10) },
    { $runs: 'Uint8Array' as const, count: 10, runs: Uint32Array.of(300, 10) },
    { $runs: 'Float32Array' as 'Uint8Array', count: 10, runs: Uint32Array.of(1, 10) },
  ];
  for (const packed of damaged) assert.throws(() => fromRuns(packed), MalformedMessageError, JSON.stringify(packed.$runs));
  assert.throws(() => fromRuns({ $runs: 'Uint32Array', count: 1000, runs: Uint32Array.of(1, 1000) }, 3999), /absurd size/);
  assert.equal(fromRuns({ $runs: 'Uint32Array', count: 1000, runs: Uint32Array.of(1, 1000) }, 4000).length, 1000);
});
