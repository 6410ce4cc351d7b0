// Seeded mutations of the official _seg.npy files (bit flips, most of them in the pickle's instructions around the
// arrays, and truncations): every case reads into a well-formed session or ends in a CellDeskError, never another
// exception or a hang. The seed is fixed, so a failure names a case that can be replayed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CellDeskError } from '../../src/engine/errors';
import { readSegFile } from '../../src/engine/sessionFile/readSegFile';
import { OFFICIAL_SESSIONS, officialSegFile } from './layout';

/** mulberry32: a small seeded generator of floats in [0, 1). */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/**
 * Byte ranges of pickle instructions: the .npy header and the instructions between the arrays' data, found as the
 * BINBYTES (0x42, 4-byte length) whose data is followed by the BINPUT (0x71) CPython writes after it.
 */
function instructionRanges(bytes: Uint8Array): [number, number][] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const ranges: [number, number][] = [[0, 300]];
  for (let i = 0; i + 5 < bytes.length; i++) {
    if (bytes[i] !== 0x42) continue;
    const end = i + 5 + view.getUint32(i + 1, true);
    if (end + 1 < bytes.length && bytes[end] === 0x71 && end - i > 1000) {
      ranges.push([i - 120, i + 5], [end, Math.min(bytes.length, end + 200)]);
      i = end;
    }
  }
  return ranges;
}

/** Reads `bytes`; returns 'read' or the error's code, and fails on anything but a well-formed session or a CellDeskError. */
function outcome(bytes: Uint8Array, what: string): string {
  try {
    const { masks, outlines } = readSegFile(bytes);
    assert.equal(masks.data.length, masks.planes * masks.height * masks.width, what);
    assert.equal(outlines.data.length, masks.data.length, what);
    return 'read';
  } catch (error) {
    assert.ok(error instanceof CellDeskError, `${what}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return error.code;
  }
}

for (const [index, name] of OFFICIAL_SESSIONS.entries()) {
  test(`bit flips and truncations of ${name}_seg.npy end in a session or a typed error`, { timeout: 300_000 }, () => {
    const original = officialSegFile(name);
    const next = random(20250 + index);
    const ranges = instructionRanges(original);
    assert.ok(ranges.length >= 11, `found the instructions around ${(ranges.length - 1) / 2} arrays`);
    const outcomes = new Map<string, number>();
    const count = (key: string) => outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
    for (let k = 0; k < 150; k++) {
      const [from, to] = next() < 0.85 ? ranges[Math.floor(next() * ranges.length)]! : [0, original.length];
      const at = Math.min(original.length - 1, Math.max(0, from + Math.floor(next() * (to - from))));
      const bit = Math.floor(next() * 8);
      const mutated = original.slice();
      mutated[at]! ^= 1 << bit;
      count(outcome(mutated, `case ${k}: bit ${bit} of byte ${at} flipped`));
    }
    for (let k = 0; k < 40; k++) {
      const [from, to] = k % 2 === 0 ? ranges[Math.floor(next() * ranges.length)]! : [0, original.length];
      const cut = Math.min(original.length - 1, Math.max(0, from + Math.floor(next() * (to - from))));
      const code = outcome(original.subarray(0, cut), `cut at ${cut}`);
      assert.equal(code, 'FILE_FORMAT', `a file cut at ${cut} of ${original.length} bytes is reported as damaged or truncated`);
      count(code);
    }
    // Most flips in the instructions break the file; some land in data or names and still read.
    assert.ok((outcomes.get('FILE_FORMAT') ?? 0) > 60, JSON.stringify([...outcomes]));
  });
}
