// Reading Cellpose session files: the official files of ../shared/reference/seg into typed sessions (masks equal to
// their label TIFFs), the GUI's extra entries, stacks, and refusals of files that name code or hold no masks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeImage } from '../../src/engine/image/decodeImage';
import { FileFormatError } from '../../src/engine/errors';
import { encodeObjectNpy } from '../../src/engine/formats/npy';
import { encodePickle } from '../../src/engine/formats/pickleWrite';
import { NdArray, ObjectArray, PythonDict, type PythonValue } from '../../src/engine/formats/pythonValue';
import { UnsafeSegFileError } from '../../src/engine/sessionFile/errors';
import { largestLabel, outlinesOf } from '../../src/engine/sessionFile/labelVolume';
import { readSegFile } from '../../src/engine/sessionFile/readSegFile';
import { PickleWriter, objectNpy } from '../checkpoint/fixtures';
import { readShared } from '../helpers/shared';
import { OFFICIAL_SESSIONS, officialSegFile } from './layout';

const FACTS = {
  cell_00849: { width: 512, height: 512, masks: 51, filename: 'cell_00849.png' },
  omni_img02: { width: 467, height: 349, masks: 81, filename: 'img02.png' },
};

for (const name of OFFICIAL_SESSIONS) {
  test(`reads the official ${name}_seg.npy: masks equal its label TIFF, with outlines, flows, channels and diameter`, async () => {
    const session = readSegFile(officialSegFile(name));
    const facts = FACTS[name];
    const { masks } = session;
    assert.deepEqual([masks.width, masks.height, masks.planes, masks.stack], [facts.width, facts.height, 1, false]);
    assert.ok(masks.data instanceof Uint16Array);
    const tiff = await decodeImage(readShared('reference', 'seg', `${name}.seg-source.masks.tif`));
    assert.deepEqual([tiff.width, tiff.height], [facts.width, facts.height]);
    assert.deepEqual(masks.data, Uint16Array.from(tiff.data));
    assert.equal(largestLabel(masks.data), facts.masks);
    // CellDesk draws the same outlines from the masks as Cellpose stored.
    assert.deepEqual(session.outlines.data, outlinesOf(masks).data);
    const { picture, cellprobPicture, thirdPicture, pixelPositions, network } = session.flows;
    const [h, w] = [facts.height, facts.width];
    assert.deepEqual(
      [picture, cellprobPicture, thirdPicture, pixelPositions, network].map((a) => [a?.dtype, a?.shape]),
      [['u1', [1, h, w, 3]], ['u1', [1, h, w]], ['u1', [1, h, w, 3]], ['f4', [2, h, w]], ['f4', [3, h, w]]],
    );
    assert.deepEqual(session.chanChoose, [0, 0]);
    assert.deepEqual(session.isManual, new Uint8Array(facts.masks));
    assert.equal(session.filename, facts.filename);
    assert.equal(session.diameter, 30);
    assert.deepEqual(session.notes, []);
    assert.equal(session.other.size, 0);
  });
}

/** A _seg.npy of `entries`, written by CellDesk's own pickle writer. */
function segFileOf(entries: Record<string, PythonValue>): Uint8Array {
  return encodeObjectNpy(encodePickle(new ObjectArray([], [new PythonDict(Object.entries(entries))])));
}

const masks4x5 = () => new NdArray('u2', [4, 5], Uint16Array.of(0, 1, 1, 0, 0, 0, 1, 1, 0, 2, 0, 0, 0, 2, 2, 3, 3, 0, 0, 2));

