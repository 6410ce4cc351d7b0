// A segmentation estimated to be large waits for the user: the engine refuses it with LARGE_RUN and its estimate
// unless the call says yes (confirmLarge). The page's question is tested in tests/browser/largeRun.test.ts.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { closeEngineServices, createEngineServices, type EngineServices } from '../../src/main/services/engineServices';
import { tempDir } from '../helpers/cli';
import { DEMO_CHECKPOINT } from '../helpers/demoModel';
import { rejectsWithCode } from '../helpers/errors';
import { sharedPath } from '../helpers/shared';

const IMAGE = sharedPath('images', 'webgpu-cellseg', 'cellpose_img_075.png');
let services: EngineServices;

before(() => {
  services = createEngineServices({ env: { ...process.env, CELLDESK_HOME: tempDir('large-run-home') } });
});

after(() => closeEngineServices(services));

/** Resolves when the engine reports progress for `imageId`. */
function firstProgress(imageId: string): Promise<void> {
  return new Promise((resolve) => {
    const stop = services.engine.onProgress((event) => {
      if (event.imageId !== imageId) return;
      stop();
      resolve();
    });
  });
}

test('the engine refuses a large run with its estimate, and starts it when the call says yes', { timeout: 240_000 }, async () => {
  const { engine } = services;
  const image = await engine.openImage(IMAGE);
  const request = { imageId: image.imageId, model: DEMO_CHECKPOINT, provider: 'cpu' as const, settings: { diameter: 1, channels: [2, 3] as [number, number] } };
  const error = await rejectsWithCode(engine.segment(request), 'LARGE_RUN');
  assert.match(error.message, /^Segmenting this 240 x 300 image at a diameter of 1 px would take about .* so it was not started\. Segment it anyway/);
  const estimate = error.details.estimate as { seconds: number; memoryBytes: number; networkTiles: number; provider: string };
  assert.equal(estimate.provider, 'cpu');
  assert.ok(estimate.networkTiles > 1000, `${estimate.networkTiles} tiles`);
  const running = engine.segment({ ...request, confirmLarge: true });
  await firstProgress(image.imageId);
  assert.equal(engine.cancelSegmentation(image.imageId), true);
  await rejectsWithCode(running, 'CANCELLED');
});
