// A segmentation estimated to be large waits for the user: the engine refuses it with LARGE_RUN and its estimate
// unless the call says yes (confirmLarge). The page's question is tested in tests/browser/largeRun.test.ts.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { EngineService } from '../../src/engine/service/engineService';
import type { OpenedImage } from '../../src/shared/contract';
import { tempDir } from '../helpers/cli';
import { checkedCalls } from '../helpers/contract';
import { DEMO_CHECKPOINT } from '../helpers/demoModel';
import { rejectsWithCode } from '../helpers/errors';
import { sharedPath } from '../helpers/shared';

const IMAGE = sharedPath('images', 'webgpu-cellseg', 'cellpose_img_075.png');
let service: EngineService;
let call: ReturnType<typeof checkedCalls>;
let image: OpenedImage;

before(async () => {
  service = new EngineService({ env: { ...process.env, CELLDESK_HOME: tempDir('large-run-home') } });
  call = checkedCalls(service);
  image = await call('image:open', { path: IMAGE });
});

after(() => service.close());

/** Resolves when the engine reports progress for `imageId`. */
function firstProgress(imageId: string): Promise<void> {
  return new Promise((resolve) => {
    const stop = service.on('segment:progress', (event) => {
      if (event.imageId !== imageId) return;
      stop();
      resolve();
    });
  });
}

test('the engine refuses a large run with its estimate, and starts it when the call says yes', { timeout: 240_000 }, async () => {
  const request = { imageId: image.imageId, model: DEMO_CHECKPOINT, provider: 'cpu' as const, settings: { diameter: 1, channels: [2, 3] as [number, number] }, record: false };
  const error = await rejectsWithCode(service.call('segment:run', request), 'LARGE_RUN');
  assert.match(error.message, /^Segmenting this 240 x 300 image at a diameter of 1 px would take about .* so it was not started\. Segment it anyway/);
  const estimate = error.details.estimate as { seconds: number; memoryBytes: number; networkTiles: number; provider: string };
  assert.equal(estimate.provider, 'cpu');
  assert.ok(estimate.networkTiles > 1000, `${estimate.networkTiles} tiles`);
  const running = service.call('segment:run', { ...request, confirmLarge: true });
  await firstProgress(image.imageId);
  assert.deepEqual(await call('segment:cancel', { imageId: image.imageId }), { cancelled: true });
  await rejectsWithCode(running, 'CANCELLED');
});