test("reads the Cellpose GUI's entries: colours, hand edits, model, thresholds, normalisation, restoration; others are kept", () => {
  const rgb = new NdArray('u1', [1, 8, 10, 3], new Uint8Array(240).fill(7));
  const grey = new NdArray('u1', [1, 4, 5], new Uint8Array(20).fill(9));
  const image = new NdArray('f4', [4, 5], new Float32Array(20));
  const edits = [['01/02/2025, 10:00:00', 'added mask', [new NdArray('i8', [1], BigInt64Array.of(2n)), new NdArray('i8', [1], BigInt64Array.of(3n))]]];
  const session = readSegFile(
    segFileOf({
      outlines: masks4x5(),
      colors: new NdArray('i8', [3, 3], new BigInt64Array(9).fill(200n)),
      masks: masks4x5(),
      chan_choose: [2n, 3n],
      filename: '/data/img.tif',
      flows: [rgb, grey],
      ismanual: new NdArray('b1', [3], Uint8Array.of(0, 1, 0)),
      manual_changes: edits,
      model_path: 0n,
      flow_threshold: 0.4,
      cellprob_threshold: -1,
      normalize_params: new PythonDict([['percentile', [1, 99]], ['tile_norm_blocksize', 0n]]),
      restore: null,
      ratio: 1,
      diameter: 17.5,
      img: image,
    }),
  );
  assert.deepEqual(session.chanChoose, [2, 3]);
  assert.deepEqual(session.isManual, Uint8Array.of(0, 1, 0));
  assert.equal(session.flows.picture, null, 'a picture of another size is left out');
  assert.deepEqual(session.flows.cellprobPicture?.shape, [1, 4, 5]);
  assert.equal(session.flows.network, null);
  assert.match(session.notes.join('\n'), /flows\[0\] is u1 of shape \[1, 8, 10, 3\], which does not fit masks of 5 x 4 pixels/);
  assert.deepEqual([session.flowThreshold, session.cellprobThreshold, session.diameter, session.ratio], [0.4, -1, 17.5, 1]);
  assert.equal(session.modelPath, null, 'the GUI writes 0 for no model');
  assert.equal(session.restore, null);
  assert.deepEqual(session.colors?.shape, [3, 3]);
  assert.deepEqual(session.manualChanges, edits);
  assert.deepEqual(session.normalizeParams?.get('percentile'), [1, 99], 'floats stay floats');
  assert.equal(session.normalizeParams?.get('tile_norm_blocksize'), 0n, 'ints stay ints');
  assert.deepEqual([...session.other.keys()], ['img']);
});

test('pictures of the masks\' size are kept; entries of the wrong type are left out with a note', () => {
  const session = readSegFile(
    segFileOf({
      outlines: masks4x5(),
      masks: masks4x5(),
      flows: [new NdArray('u1', [1, 4, 5, 3], new Uint8Array(60)), new NdArray('u1', [1, 4, 5], new Uint8Array(20)), [], [], new NdArray('f4', [3, 4, 5], new Float32Array(60))],
      chan_choose: 'green',
      diameter: 'large',
    }),
  );
  assert.deepEqual(session.flows.picture?.shape, [1, 4, 5, 3]);
  assert.deepEqual(session.flows.network?.shape, [3, 4, 5]);
  assert.equal(session.flows.thirdPicture, null);
  assert.equal(session.chanChoose, undefined);
  assert.equal(session.diameter, undefined);
  assert.deepEqual(session.notes, ["'chan_choose' is not two channel numbers; it was left out.", "'diameter' is not a number; it was left out."]);
});

test('a stack session has [Z, H, W] masks and its flows by plane', () => {
  const stack = new NdArray('u4', [2, 2, 3], Uint32Array.of(1, 1, 0, 0, 2, 2, 1, 0, 0, 0, 2, 70000));
  const session = readSegFile(
    segFileOf({
      outlines: stack,
      masks: stack,
      flows: [
        new NdArray('u1', [2, 2, 3, 3], new Uint8Array(36)),
        new NdArray('u1', [2, 2, 3], new Uint8Array(12)),
        new NdArray('u1', [2, 2, 3], new Uint8Array(12)),
        new NdArray('f4', [2, 2, 2, 3], new Float32Array(24)),
        new NdArray('f4', [3, 2, 2, 3], new Float32Array(36)),
      ],
    }),
  );
  assert.deepEqual([session.masks.planes, session.masks.height, session.masks.width, session.masks.stack], [2, 2, 3, true]);
  assert.ok(session.masks.data instanceof Uint32Array);
  assert.equal(session.masks.data[11], 70000);
  assert.deepEqual(session.notes, []);
  assert.deepEqual(session.flows.network?.shape, [3, 2, 2, 3]);
});

test('masks with a background of -1 (older Cellpose) are shifted up by one, as the GUI does', () => {
  const old = new NdArray('i4', [2, 2], Int32Array.of(-1, 0, 1, -1));
  const session = readSegFile(segFileOf({ masks: old, outlines: old }));
  assert.deepEqual(session.masks.data, Uint16Array.of(0, 1, 2, 0));
});

/** numpy.core.multiarray._reconstruct of one array, as a fixture's pickle instructions, with any dtype and order. */
function pickledArray(w: PickleWriter, code: string, order: string, shape: number[], data: Uint8Array, fortran: boolean): void {
  w.global('numpy.core.multiarray', '_reconstruct').global('numpy', 'ndarray').intTuple([0]).bytes(new Uint8Array([0x62]));
  w.op(0x87).reduce().mark().int(1).intTuple(shape);
  w.global('numpy', 'dtype').mark().str(code).bool(false).bool(true).tuple().reduce();
  w.mark().int(3).str(order).none().none().none().int(-1).int(-1).int(0).tuple().build();
  w.bool(fortran).bytes(data).tuple().build();
}

