// Batches: images overlapped (network of one, masks of another in worker threads) get exactly the masks they get one
// after another, in job order, and a failure stays with its image.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MaskWorkerPool } from '../../src/engine/batch/maskWorkers';
import { segmentBatch, startOverlap, type BatchOutcome, type BatchOverlap } from '../../src/engine/batch/segmentBatch';
import type { PlanarImage } from '../../src/engine/core/image';
import { computeMasks } from '../../src/engine/core/computeMasks';
import { CellDeskError } from '../../src/engine/errors';
import { segmentImage, type SegmentResult } from '../../src/engine/pipeline/segment';
import { loadSharedImage, openDemoModel, referenceSummary } from '../helpers/demoModel';
import { loadSharedNpy } from '../helpers/shared';

const IMAGES = ['cp_075', 'np_00528'];

interface Job {
  name: string;
  file: string;
  channels?: [number, number];
}

async function runBatch(jobs: Job[], overlap: BatchOverlap | undefined, model: Awaited<ReturnType<typeof openDemoModel>>) {
  const delivered: { name: string; outcome: BatchOutcome<{ image: PlanarImage }, SegmentResult> }[] = [];
  await segmentBatch({
    jobs,
    load: async (job) => ({ image: await loadSharedImage('images', job.file) }),
    model: async () => model,
    // Diameter estimation: the size model's masks go through the mask runner too.
    segment: (job, { image }, opened, hooks) => segmentImage(image, opened, { diameter: 'estimate', channels: job.channels }, hooks),
    ...(overlap === undefined ? {} : { overlap }),
    deliver: async (job, outcome) => {
      delivered.push({ name: job.name, outcome });
    },
  });
  return delivered;
}

test('an overlapped batch gives every image the masks and diameter it gets alone, in job order', async () => {
  const summary = referenceSummary();
  const jobs = IMAGES.map((name) => {
    const { file, channels } = summary.find((e) => e.name === name)!;
    return { name, file, channels };
  });
  const model = await openDemoModel();
  const overlap = startOverlap(2);
  try {
    const sequential = await runBatch(jobs, undefined, model);
    const overlapped = await runBatch(jobs, overlap, model);
    assert.deepEqual(overlapped.map((d) => d.name), IMAGES);
    for (let i = 0; i < jobs.length; i++) {
      const alone = sequential[i]!.outcome;
      const together = overlapped[i]!.outcome;
      assert.ok('result' in alone && 'result' in together, IMAGES[i]);
      assert.ok(alone.result.maskCount > 0, IMAGES[i]);
      assert.equal(together.result.diameter, alone.result.diameter, IMAGES[i]);
      assert.deepEqual(together.result.labels, alone.result.labels, IMAGES[i]);
    }
  } finally {
    await overlap.close();
    await model.release();
  }
});

test('an image that cannot be read is its own outcome and the batch goes on', async () => {
  const model = await openDemoModel();
  const overlap = startOverlap(1);
  try {
    const jobs = [
      { name: 'missing', file: 'no-such-image.tif' },
      { name: 'cp_075', file: referenceSummary().find((e) => e.name === 'cp_075')!.file },
    ];
    const delivered = await runBatch(jobs, overlap, model);
    assert.deepEqual(delivered.map((d) => d.name), ['missing', 'cp_075']);
    assert.ok('error' in delivered[0]!.outcome);
    assert.ok('result' in delivered[1]!.outcome && delivered[1]!.outcome.result.maskCount > 0);
  } finally {
    await overlap.close();
    await model.release();
  }
});

test('mask workers compute what computeMasks computes, and report a refused setting as a typed error', async () => {
  const dP = loadSharedNpy('reference', 'np_00528.d30.dP.npy');
  const cellprob = loadSharedNpy('reference', 'np_00528.d30.cellprob.npy');
  const [, height, width] = dP.shape as [number, number, number];
  const options = { dP: dP.data, cellprob: cellprob.data, height, width, niter: 200, cellprobThreshold: 0, flowThreshold: 0.4, interp: true, minSize: 15 };
  const pool = new MaskWorkerPool(2);
  try {
    const [first, second] = await Promise.all([pool.computeMasks(options), pool.computeMasks({ ...options, cellprobThreshold: 1 })]);
    assert.deepEqual(first, computeMasks(options));
    assert.deepEqual(second, computeMasks({ ...options, cellprobThreshold: 1 }));
    await assert.rejects(pool.computeMasks({ ...options, niter: -3 }), (error) => error instanceof CellDeskError && error.code === 'INVALID_SETTING');
  } finally {
    await pool.close();
  }
});

test('a model that cannot be opened fails the whole batch, once, with nothing delivered', async () => {
  const overlap = startOverlap(1);
  const refusal = new CellDeskError('MODEL_FILE', 'no such model');
  const delivered: string[] = [];
  try {
    await assert.rejects(
      segmentBatch({
        jobs: ['a', 'b', 'c'],
        // The first image loads last: the others meet the refusal while the batch still waits on it.
        load: async (job) => {
          if (job === 'a') await new Promise((resolve) => setTimeout(resolve, 200));
          return { image: { width: 8, height: 8, channels: 1, data: new Float32Array(64) } };
        },
        model: () => Promise.reject(refusal),
        segment: async () => assert.fail('nothing is segmented without a model'),
        overlap,
        deliver: async (job) => {
          delivered.push(job);
        },
      }),
      (error) => error === refusal,
    );
    assert.deepEqual(delivered, []);
  } finally {
    await overlap.close();
  }
});
