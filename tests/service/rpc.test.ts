// The RPC between a service and its worker works over any message channel (here a MessageChannel inside this
// process, with the real engine handlers, as a utility or child process would carry it): calls by contract name,
// progress, typed failures, and cancellation by message alone, read between network batches.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { MessageChannel } from 'node:worker_threads';
import { createEngineHandlers } from '../../src/engine/service/engineHandlers';
import { RpcClient, serveCalls } from '../../src/engine/service/rpc';
import { portTransport } from '../../src/engine/service/startWorker';
import { EngineWorkspace } from '../../src/engine/service/workspace';
import type { OpenedImage, SegmentProgressEvent } from '../../src/shared/contract';
import { rejectsWithCode } from '../helpers/errors';
import { tempDir } from '../helpers/cli';
import { DEMO_CHECKPOINT } from '../helpers/demoModel';
import { sharedPath } from '../helpers/shared';

const IMAGE = sharedPath('images', 'webgpu-cellseg', 'cellpose_img_075.png');

const channel = new MessageChannel();
const workspace = new EngineWorkspace({ ...process.env, CELLDESK_HOME: tempDir('rpc-home') });
const client = new RpcClient(portTransport(channel.port2));
let image: OpenedImage;

/** A segmentation in batches of one tile, so that it reports progress (and can be cancelled) between tiles. */
const segment = (options: { signal?: AbortSignal; onProgress?: (payload: unknown) => void } = {}) =>
  client.call('segment:run', { imageId: image.imageId, model: DEMO_CHECKPOINT, provider: 'cpu', settings: { diameter: 30, batchSize: 1 }, record: false }, options);

before(async () => {
  serveCalls(createEngineHandlers(workspace), portTransport(channel.port1));
  image = (await client.call('image:open', { path: IMAGE })) as OpenedImage;
});

after(async () => {
  channel.port1.close();
  await workspace.close();
});

test('a call answers by contract name, reporting its progress as it goes', async () => {
  const progress: SegmentProgressEvent[] = [];
  const result = (await segment({ onProgress: (payload) => progress.push(payload as SegmentProgressEvent) })) as { maskCount: number };
  assert.equal(result.maskCount, 44);
  const network = progress.filter((p) => p.stage === 'network');
  assert.ok(network.length >= 3, `${network.length} network reports`);
  assert.deepEqual(network.map((p) => p.done), [...network.keys()]);
  assert.ok(progress.every((p) => p.imageId === image.imageId));
});

test('a typed failure crosses as its code and details; a call the worker does not answer is refused', async () => {
  const error = await rejectsWithCode(client.call('image:pixels', { imageId: 'gone' }), 'IMAGE_NOT_OPEN');
  assert.deepEqual(error.details, { imageId: 'gone' });
  await assert.rejects(client.call('app:info', undefined), /this worker answers no call named app:info/);
});

test('a cancel message alone stops a running segmentation between network batches', async () => {
  const controller = new AbortController();
  let reports = 0;
  const run = segment({
    signal: controller.signal,
    onProgress: (payload) => {
      if ((payload as SegmentProgressEvent).stage === 'network' && ++reports === 2) controller.abort();
    },
  });
  const error = await rejectsWithCode(run, 'CANCELLED');
  assert.equal(error.message, 'The segmentation was cancelled.');
  // The kept output of the first run is still there: cancelling did not replace it.
  assert.equal(((await client.call('segment:rethreshold', { imageId: image.imageId, flowThreshold: 0.4, cellprobThreshold: 0, minSize: 15 })) as { maskCount: number }).maskCount, 44);
});

test("'segment:cancel' stops the image's running segmentation, as the app's Cancel does", async () => {
  let cancelled: unknown = null;
  const run = segment({
    onProgress: (payload) => {
      if ((payload as SegmentProgressEvent).stage === 'network' && cancelled === null) cancelled = client.call('segment:cancel', { imageId: image.imageId });
    },
  });
  await rejectsWithCode(run, 'CANCELLED');
  assert.deepEqual(await cancelled, { cancelled: true });
});
