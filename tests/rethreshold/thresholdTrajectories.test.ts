// Re-thresholding from trajectories traced ahead: every cell probability threshold gets the masks a computation
// from scratch gives at it, whether the work ahead has not started, is part way or is done, on official network
// outputs and on the demo model's output for a shared image; and the trajectories' bins are followFlows' own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeMasks } from '../../src/engine/core/computeMasks';
import { followFlows } from '../../src/engine/core/followFlows';
import { endPointBin } from '../../src/engine/core/masksFromFlows';
import { binsAtThreshold, prepareTrajectories, traceTrajectories } from '../../src/engine/core/thresholdTrajectories';
import { KeptNetworkOutput, type MaskSettings } from '../../src/engine/pipeline/keptNetworkOutput';
import { segmentImage } from '../../src/engine/pipeline/segment';
import { CELLPROB_THRESHOLD_RANGE } from '../../src/shared/segmentControls';
import { loadSharedImage, openDemoModel } from '../helpers/demoModel';
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

/** The masks computeMasks gives from scratch for the kept output's planes. */
function fresh(kept: KeptNetworkOutput, settings: MaskSettings): Uint16Array | Uint32Array {
  const { height, width, data } = kept.flows;
  const n = height * width;
  return computeMasks({ dP: data.subarray(0, 2 * n), cellprob: data.subarray(2 * n, 3 * n), height, width, niter: kept.niter, interp: true, ...settings });
}

function assertSameMasks(actual: Uint16Array | Uint32Array, expected: Uint16Array | Uint32Array, label: string): void {
  assert.equal(actual.constructor, expected.constructor, label);
  assert.equal(actual.length, expected.length, label);
  let differing = 0;
  for (let i = 0; i < actual.length; i++) if (actual[i] !== expected[i]) differing++;
  assert.equal(differing, 0, `${label}: ${differing} pixels differ from a computation from scratch`);
}

/** Runs the work ahead for at most `steps` steps (all of it when omitted); true when it finished. */
function workAhead(kept: KeptNetworkOutput, steps = Infinity): boolean {
  const ahead = kept.stepsAhead();
  for (let k = 0; k < steps; k++) if (ahead.next().done === true) return true;
  return false;
}

/** Cell probability thresholds up and down, on and off the control's steps, with the flow threshold changed too. */
const SEQUENCE: MaskSettings[] = [
  { cellprobThreshold: 0.5, flowThreshold: 0.4, minSize: 15 },
  { cellprobThreshold: -1, flowThreshold: 0.4, minSize: 15 },
  { cellprobThreshold: -0.5, flowThreshold: 0.8, minSize: 15 },
  { cellprobThreshold: 1.3, flowThreshold: 0.4, minSize: 15 },
  { cellprobThreshold: 2.5, flowThreshold: 0, minSize: 0 },
  { cellprobThreshold: -3.2, flowThreshold: 0.4, minSize: 15 },
  { cellprobThreshold: 0, flowThreshold: 0.4, minSize: 15 },
];

for (const name of ['dsb_512', 'omni_img02', 'cp_075']) {
  test(`${name}: thresholds up and down give the masks computed from scratch before, during and after the work ahead`, () => {
    const { flows } = officialOutputs(name);
    const kept = new KeptNetworkOutput(flows, 200);
    const first = { cellprobThreshold: 0, flowThreshold: 0.4, minSize: 15 };
    assertSameMasks(kept.masks(first), fresh(kept, first), 'first result');
    // Not started: the first threshold of the sequence walks every pixel.
    assertSameMasks(kept.masks(SEQUENCE[0]!), fresh(kept, SEQUENCE[0]!), 'before the work ahead');
    // Part way: the highest bands traced, the rest not.
    assert.equal(workAhead(kept, 30), false);
    assert.equal(kept.tracedFor(CELLPROB_THRESHOLD_RANGE.min), false);
    for (const settings of SEQUENCE.slice(1, 4)) assertSameMasks(kept.masks(settings), fresh(kept, settings), `part way, ${JSON.stringify(settings)}`);
    // Done: every pixel traced, the thresholds around the last one prepared.
    assert.equal(workAhead(kept), true);
    assert.equal(kept.tracedFor(CELLPROB_THRESHOLD_RANGE.min), true);
    assert.equal(kept.preparedFor(1.3 + CELLPROB_THRESHOLD_RANGE.step), true);
    for (const settings of SEQUENCE) assertSameMasks(kept.masks(settings), fresh(kept, settings), `after, ${JSON.stringify(settings)}`);
  });
}

test('a threshold prepared ahead needs neither dynamics nor flow errors when asked for', () => {
  const kept = new KeptNetworkOutput(officialOutputs('np_00528').flows, 200);
  kept.masks({ cellprobThreshold: 0, flowThreshold: 0.4, minSize: 15 });
  workAhead(kept);
  const { step } = CELLPROB_THRESHOLD_RANGE;
  for (const cellprobThreshold of [step, -step, 2 * step, -2 * step]) assert.equal(kept.preparedFor(cellprobThreshold), true, `${cellprobThreshold}`);
  const timings: Record<string, number> = {};
  const settings = { cellprobThreshold: -step, flowThreshold: 0.4, minSize: 15 };
  assertSameMasks(kept.masks(settings, timings), fresh(kept, settings), 'prepared');
  assert.equal('flowError' in timings, false, `stages ${Object.keys(timings).join(', ')}`);
});

