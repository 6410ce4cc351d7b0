import { test } from 'node:test';
import assert from 'node:assert/strict';
import { unzipSync, zipSync, type Zippable } from 'fflate';
import { loadStateDict } from '../../src/engine/checkpoint/torchCheckpoint';
import { NotACellposeModelError, UnsafeCheckpointError } from '../../src/engine/checkpoint/errors';
import type { StateDict } from '../../src/engine/checkpoint/types';
import { FileFormatError } from '../../src/engine/errors';
import { readShared } from '../helpers/shared';
import { PickleWriter, float32Bytes, stateDictPickle, zipCheckpoint } from './fixtures';

const zipBytes = readShared('models', 'celldesk-demo', 'celldesk-demo.zip.pth');
const legacyBytes = readShared('models', 'celldesk-demo', 'celldesk-demo.legacy.pth');
const fromZip = loadStateDict(zipBytes);

function assertSameTensors(actual: StateDict, expected: StateDict): void {
  assert.deepEqual([...actual.keys()], [...expected.keys()]);
  for (const [name, tensor] of expected) {
    const other = actual.get(name)!;
    assert.equal(other.dtype, tensor.dtype, name);
    assert.deepEqual(other.shape, tensor.shape, name);
    assert.deepEqual(other.data, tensor.data, name);
  }
}

function truncated(error: unknown): boolean {
  return error instanceof FileFormatError && /truncated or incomplete/.test(error.message);
}

test('the zip and legacy demo checkpoints load the same 313 tensors with identical values', () => {
  assert.equal(fromZip.size, 313);
  assertSameTensors(loadStateDict(legacyBytes), fromZip);
});

test('tensors keep their names, order, shapes, types and values (checked against PyTorch)', () => {
  assert.deepEqual([...fromZip.keys()].slice(0, 3), ['diam_mean', 'diam_labels', 'downsample.down.res_down_0.conv.conv_0.0.weight']);
  assert.deepEqual(fromZip.get('diam_mean'), { dtype: 'float32', shape: [1], data: new Float32Array([30]) });
  assert.equal(fromZip.get('diam_labels')!.data[0], 30.591472625732422);
  const conv = fromZip.get('downsample.down.res_down_0.conv.conv_0.2.weight')!;
  assert.deepEqual(conv.shape, [32, 2, 3, 3]);
  assert.deepEqual([...conv.data.subarray(0, 3)], [0.15663354098796844, 0.10487779229879379, -0.15269005298614502]);
  assert.equal(conv.data[575], Math.fround(-0.022938013)); // [31, 1, 2, 2]
  assert.deepEqual(fromZip.get('output.2.bias')!.data, new Float32Array([-0.08323073387145996, 0.09012734889984131, -0.18585453927516937]));
  assert.deepEqual(fromZip.get('output.0.num_batches_tracked'), { dtype: 'int64', shape: [], data: new BigInt64Array([440n]) });
  let values = 0;
  for (const tensor of fromZip.values()) values += tensor.data.length;
  assert.equal(values, 6_610_430); // 26,441,884 storage bytes: 6,610,389 float32 + 41 int64
});

test('a checkpoint re-zipped with some entries deflated loads the same', () => {
  const files: Zippable = {};
  for (const [name, data] of Object.entries(unzipSync(zipBytes))) {
    files[name] = [data, { level: name.endsWith('data.pkl') || data.length < 2000 ? 6 : 0 }];
  }
  assertSameTensors(loadStateDict(zipSync(files)), fromZip);
});

test('checkpoints cut short say they are truncated, in both formats', () => {
  // Legacy layout: header pickles end at byte 137, the state-dict pickle at 53,988, the key list at 59,178; storage
  // data follows. A zip loses its directory, which sits at the end, whatever the cut.
  for (const bytes of [zipBytes, legacyBytes]) {
    for (const cut of [100, 20_000, 59_000, 59_200, bytes.length >> 1, bytes.length - 30, bytes.length - 1]) {
      assert.throws(() => loadStateDict(bytes.subarray(0, cut)), truncated, `cut at ${cut} of ${bytes.length}`);
    }
  }
});

test('half-precision weights are widened to float32 and keep their float16 tag', () => {
  const halves = new Uint16Array([0x3c00, 0xc000, 0x3800, 0x7bff, 0x0400, 0x0001, 0x7c00, 0xfc00, 0x7e00]);
  const pickle = stateDictPickle([{ name: 'w', storage: 'HalfStorage', key: '0', storageSize: 9, shape: [9] }]);
  const w = loadStateDict(zipCheckpoint(pickle, { 0: new Uint8Array(halves.buffer) })).get('w')!;
  assert.equal(w.dtype, 'float16');
  assert.ok(w.data instanceof Float32Array);
  assert.deepEqual([...w.data], [1, -2, 0.5, 65504, 2 ** -14, 2 ** -24, Infinity, -Infinity, NaN]);
});

