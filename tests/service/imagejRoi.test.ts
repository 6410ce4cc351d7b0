import { test } from 'node:test';
import assert from 'node:assert/strict';
import { unzipSync } from 'fflate';
import { encodeImagejRoi, encodeImagejRoiZip } from '../../src/engine/formats/imagejRoi';

/** Reads a .roi as ImageJ's RoiDecoder does (big-endian), independently of the encoder. */
function decodeRoi(bytes: Uint8Array) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = view.getUint16(16);
  const top = view.getInt16(8);
  const left = view.getInt16(10);
  const header2 = view.getInt32(60);
  const nameOffset = view.getInt32(header2 + 16);
  const nameLength = view.getInt32(header2 + 20);
  const name = String.fromCharCode(...Array.from({ length: nameLength }, (_, k) => view.getUint16(nameOffset + 2 * k)));
  const points: number[] = [];
  for (let k = 0; k < n; k++) points.push(left + view.getInt16(64 + 2 * k), top + view.getInt16(64 + 2 * n + 2 * k));
  return {
    magic: new TextDecoder().decode(bytes.subarray(0, 4)),
    version: view.getInt16(4),
    type: view.getUint8(6),
    box: { top, left, bottom: view.getInt16(12), right: view.getInt16(14) },
    options: view.getInt16(50),
    points,
    name,
    length: bytes.length,
  };
}

test('a mask outline becomes a freehand ROI with its box, points relative to the box, and its name', () => {
  const points = Int32Array.of(10, 20, 10, 22, 12, 22, 12, 20, 11, 20);
  const roi = decodeRoi(encodeImagejRoi({ name: '0007', points }));
  assert.deepEqual(roi, {
    magic: 'Iout',
    version: 226,
    type: 7,
    box: { top: 20, left: 10, bottom: 23, right: 13 },
    options: 8 | 32,
    points: Array.from(points),
    name: '0007',
    // 64-byte header, 5 x and 5 y int16 values, 64-byte second header, 4 UTF-16 characters.
    length: 64 + 20 + 64 + 8,
  });
});

test('coordinates beyond what ImageJ reads as int16 add float32 coordinates and the sub-pixel flag', () => {
  const bytes = encodeImagejRoi({ name: 'far', points: Int32Array.of(61000, 5, 61002, 5, 61002, 7, 61000, 7, 61001, 6) });
  const view = new DataView(bytes.buffer);
  assert.equal(view.getInt16(50), 8 | 32 | 128);
  assert.equal(view.getFloat32(64 + 20), 61000);
  assert.equal(view.getFloat32(64 + 20 + 20 + 8), 7);
  assert.equal(view.getInt32(60), 64 + 20 + 40);
});

test('a ROI set is a zip of <name>.roi entries, stored uncompressed', () => {
  const square = Int32Array.of(0, 0, 0, 2, 2, 2, 2, 0, 1, 0);
  const zip = encodeImagejRoiZip([
    { name: '0001', points: square },
    { name: '0002', points: square.map((v) => v + 5) },
  ]);
  const entries = unzipSync(zip);
  assert.deepEqual(Object.keys(entries), ['0001.roi', '0002.roi']);
  assert.deepEqual(decodeRoi(entries['0002.roi']!).points, Array.from(square, (v) => v + 5));
  // Stored entries: the local header's compression method (offset 8) is 0.
  assert.equal(new DataView(zip.buffer, zip.byteOffset).getUint16(8, true), 0);
});
