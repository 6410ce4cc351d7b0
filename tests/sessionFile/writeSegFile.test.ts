// Writing Cellpose session files: an official file read and written again is that file byte for byte; a session
// made from a network output has the official layout (keys, types, dtypes, shapes) and values; labels switch to
// uint32 where Cellpose switches; stacks keep the stacked layout.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NdArray, PythonDict } from '../../src/engine/formats/pythonValue';
import { sessionFromApp } from '../../src/engine/sessionFile/appSession';
import { readSegFile } from '../../src/engine/sessionFile/readSegFile';
import { encodeSegFile } from '../../src/engine/sessionFile/writeSegFile';
import { OFFICIAL_SESSIONS, layout, officialSegFile, segDict } from './layout';

for (const name of OFFICIAL_SESSIONS) {
  test(`${name}_seg.npy read and written again is the official file byte for byte`, () => {
    const official = officialSegFile(name);
    const written = encodeSegFile(readSegFile(official));
    assert.equal(written.length, official.length);
    assert.ok(Buffer.from(written).equals(Buffer.from(official)), 'same bytes');
  });

  test(`a session made from ${name}'s network output has the official file's keys, types, dtypes and shapes, and its values`, () => {
    const official = readSegFile(officialSegFile(name));
    const { width, height, data } = official.masks;
    const network = official.flows.network!;
    const session = sessionFromApp({
      labels: data,
      width,
      height,
      imagePath: official.filename!,
      channels: [0, 0],
      diameter: 30,
      network: { planes: [{ flows: { width, height, channels: 3, data: network.data as Float32Array }, niter: 200 }], cellprobThreshold: 0 },
    });
    const bytes = encodeSegFile(session);
    assert.deepEqual(layout(bytes), layout(officialSegFile(name)));
    const [mine, theirs] = [segDict(bytes), segDict(officialSegFile(name))];
    for (const key of ['outlines', 'masks', 'chan_choose', 'ismanual', 'filename', 'diameter']) assert.deepEqual(mine.get(key), theirs.get(key), key);
    const [myFlows, officialFlows] = [mine.get('flows') as NdArray[], theirs.get('flows') as NdArray[]];
    assert.deepEqual(myFlows[4]!.data, officialFlows[4]!.data, 'the network output as given');
    assert.deepEqual(myFlows[2]!.data, officialFlows[2]!.data, 'zeros');
    // The pictures follow numpy's float32 arithmetic to within 1 per byte; p is CellDesk's dynamics on the same flows.
    for (const index of [0, 1]) {
      const [a, b] = [myFlows[index]!.data as Uint8Array, officialFlows[index]!.data as Uint8Array];
      let differing = 0;
      for (let i = 0; i < a.length; i++) {
        assert.ok(Math.abs(a[i]! - b[i]!) <= 1, `flows[${index}] byte ${i}: ${a[i]} vs ${b[i]}`);
        if (a[i] !== b[i]) differing++;
      }
      assert.ok(differing < a.length / 10000, `flows[${index}]: ${differing} bytes differ by 1`);
    }
    const [p, officialP] = [myFlows[3]!.data as Float32Array, officialFlows[3]!.data as Float32Array];
    let far = 0;
    for (let i = 0; i < p.length; i++) if (Math.abs(p[i]! - officialP[i]!) > 1e-3) far++;
    assert.ok(far < p.length / 1000, `${far} end points differ by more than 0.001 px`);
  });
}

test('masks and outlines are uint16 up to 65534 masks and uint32 from 65535, as io.masks_flows_to_seg writes them', () => {
  const dtypes = (count: number) => {
    const labels = Uint32Array.from({ length: 256 * 256 }, (_, i) => (i < count ? i + 1 : 0));
    const dict = segDict(encodeSegFile(sessionFromApp({ labels, width: 256, height: 256, imagePath: 'many.tif', channels: [0, 0], diameter: 3 })));
    return ['masks', 'outlines', 'ismanual'].map((key) => {
      const array = dict.get(key) as NdArray;
      return `${array.dtype} ${array.data.length}`;
    });
  };
  assert.deepEqual(dtypes(65534), ['u2 65536', 'u2 65536', 'b1 65534']);
  assert.deepEqual(dtypes(65535), ['u4 65536', 'u4 65536', 'b1 65535']);
});

