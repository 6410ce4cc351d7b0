// Batches with their images overlapped (one image's masks in a worker thread while the next image's network runs):
// every image gets exactly the masks and diameter it gets one image at a time, in job order; a failure stays with
// its image; a model that cannot be opened fails the batch once.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { onnxRuntimeBackend } from '../../src/engine/backend/onnxruntime';
import { MaskWorkerPool } from '../../src/engine/batch/maskWorkers';
import { planJobs } from '../../src/engine/batch/batchJobs';
import { startOverlap, type BatchOverlap } from '../../src/engine/batch/overlap';
import { runBatch, type BatchOutcome } from '../../src/engine/batch/runBatch';
import { computeMasks } from '../../src/engine/core/computeMasks';
import { CellDeskError } from '../../src/engine/errors';
import { openModel } from '../../src/engine/io/openModel';
import { ModelManager } from '../../src/engine/models/modelManager';
import { tempDir } from '../helpers/cli';
import { DEMO_CHECKPOINT, DEMO_SIZE_MODEL } from '../helpers/demoModel';
import { loadSharedNpy, sharedPath } from '../helpers/shared';

const IMAGES = [
  sharedPath('images', 'webgpu-cellseg', 'cellpose_img_075.png'),
  sharedPath('images', 'neurips22-cellseg', 'no-such-image.tif'),
  sharedPath('images', 'neurips22-cellseg', 'cell_00528.tif'),
];

const manager = new ModelManager({ env: { ...process.env, CELLDESK_HOME: tempDir('overlap-home') } });
after(() => manager.close());

/** The batch's outcomes in delivery order, the diameter estimated (so the size model's masks go through the workers too). */
async function runImages(overlap: BatchOverlap | undefined): Promise<{ index: number; outcome: BatchOutcome }[]> {
  const delivered: { index: number; outcome: BatchOutcome }[] = [];
  await runBatch({
    jobs: planJobs(IMAGES, tempDir('overlap-out'), ['labels-tiff']),
    model: () => openModel(manager, onnxRuntimeBackend, { model: DEMO_CHECKPOINT, sizeModelPath: DEMO_SIZE_MODEL, provider: 'cpu' }),
    settings: { diameter: 'estimate' },
    recorder: () => null,
    ...(overlap === undefined ? {} : { overlap }),
    deliver: (index, outcome) => {
      delivered.push({ index, outcome });
    },
  });
  return delivered;
}

test('an overlapped batch gives every image the masks and diameter it gets one at a time, in job order, and a bad image is its own outcome', async () => {
  const overlap = startOverlap(2);
  try {
    const sequential = await runImages(undefined);
    const overlapped = await runImages(overlap);
    assert.deepEqual(overlapped.map((d) => d.index), [0, 1, 2]);
    assert.equal(overlapped[1]!.outcome.kind, 'failed');
    for (const i of [0, 2]) {
      const alone = sequential[i]!.outcome;
      const together = overlapped[i]!.outcome;
      assert.ok(alone.kind === 'done' && together.kind === 'done', IMAGES[i]);
      assert.ok(alone.image.result.maskCount > 0, IMAGES[i]);
      assert.equal(together.image.result.diameter, alone.image.result.diameter, IMAGES[i]);
      assert.deepEqual(together.image.result.frames[0]!.labels, alone.image.result.frames[0]!.labels, IMAGES[i]);
    }
  } finally {
    await overlap.close();
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

test('a model that cannot be opened fails an overlapped batch once, with nothing delivered', async () => {
  const overlap = startOverlap(1);
  const delivered: number[] = [];
  try {
    await assert.rejects(
      runBatch({
        jobs: planJobs([IMAGES[0]!, IMAGES[2]!], join(tempDir('overlap-out'), 'masks'), ['labels-tiff']),
        model: () => openModel(manager, onnxRuntimeBackend, { model: sharedPath('models', 'no-such-model.pth'), provider: 'cpu' }),
        settings: { diameter: 30 },
        recorder: () => null,
        overlap,
        deliver: (index) => {
          delivered.push(index);
        },
      }),
      (error) => error instanceof CellDeskError,
    );
    assert.deepEqual(delivered, []);
  } finally {
    await overlap.close();
  }
});
