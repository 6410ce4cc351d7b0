// Two runs asked for on one image: the newer replaces the older, which says it was replaced by a newer run (typed
// RUN_REPLACED), never that it was cancelled; only an actual cancel says CANCELLED. Through the real engine service.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { EngineService } from '../../src/engine/service/engineService';
import { createHistoryService } from '../../src/engine/service/historyService';
import type { OpenedImage } from '../../src/shared/contract';
import { tempDir } from '../helpers/cli';
import { checkedCalls } from '../helpers/contract';
import { DEMO_CHECKPOINT } from '../helpers/demoModel';
import { rejectsWithCode } from '../helpers/errors';
import { sharedPath } from '../helpers/shared';

const IMAGE = sharedPath('images', 'webgpu-cellseg', 'cellpose_img_075.png');
const env = { ...process.env, CELLDESK_HOME: tempDir('same-image-runs-home') };
let service: EngineService;
let call: ReturnType<typeof checkedCalls>;
let image: OpenedImage;

/** A segmentation in batches of one tile, so that it is still running between its network reports. */
const segment = (diameter: number) =>
  service.call('segment:run', { imageId: image.imageId, model: DEMO_CHECKPOINT, provider: 'cpu', settings: { channels: [0, 0], diameter, batchSize: 1 } });

/** Resolves at the image's next report from the network stage. */
function networkRunning(): Promise<void> {
  return new Promise((resolve) => {
    const stop = service.on('segment:progress', (event) => {
      if (event.imageId === image.imageId && event.stage === 'network') {
        stop();
        resolve();
      }
    });
  });
}

before(async () => {
  service = new EngineService({ env });
  call = checkedCalls(service);
  image = await call('image:open', { path: IMAGE });
});

after(() => service.close());

test('a second segmentation of the same image reports the first as replaced by a newer run, not cancelled', async () => {
  const running = networkRunning();
  const older = segment(25);
  await running;
  const newer = segment(30);
  const replaced = await rejectsWithCode(older, 'RUN_REPLACED');
  assert.match(replaced.message, /replaced by a newer run/);
  assert.doesNotMatch(replaced.message, /cancel/i);
  assert.deepEqual(replaced.details, { call: 'segment:run', replacedBy: 'segment:run' });

  const result = await newer;
  assert.equal(result.maskCount, 44);
  assert.equal(result.diameter, 30);
  assert.equal(result.networkRuns, 1, 'the replaced run left nothing behind');
  // Only the run that finished is in the history.
  const recorded = (await createHistoryService(env)['history:list'](undefined)).segmentationRuns;
  assert.deepEqual(recorded.map((run) => run.uuid), [result.historyRun]);
});

test('a segmentation cancelled with segment:cancel still says it was cancelled', async () => {
  const running = networkRunning();
  const run = segment(30);
  await running;
  assert.deepEqual(await call('segment:cancel', { imageId: image.imageId }), { cancelled: true });
  const error = await rejectsWithCode(run, 'CANCELLED');
  assert.equal(error.message, 'The segmentation was cancelled.');
});