test('storage offsets and strides are honoured: views and transposed tensors come out in C order', () => {
  const storage = float32Bytes([0, 1, 2, 3, 4, 5, 6]);
  const pickle = stateDictPickle([
    { name: 'tail', storage: 'FloatStorage', key: '0', storageSize: 7, offset: 4, shape: [3] },
    { name: 'transposed', storage: 'FloatStorage', key: '0', storageSize: 7, offset: 1, shape: [2, 3], stride: [1, 2] },
    { name: 'scalar', storage: 'FloatStorage', key: '0', storageSize: 7, offset: 6, shape: [] },
  ]);
  const tensors = loadStateDict(zipCheckpoint(pickle, { 0: storage }));
  assert.deepEqual([...tensors.get('tail')!.data], [4, 5, 6]);
  assert.deepEqual(tensors.get('transposed')!.shape, [2, 3]);
  assert.deepEqual([...tensors.get('transposed')!.data], [1, 3, 5, 2, 4, 6]);
  assert.deepEqual([...tensors.get('scalar')!.data], [6]);
});

test("storages written on a big-endian machine are read through the checkpoint's byteorder record", () => {
  const bigEndian = new Uint8Array(8);
  new DataView(bigEndian.buffer).setFloat32(0, 1.5, false);
  new DataView(bigEndian.buffer).setFloat32(4, -3, false);
  const pickle = stateDictPickle([{ name: 'w', storage: 'FloatStorage', key: '0', storageSize: 2, shape: [2] }]);
  const file = zipCheckpoint(pickle, { 0: bigEndian }, { byteorder: new TextEncoder().encode('big') });
  assert.deepEqual([...loadStateDict(file).get('w')!.data], [1.5, -3]);
});

test('a tensor that reaches past its storage is refused as damaged', () => {
  const pickle = stateDictPickle([{ name: 'w', storage: 'FloatStorage', key: '0', storageSize: 4, offset: 2, shape: [2, 2] }]);
  assert.throws(
    () => loadStateDict(zipCheckpoint(pickle, { 0: float32Bytes([1, 2, 3, 4]) })),
    (e: unknown) => e instanceof FileFormatError && /tensor 'w' reaches past the end/.test(e.message),
  );
});

test('bfloat16 weights get a message saying how to convert them', () => {
  const pickle = stateDictPickle([{ name: 'w', storage: 'BFloat16Storage', key: '0', storageSize: 1, shape: [1] }]);
  assert.throws(
    () => loadStateDict(zipCheckpoint(pickle, { 0: new Uint8Array(2) })),
    (e: unknown) => e instanceof FileFormatError && /bfloat16/.test(e.message) && /net\.float\(\)/.test(e.message),
  );
});

test('an optimizer state is recognised as not being network weights', () => {
  // torch.save(optimizer.state_dict()) with no state yet: {'state': {}, 'param_groups': [{'lr': 0.005}]}
  const pickle = new PickleWriter().proto(2).emptyDict().mark().str('state').emptyDict().str('param_groups');
  pickle.emptyList().mark().emptyDict().str('lr').float(0.005).op(0x73).appends().setItems();
  assert.throws(
    () => loadStateDict(zipCheckpoint(pickle.stop())),
    (e: unknown) =>
      e instanceof NotACellposeModelError &&
      e.code === 'NOT_A_CELLPOSE_MODEL' &&
      /'state' is a dictionary/.test(e.message) &&
      /optimizer state/.test(e.message),
  );
});

test('a network saved whole (torch.save(net)) is refused without running it, with the way to save its weights', () => {
  const pickle = new PickleWriter().proto(2).global('cellpose.resnet_torch', 'CPnet').emptyTuple().op(0x81).stop();
  assert.throws(
    () => loadStateDict(zipCheckpoint(pickle)),
    (e: unknown) =>
      e instanceof NotACellposeModelError &&
      e.cause instanceof UnsafeCheckpointError &&
      /'cellpose\.resnet_torch\.CPnet'/.test(e.message) &&
      /torch\.save\(net\.state_dict\(\), path\)/.test(e.message),
  );
});

test('files that are not PyTorch checkpoints are named as such', () => {
  assert.throws(
    () => loadStateDict(new TextEncoder().encode('ir_version: 8, an ONNX model perhaps')),
    (e: unknown) => e instanceof FileFormatError && /not a PyTorch model file/.test(e.message),
  );
  const plainPickle = new PickleWriter().proto(2).emptyList().stop();
  assert.throws(
    () => loadStateDict(plainPickle),
    (e: unknown) => e instanceof FileFormatError && /lacks PyTorch's signature/.test(e.message),
  );
  assert.throws(
    () => loadStateDict(zipSync({ 'notes.txt': new TextEncoder().encode('hello') })),
    (e: unknown) => e instanceof FileFormatError && /no data\.pkl/.test(e.message),
  );
});