test('a session without a network output is written with the GUI\'s empty flows, and reads back without flows', () => {
  const labels = Uint16Array.of(0, 1, 1, 0, 2, 2);
  const bytes = encodeSegFile(sessionFromApp({ labels, width: 3, height: 2, imagePath: 'a.png', channels: [2, 1], diameter: 12.5 }));
  assert.deepEqual(layout(bytes), [
    ['outlines', 'ndarray u2 [2, 3]'],
    ['masks', 'ndarray u2 [2, 3]'],
    ['chan_choose', 'list [int, int]'],
    ['ismanual', 'ndarray b1 [2]'],
    ['filename', 'str'],
    ['flows', 'list [list [], list [], list [], list [], list [list []]]'],
    ['diameter', 'float'],
  ]);
  const session = readSegFile(bytes);
  assert.deepEqual(Object.values(session.flows), [null, null, null, null, null]);
  assert.deepEqual([session.chanChoose, session.diameter, session.filename], [[2, 1], 12.5, 'a.png']);
});

test("a stack is written as Cellpose writes a stitched stack: [Z, H, W] masks, pictures by plane, p [Z, 2, H, W], output [3, Z, H, W]", () => {
  const [width, height] = [6, 5];
  const plane = width * height;
  const flows = (shift: number) => ({
    width,
    height,
    channels: 3,
    data: Float32Array.from({ length: 3 * plane }, (_, i) => (i < 2 * plane ? Math.sin(i + shift) * 4 : (i % width) - 2)),
  });
  const labels = Uint16Array.from({ length: 2 * plane }, (_, i) => (i % width < 3 ? 1 : 0));
  const session = sessionFromApp({ labels, width, height, planes: 2, imagePath: 'stack.tif', channels: [0, 0], diameter: 30, network: { planes: [{ flows: flows(0), niter: 20 }, { flows: flows(1), niter: 20 }], cellprobThreshold: 0 } });
  const bytes = encodeSegFile(session);
  assert.deepEqual(new Map(layout(bytes)).get('flows'), 'list [ndarray u1 [2, 5, 6, 3], ndarray u1 [2, 5, 6], ndarray u1 [2, 5, 6], ndarray f4 [2, 2, 5, 6], ndarray f4 [3, 2, 5, 6]]');
  assert.equal(new Map(layout(bytes)).get('masks'), 'ndarray u2 [2, 5, 6]');
  const back = readSegFile(bytes);
  assert.deepEqual([back.masks.planes, back.masks.stack, back.notes], [2, true, []]);
  // Channel c of plane z is at (c * Z + z) * H * W in the stacked output.
  assert.deepEqual((back.flows.network!.data as Float32Array).subarray(plane, 2 * plane), flows(1).data.subarray(0, plane));
  // dY as grey: (dY / 10 * 127 + 127) as uint8.
  const dY = flows(0).data[7]!;
  assert.equal((back.flows.thirdPicture!.data as Uint8Array)[7], Math.trunc(Math.fround(Math.fround(Math.fround(dY / 10) * 127) + 127)));
});

test('entries kept from an opened session are written after the official ones, floats and ints as they were read', () => {
  const base = readSegFile(officialSegFile('omni_img02'));
  base.normalizeParams = new PythonDict([['percentile', [1, 99.5]], ['tile_norm_blocksize', 0n], ['normalize', true]]);
  base.modelPath = null;
  base.restore = null;
  base.other.set('img', new NdArray('u1', [2], Uint8Array.of(1, 2)));
  const { width, height, data } = base.masks;
  const edited = Uint16Array.from(data, (label) => (label === 5 ? 0 : label));
  const keys = layout(encodeSegFile(sessionFromApp({ labels: edited, width, height, imagePath: 'img02.png', channels: [0, 0], diameter: 30, base })));
  assert.deepEqual(
    keys.map(([key]) => key),
    ['outlines', 'masks', 'chan_choose', 'ismanual', 'filename', 'flows', 'diameter', 'restore', 'model_path', 'normalize_params', 'img'],
  );
  assert.deepEqual(new Map(keys).get('model_path'), 'int', "the GUI's 0 for no model");
  const params = segDict(encodeSegFile({ ...base, masks: base.masks })).get('normalize_params') as PythonDict;
  assert.deepEqual([...params], [['percentile', [1, 99.5]], ['tile_norm_blocksize', 0n], ['normalize', true]]);
});