function dictNpy(write: (w: PickleWriter) => void): Uint8Array {
  const w = new PickleWriter().proto(3);
  w.global('numpy.core.multiarray', '_reconstruct').global('numpy', 'ndarray').intTuple([0]).bytes(new Uint8Array([0x62]));
  w.op(0x87).reduce().mark().int(1).emptyTuple();
  w.global('numpy', 'dtype').mark().str('O8').bool(false).bool(true).tuple().reduce();
  w.mark().int(3).str('|').none().none().none().int(-1).int(-1).int(63).tuple().build();
  w.bool(false).emptyList().emptyDict().mark();
  write(w);
  w.setItems().op(0x61).tuple().build();
  return objectNpy(w.stop());
}

test('big-endian and Fortran-ordered masks come out in the right order', () => {
  // [[1, 2, 3], [4, 5, 6]] stored column by column, as big-endian uint16.
  const bigEndianColumns = Uint8Array.of(0, 1, 0, 4, 0, 2, 0, 5, 0, 3, 0, 6);
  const bytes = dictNpy((w) => {
    w.str('masks');
    pickledArray(w, 'u2', '>', [2, 3], bigEndianColumns, true);
  });
  assert.deepEqual(readSegFile(bytes).masks.data, Uint16Array.of(1, 2, 3, 4, 5, 6));
});

/** A marker file an executed payload would create; the refusal test checks it never appears. */
const marker = join(tmpdir(), `celldesk-seg-ran-${process.pid}`);

test('a _seg.npy that names os.system is refused as unsafe, and nothing runs', () => {
  rmSync(marker, { force: true });
  const bytes = dictNpy((w) => w.str('masks').global('os', 'system').str(`touch ${marker}`).op(0x85).reduce());
  assert.throws(
    () => readSegFile(bytes),
    (e: unknown) => e instanceof UnsafeSegFileError && e.code === 'UNSAFE_SEG_FILE' && e.global === 'os.system' && /nothing in it was run/.test(e.message),
  );
  const builtins = dictNpy((w) => w.str('masks').global('builtins', 'eval').str('1').op(0x85).reduce());
  assert.throws(() => readSegFile(builtins), (e: unknown) => e instanceof UnsafeSegFileError && e.global === 'builtins.eval');
  assert.equal(existsSync(marker), false);
});

test('files that are no session are named as such', () => {
  const invalid = (message: RegExp) => (e: unknown) => e instanceof FileFormatError && message.test(e.message);
  assert.throws(() => readSegFile(readShared('reference', 'net.odd_160x208.input.npy')), invalid(/plain array of numbers, not a Cellpose session/));
  assert.throws(() => readSegFile(readShared('models', 'celldesk-demo', 'celldesk-demo_size.npy')), invalid(/holds no masks \('masks' is missing\)/));
  assert.throws(() => readSegFile(segFileOf({ outlines: [new NdArray('i8', [2], new BigInt64Array(2))] })), invalid(/old Cellpose version that saved outlines without masks/));
  assert.throws(() => readSegFile(segFileOf({ masks: new NdArray('f4', [2, 2], new Float32Array(4)) })), invalid(/'masks' is an array of f4/));
  assert.throws(() => readSegFile(segFileOf({ masks: new NdArray('i2', [1, 2], Int16Array.of(-5, 1)) })), invalid(/values from -5 to 1/));
  assert.throws(() => readSegFile(segFileOf({ masks: new NdArray('u2', [0, 3], new Uint16Array(0)) })), invalid(/are 3 x 0 pixels/));
});

test('a value that contains itself is refused; one shared many times is read once', () => {
  // l = []; l.append(l); {'masks': ..., 'zdraw': l}
  const cyclic = dictNpy((w) => {
    w.str('masks');
    pickledArray(w, 'u1', '|', [1, 1], Uint8Array.of(1), false);
    w.str('zdraw').emptyList().op(0x71, 200).op(0x68, 200).op(0x61);
  });
  assert.throws(() => readSegFile(cyclic), (e: unknown) => e instanceof FileFormatError && /contains itself/.test(e.message));
  // 30 levels of lists holding the level below twice: 2^30 items if copied, 31 lists when shared.
  const shared = dictNpy((w) => {
    w.str('masks');
    pickledArray(w, 'u1', '|', [1, 1], Uint8Array.of(1), false);
    w.str('zdraw').emptyList();
    // Each level: store the list below (BINPUT), take it off the stack (POP), make [(below, below)].
    for (let level = 0; level < 30; level++) w.op(0x71, level).op(0x30).emptyList().op(0x68, level).op(0x68, level).op(0x86).op(0x61);
  });
  assert.equal(readSegFile(shared).masks.data[0], 1);
});
