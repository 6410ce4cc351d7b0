import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeCpnet } from '../../src/engine/checkpoint/cpnet';
import { NotACellposeModelError } from '../../src/engine/checkpoint/errors';
import { loadStateDict } from '../../src/engine/checkpoint/torchCheckpoint';
import type { StateDict } from '../../src/engine/checkpoint/types';
import { readShared } from '../helpers/shared';
import { float32Bytes, stateDictPickle, zipCheckpoint } from './fixtures';

const demo = loadStateDict(readShared('models', 'celldesk-demo', 'celldesk-demo.zip.pth'));

function without(stateDict: StateDict, test: (name: string) => boolean): StateDict {
  return new Map([...stateDict].filter(([name]) => !test(name)));
}

function notCellpose(message: RegExp) {
  return (error: unknown): boolean =>
    error instanceof NotACellposeModelError && error.code === 'NOT_A_CELLPOSE_MODEL' && message.test(error.message);
}

test('recognises the demo checkpoint as Cellpose 3 CPnet with its diameters', () => {
  assert.deepEqual(describeCpnet(demo), {
    nbase: [2, 32, 64, 128, 256],
    nout: 3,
    kernelSize: 3,
    diamMean: 30,
    diamLabels: Math.fround(30.591472625732422),
    hasDiamLabels: true,
  });
  const legacy = loadStateDict(readShared('models', 'celldesk-demo', 'celldesk-demo.legacy.pth'));
  assert.deepEqual(describeCpnet(legacy), describeCpnet(demo));
});

test('a checkpoint without diam_labels uses diam_mean for both, as Cellpose does', () => {
  const arch = describeCpnet(without(demo, (name) => name === 'diam_labels'));
  assert.equal(arch.diamLabels, 30);
  assert.equal(arch.hasDiamLabels, false);
  const nuclei = new Map(without(demo, (name) => name === 'diam_labels'));
  nuclei.set('diam_mean', { dtype: 'float32', shape: [1], data: new Float32Array([17]) });
  assert.deepEqual([describeCpnet(nuclei).diamMean, describeCpnet(nuclei).diamLabels], [17, 17]);
});

test('a very old checkpoint without diam_mean or BatchNorm step counters gets diameter 30', () => {
  const old = without(demo, (name) => name.startsWith('diam_') || name.endsWith('num_batches_tracked'));
  assert.equal(old.size, 313 - 2 - 41);
  const arch = describeCpnet(old);
  assert.deepEqual([arch.diamMean, arch.diamLabels, arch.hasDiamLabels], [30, 30, false]);
});

test('a CPnet missing tensors is refused, naming what is missing', () => {
  const broken = without(demo, (name) => name.startsWith('upsample.up.res_up_1.conv.conv_2.full') || name === 'output.2.bias');
  assert.throws(() => describeCpnet(broken), (error: unknown) => {
    assert.ok(notCellpose(/3 missing \(such as 'upsample\.up\.res_up_1\.conv\.conv_2\.full\.weight'/)(error));
    assert.deepEqual((error as NotACellposeModelError).details.missing, [
      'upsample.up.res_up_1.conv.conv_2.full.weight',
      'upsample.up.res_up_1.conv.conv_2.full.bias',
      'output.2.bias',
    ]);
    return true;
  });
});

test('a CPnet with a tensor of the wrong shape or extra tensors is refused', () => {
  const reshaped = new Map(demo);
  reshaped.set('upsample.up.res_up_2.conv.conv_1.full.weight', { dtype: 'float32', shape: [128, 128], data: new Float32Array(128 * 128) });
  assert.throws(
    () => describeCpnet(reshaped),
    notCellpose(/'upsample\.up\.res_up_2\.conv\.conv_1\.full\.weight' is float32 \[128, 128\], expected float \[128, 256\]/),
  );
  const extra = new Map(demo);
  extra.set('downsample.down.res_down_4.conv.conv_0.2.weight', demo.get('output.2.weight')!);
  assert.throws(() => describeCpnet(extra), notCellpose(/1 that a Cellpose network does not have/));
  const badDiameter = new Map(demo);
  badDiameter.set('diam_mean', { dtype: 'float32', shape: [1], data: new Float32Array([NaN]) });
  assert.throws(() => describeCpnet(badDiameter), notCellpose(/'diam_mean' should hold one positive diameter/));
});

test('a state dict of another network is refused, saying what it holds', () => {
  const names = ['encoder.layer.0.attention.self.query.weight', 'encoder.layer.0.attention.self.key.weight', 'pooler.dense.weight'];
  const pickle = stateDictPickle(names.map((name) => ({ name, storage: 'FloatStorage', key: '0', storageSize: 4, shape: [2, 2] })));
  const transformer = loadStateDict(zipCheckpoint(pickle, { 0: float32Bytes([1, 2, 3, 4]) }));
  assert.throws(
    () => describeCpnet(transformer),
    notCellpose(/holds 3 tensors \(such as 'encoder\.layer\.0\.attention\.self\.query\.weight'.*not a Cellpose network.*'output\.2\.weight'/),
  );
  assert.throws(() => describeCpnet(new Map()), notCellpose(/holds no tensors/));
});