test('thresholds prepared ahead are finished at the last flow threshold and minimum size, derived from once, and asked for they are those very masks', async () => {
  const kept = new KeptNetworkOutput(officialOutputs('np_00528').flows, 200);
  const rest = { flowThreshold: 0.4, minSize: 15 };
  kept.masks({ cellprobThreshold: 0, ...rest });
  const derived: (Uint16Array | Uint32Array)[] = [];
  const controller = new AbortController();
  kept.workAhead(controller.signal, function* (labels) {
    derived.push(labels);
    yield;
  });
  const { step } = CELLPROB_THRESHOLD_RANGE;
  const around = (rest: { flowThreshold: number; minSize: number }) => [step, -step, 2 * step, -2 * step].every((t) => kept.preparedFor(t, rest));
  try {
    while (!around(rest)) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(derived.length, 4, 'each threshold around the last one finished and derived from once');
    const timings: Record<string, number> = {};
    const settings = { cellprobThreshold: -step, ...rest };
    const labels = kept.masks(settings, timings);
    assert.ok(derived.includes(labels), 'the masks asked for are the array derived from ahead');
    assert.equal('flowError' in timings, false, `stages ${Object.keys(timings).join(', ')}`);
    assertSameMasks(labels, fresh(kept, settings), 'finished ahead');
    // Another flow threshold: finished on the spot, then the thresholds around it are finished at it ahead.
    const stricter = { flowThreshold: 0.2, minSize: 15 };
    const now = kept.masks({ cellprobThreshold: -step, ...stricter });
    assert.equal(derived.includes(now), false);
    assertSameMasks(now, fresh(kept, { cellprobThreshold: -step, ...stricter }), 'flow threshold changed');
    while (!kept.preparedFor(0, stricter) || !kept.preparedFor(-3 * step, stricter)) await new Promise((resolve) => setTimeout(resolve, 20));
    const next = { cellprobThreshold: 0, ...stricter };
    const ahead = kept.masks(next);
    assert.ok(derived.includes(ahead));
    assertSameMasks(ahead, fresh(kept, next), 'finished ahead at the new flow threshold');
  } finally {
    controller.abort();
  }
});

test('the work ahead stops when its signal aborts and leaves the masks right', async () => {
  const kept = new KeptNetworkOutput(officialOutputs('dsb_512').flows, 200);
  kept.masks({ cellprobThreshold: 0, flowThreshold: 0.4, minSize: 15 });
  const controller = new AbortController();
  controller.abort();
  kept.workAhead(controller.signal);
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal(kept.tracedFor(2), false);
  const settings = { cellprobThreshold: 1, flowThreshold: 0.4, minSize: 15 };
  assertSameMasks(kept.masks(settings), fresh(kept, settings), 'after abort');
});

test('a walk that read a pixel the new threshold masks walks again, and every pixel ends where followFlows puts it', () => {
  // A flow field pulling everything towards the centre, with a ring of low cell probability the walkers cross.
  const height = 40;
  const width = 48;
  const n = height * width;
  const dP = new Float32Array(2 * n);
  const cellprob = new Float32Array(n);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const dy = 20 - y;
      const dx = 24 - x;
      const length = Math.hypot(dy, dx) || 1;
      dP[i] = (5 * dy) / length;
      dP[n + i] = (5 * dx) / length;
      const r = Math.hypot(dy, dx);
      cellprob[i] = r > 8 && r < 10 ? 0.3 : 3 - r / 8;
    }
  }
  const trajectories = prepareTrajectories(dP, cellprob, height, width, 60, CELLPROB_THRESHOLD_RANGE.min)!;
  for (const _ of traceTrajectories(trajectories));
  let walkedSomewhere = false;
  for (const threshold of [0, 0.25, 0.3, 0.35, 1, -0.5, 2.9, 0.3]) {
    const { bins, moving, walked } = binsAtThreshold(trajectories, threshold);
    walkedSomewhere ||= walked > 0;
    const t = Math.fround(threshold);
    const masked = new Float32Array(2 * n);
    for (let i = 0; i < n; i++) {
      if (cellprob[i]! > t) {
        masked[i] = dP[i]! / 5;
        masked[n + i] = dP[n + i]! / 5;
      }
    }
    const ends = followFlows(masked, height, width, 60, true);
    assert.equal(moving, ends.moving, `moving pixels at ${threshold}`);
    for (let i = 0; i < n; i++) assert.equal(bins[i], endPointBin(ends.y[i]!, ends.x[i]!, width), `pixel ${i} at ${threshold}`);
  }
  assert.ok(walkedSomewhere, 'some walk crossed the ring and had to walk again');
});

test('a shared image segmented with the demo model re-thresholds to the masks computed from scratch, with the work ahead in the background', async () => {
  const model = await openDemoModel();
  try {
    const image = await loadSharedImage('images', 'scellseg-contrast_data', 'Kc167', '095_img.png');
    const { kept } = await segmentImage(image, model, { channels: [2, 1], diameter: 30 });
    const controller = new AbortController();
    kept.workAhead(controller.signal);
    // Asked for while the work ahead runs, then once it is done.
    for (const settings of [SEQUENCE[0]!, SEQUENCE[3]!]) assertSameMasks(kept.masks(settings), fresh(kept, settings), `during, ${JSON.stringify(settings)}`);
    while (!kept.tracedFor(CELLPROB_THRESHOLD_RANGE.min) || !kept.preparedFor(1.3 + CELLPROB_THRESHOLD_RANGE.step)) await new Promise((resolve) => setTimeout(resolve, 20));
    for (const settings of SEQUENCE) assertSameMasks(kept.masks(settings), fresh(kept, settings), `after, ${JSON.stringify(settings)}`);
    controller.abort();
  } finally {
    await model.release();
  }
});
