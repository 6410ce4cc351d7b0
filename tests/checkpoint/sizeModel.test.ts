import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadSizeModel } from '../../src/engine/checkpoint/sizeModel';
import { FileFormatError } from '../../src/engine/errors';
import { readShared } from '../helpers/shared';
import { sizeModelNpy } from './fixtures';

// Values from numpy.load(path, allow_pickle=True).item() on each file; `values` are A[0], A[255], smean[0].
const samples = [
  {
    path: ['celldesk-demo', 'celldesk-demo_size.npy'],
    diamMean: 30,
    ymean: -0.0718965083360672,
    values: [-0.01641005835644953, -0.03494059151916333, 0.012404837645590305],
  },
  {
    path: ['cellpose_web-v0-mxnet', 'size_cyto_0.npy'],
    diamMean: 27,
    ymean: -0.03992866352200508,
    values: [0.14497821215779802, -0.037601864412086114, -0.04761182516813278],
  },
  {
    path: ['cellpose_web-v0-mxnet', 'size_nuclei_0.npy'],
    diamMean: 15,
    ymean: 0.11375442892313004,
    values: [-0.12844788070548338, 0.03062367152509582, 0.08989228308200836],
  },
  {
    // Pickle protocol 2: arrays carry their bytes through _codecs.encode(text, 'latin1').
    path: ['scellseg', 'size_compute.npy'],
    diamMean: 30,
    ymean: -0.02027055434882641,
    values: [-0.14764787180924704, -0.36186205686819095, 0.013107187114655972],
  },
];

for (const sample of samples) {
  test(`reads the size model ${sample.path.join('/')} exactly`, () => {
    const model = loadSizeModel(readShared('models', ...sample.path));
    assert.ok(model.A instanceof Float64Array);
    assert.ok(model.smean instanceof Float32Array);
    assert.equal(model.A.length, 256);
    assert.equal(model.smean.length, 256);
    assert.equal(model.diamMean, sample.diamMean);
    assert.equal(model.ymean, sample.ymean);
    assert.deepEqual([model.A[0], model.A[255], model.smean[0]], sample.values);
  });
}

const valid = { A: new Array<number>(256).fill(0.01), smean: new Array<number>(256).fill(0.5), diamMean: 17, ymean: 0.1 };

function invalid(message: RegExp) {
  return (error: unknown): boolean => error instanceof FileFormatError && message.test(error.message);
}

test('a size model written as Cellpose writes it loads with its numbers', () => {
  const model = loadSizeModel(sizeModelNpy(valid));
  assert.deepEqual([model.diamMean, model.ymean, model.A[7], model.smean[200]], [17, 0.1, 0.01, 0.5]);
});

test('size models with the wrong number of values or non-finite values are refused', () => {
  const load = (fields: Partial<typeof valid>) => () => loadSizeModel(sizeModelNpy({ ...valid, ...fields }));
  assert.throws(load({ A: valid.A.slice(0, 128) }), invalid(/'A' has shape \[128\]; Cellpose size models have 256 values/));
  assert.throws(load({ smean: [...valid.smean.slice(1), NaN] }), invalid(/'smean' contains values that are not finite/));
  assert.throws(load({ ymean: Infinity }), invalid(/'ymean' is Infinity, not a finite number/));
  assert.throws(load({ diamMean: 0 }), invalid(/diam_mean is 0; it must be a positive diameter/));
});

test('a plain numeric .npy is not taken for a size model', () => {
  assert.throws(() => loadSizeModel(readShared('reference', 'net.odd_160x208.input.npy')), invalid(/plain array, not a Cellpose size model/));
});

test('a size model cut short says it is truncated', () => {
  const bytes = readShared('models', 'celldesk-demo', 'celldesk-demo_size.npy');
  for (const cut of [200, 1000, 3000, bytes.length - 1]) {
    assert.throws(() => loadSizeModel(bytes.subarray(0, cut)), invalid(/size model is truncated or incomplete/), `cut at ${cut}`);
  }
});
