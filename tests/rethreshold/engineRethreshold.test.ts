// Re-thresholding through the engine worker, with its work ahead running between requests: each new cell
// probability or flow threshold gives the masks, table and outlines a fresh run of the network at that threshold gives.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { EngineService } from '../../src/engine/service/engineService';
import type { OpenedImage, Segmentation } from '../../src/shared/contract';
import { checkedCalls } from '../helpers/contract';
import { tempDir } from '../helpers/cli';
import { DEMO_CHECKPOINT } from '../helpers/demoModel';
import { sharedPath } from '../helpers/shared';

const IMAGE = sharedPath('images', 'scellseg-contrast_data', 'Kc167', '095_img.png');
const SETTINGS = { channels: [2, 1] as [number, number], diameter: 30 };

let service: EngineService;
let call: ReturnType<typeof checkedCalls>;
let kept: OpenedImage;

before(async () => {
  service = new EngineService({ env: { ...process.env, CELLDESK_HOME: tempDir('rethreshold-home') } });
  call = checkedCalls(service);
  kept = await call('image:open', { path: IMAGE });
  await call('segment:run', { imageId: kept.imageId, model: DEMO_CHECKPOINT, provider: 'cpu', settings: SETTINGS, record: false });
});

after(() => service.close());

/** A fresh run of the network and the whole pipeline at these thresholds, on the image opened again. */
async function freshRun(thresholds: { cellprobThreshold: number; flowThreshold: number }): Promise<Segmentation> {
  const image = await call('image:open', { path: IMAGE });
  try {
    return await call('segment:run', { imageId: image.imageId, model: DEMO_CHECKPOINT, provider: 'cpu', settings: { ...SETTINGS, ...thresholds }, record: false });
  } finally {
    await call('image:close', { imageId: image.imageId });
  }
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test('cell probability and flow thresholds changed after the work ahead began give the masks of a fresh run at them', async () => {
  // On the control's steps (prepared ahead) and off them, with the flow threshold stricter, looser and off.
  const changes = [
    { cellprobThreshold: 0.5, flowThreshold: 0.4 },
    { cellprobThreshold: 0.5, flowThreshold: 0.2 },
    { cellprobThreshold: -1, flowThreshold: 0.2 },
    { cellprobThreshold: 1.3, flowThreshold: 0.8 },
    { cellprobThreshold: -0.7, flowThreshold: 0 },
  ];
  let differentFromFirst = 0;
  let previous: Uint32Array | null = null;
  for (const thresholds of changes) {
    // The time a user looks at the result: the engine works ahead in it.
    await pause(1500);
    const changed = await call('segment:rethreshold', { imageId: kept.imageId, ...thresholds, minSize: 15 });
    assert.equal(changed.networkRan, false);
    const fresh = await freshRun(thresholds);
    const label = JSON.stringify(thresholds);
    assert.ok(fresh.maskCount > 20, `${label}: ${fresh.maskCount} masks`);
    assert.equal(changed.maskCount, fresh.maskCount, label);
    assert.deepEqual(changed.labels, fresh.labels, label);
    assert.deepEqual(changed.masks, fresh.masks, label);
    assert.deepEqual(changed.outlines, fresh.outlines, label);
    if (previous !== null && changed.labels.some((value, i) => value !== previous![i])) differentFromFirst++;
    previous = changed.labels;
  }
  assert.ok(differentFromFirst >= changes.length - 2, 'the thresholds tried change the masks');
});
