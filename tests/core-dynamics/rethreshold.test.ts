// Re-thresholding from kept network output: masks recomputed with the dynamics and flow errors of an earlier
// threshold (KeptNetworkOutput) are those computeMasks gives from scratch, on official network outputs; and the
// flow errors computed mask by mask equal metrics.flow_error's whole-image definition to the bit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { candidateMasks, computeMasks } from '../../src/engine/core/computeMasks';
import { flowErrors, masksToFlows } from '../../src/engine/core/flowError';
import { InvalidSettingError } from '../../src/engine/errors';
import { KeptNetworkOutput, type MaskSettings } from '../../src/engine/pipeline/keptNetworkOutput';
import { loadSharedNpy } from '../helpers/shared';

function officialOutputs(name: string) {
  const dP = loadSharedNpy('reference', `${name}.d30.dP.npy`);
  const cellprob = loadSharedNpy('reference', `${name}.d30.cellprob.npy`);
  const [, height, width] = dP.shape as [number, number, number];
  const data = new Float32Array(3 * height * width);
  data.set(dP.data);
  data.set(cellprob.data, 2 * height * width);
  return { dP: dP.data, cellprob: cellprob.data, height, width, flows: { width, height, channels: 3, data } };
}

/** Thresholds as a user might try them: flow threshold and size first, then the cell probability, and back. */
const SEQUENCE: (MaskSettings & { reusesDynamics: boolean })[] = [
  { cellprobThreshold: 0, flowThreshold: 0.4, minSize: 15, reusesDynamics: false },
  { cellprobThreshold: 0, flowThreshold: 0.8, minSize: 15, reusesDynamics: true },
  { cellprobThreshold: 0, flowThreshold: 0.1, minSize: 15, reusesDynamics: true },
  { cellprobThreshold: 0, flowThreshold: 0, minSize: 15, reusesDynamics: true },
  { cellprobThreshold: 0, flowThreshold: 0.4, minSize: 200, reusesDynamics: true },
  { cellprobThreshold: -2, flowThreshold: 0.4, minSize: 15, reusesDynamics: false },
  { cellprobThreshold: -2, flowThreshold: 3, minSize: 0, reusesDynamics: true },
  { cellprobThreshold: 2, flowThreshold: 0.4, minSize: 15, reusesDynamics: false },
  { cellprobThreshold: 0, flowThreshold: 0.4, minSize: 15, reusesDynamics: false },
];

for (const name of ['dsb_512', 'omni_img02']) {
  test(`${name}: every re-threshold from kept output equals computeMasks from scratch, and reuses the dynamics when only the flow threshold or minimum size changed`, () => {
    const { dP, cellprob, height, width, flows } = officialOutputs(name);
    const kept = new KeptNetworkOutput(flows, 200);
    for (const { reusesDynamics, ...settings } of SEQUENCE) {
      const timings: Record<string, number> = {};
      const cached = kept.masks(settings, timings);
      const fresh = computeMasks({ dP, cellprob, height, width, niter: 200, interp: true, ...settings });
      const label = JSON.stringify(settings);
      assert.equal(cached.constructor, fresh.constructor, label);
      assert.ok(cached.every((value, i) => value === fresh[i]), `${label}: labels differ from a computation from scratch`);
      assert.equal('dynamics' in timings, !reusesDynamics, `${label}: timed stages ${Object.keys(timings).join(', ')}`);
    }
  });
}

test('a flow threshold that comes back to masks finished a few changes earlier gets the very same array, equal to a fresh computation', () => {
  const { dP, cellprob, height, width, flows } = officialOutputs('dsb_512');
  const kept = new KeptNetworkOutput(flows, 200);
  const at = (flowThreshold: number) => kept.masks({ cellprobThreshold: 0, flowThreshold, minSize: 15 });
  const count = (labels: ArrayLike<number>) => new Set(Array.from(labels)).size - 1;
  const first = at(0.4);
  const fewer = at(0.1);
  const fewest = at(0.05);
  assert.ok(count(first) > count(fewer) && count(fewer) > count(fewest), `masks at 0.4, 0.1, 0.05: ${count(first)}, ${count(fewer)}, ${count(fewest)}`);
  const back = at(0.4);
  assert.equal(back, first, 'the masks finished for 0.4 two changes ago were computed again');
  const fresh = computeMasks({ dP, cellprob, height, width, niter: 200, interp: true, cellprobThreshold: 0, flowThreshold: 0.4, minSize: 15 });
  assert.ok(back.every((value, i) => value === fresh[i]), 'labels differ from a computation from scratch');
  assert.equal(at(0.1), fewer);
});

test('thresholds a computation from scratch refuses are refused by a kept output too, even with masks kept', () => {
  const kept = new KeptNetworkOutput(officialOutputs('np_00528').flows, 200);
  kept.masks({ cellprobThreshold: 0, flowThreshold: 0, minSize: 15 });
  assert.throws(() => kept.masks({ cellprobThreshold: 0, flowThreshold: -1, minSize: 15 }), InvalidSettingError);
  assert.throws(() => kept.masks({ cellprobThreshold: 0, flowThreshold: 0, minSize: NaN }), InvalidSettingError);
  assert.throws(() => kept.masks({ cellprobThreshold: NaN, flowThreshold: 0, minSize: 15 }), InvalidSettingError);
});

test('flow errors computed per mask equal the mean squared difference of the whole-image mask flows, bit for bit', () => {
  const { dP, cellprob, height, width } = officialOutputs('sc_cytomembrane_290');
  const labels = candidateMasks({ dP, cellprob, height, width, niter: 200, cellprobThreshold: 0, interp: true }).labels!;
  const n = height * width;
  // metrics.flow_error as written: flows of the whole label image, then per-label means in raster order.
  const flows = masksToFlows(labels, height, width);
  let maxLabel = 0;
  for (const label of labels) maxLabel = Math.max(maxLabel, label);
  const sumY = new Float64Array(maxLabel + 1);
  const sumX = new Float64Array(maxLabel + 1);
  const count = new Float64Array(maxLabel + 1);
  for (let i = 0; i < n; i++) {
    const ey = flows.dY[i]! - Math.fround(dP[i]! / 5);
    const ex = flows.dX[i]! - Math.fround(dP[n + i]! / 5);
    sumY[labels[i]!]! += ey * ey;
    sumX[labels[i]!]! += ex * ex;
    count[labels[i]!]!++;
  }
  const errors = flowErrors(labels, dP, height, width);
  assert.ok(maxLabel > 50, `${maxLabel} candidate masks`);
  assert.equal(errors.length, maxLabel);
  for (let label = 1; label <= maxLabel; label++) {
    assert.ok(Object.is(errors[label - 1], sumY[label]! / count[label]! + sumX[label]! / count[label]!), `label ${label}`);
  }
});
