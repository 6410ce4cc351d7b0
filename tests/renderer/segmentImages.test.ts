// Opening images in the Segment view's model in Node, against the real engine through the in-process client: by
// path and as dropped bytes, the previous image closed, channels set for a grey image, the recent list, and a file
// that cannot be read.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createAppModel } from '../../src/renderer/src/model/appModel';
import type { SegmentModel } from '../../src/renderer/src/model/segment/segmentModel';
import { rejectsWithCode } from '../helpers/errors';
import { callsOf, startInProcessEngine, type InProcessEngine } from '../helpers/inProcessEngine';
import { sharedPath } from '../helpers/shared';

const IMAGE = sharedPath('images', 'webgpu-cellseg', 'cellpose_img_075.png');
const GREY_IMAGE = sharedPath('images', 'stardist-dsb2018', 'img2d.tif');

let engine: InProcessEngine;
let segment: SegmentModel;

before(() => {
  engine = startInProcessEngine();
  segment = createAppModel(engine.client).segment;
});

after(() => engine.close());

test('the view starts with the models listed and the model field filled', async () => {
  await segment.parameters.loadModels();
  assert.equal(segment.store.get().parameters.model, 'cyto3');
  assert.ok(segment.catalog.store.get().models.some((m) => m.name === 'cyto3'));
});

test('an image opened by its path is shown with a display range and a visible flag per channel, and listed as recent', async () => {
  await segment.images.openPath(`  ${IMAGE} `);
  const state = segment.store.get();
  assert.equal(state.error, null);
  assert.deepEqual([state.image?.path, state.image?.channels, state.pixels?.width, state.pixels?.height], [IMAGE, 3, 240, 300]);
  assert.deepEqual(state.displayRanges, state.pixels!.ranges);
  assert.deepEqual(state.channelVisible, [true, true, true]);
  assert.equal(state.notice, 'Opened cellpose_img_075.png (240 x 300, 3 channels, uint8).');
  assert.deepEqual(
    state.recent.map((file) => file.path),
    [IMAGE],
  );
  assert.deepEqual([state.activity.kind, state.segmentation, state.canUndo], ['idle', null, false]);
});

test('display ranges and channel visibility change one channel at a time', () => {
  segment.overlays.setDisplayRange(1, [10, 20]);
  segment.overlays.setChannelVisible(0, false);
  const { displayRanges, channelVisible, pixels } = segment.store.get();
  assert.deepEqual(displayRanges, [pixels!.ranges[0], [10, 20], pixels!.ranges[2]]);
  assert.deepEqual(channelVisible, [false, true, true]);
});

test('a grey image opened after another sets the channels to grayscale and closes the one before in the engine', async () => {
  segment.parameters.set({ channels: [2, 3] });
  const previous = segment.store.get().image!.imageId;
  await segment.images.openPath(GREY_IMAGE);
  await engine.settled();
  const state = segment.store.get();
  assert.deepEqual([state.image?.channels, state.parameters.channels, state.channelVisible], [1, [0, 0], [true]]);
  assert.deepEqual(callsOf(engine, 'image:close'), [{ imageId: previous }]);
  await rejectsWithCode(engine.client.call('image:pixels', { imageId: previous }), 'IMAGE_NOT_OPEN');
});

test('a dropped file opens from its bytes, under its own name', async () => {
  await segment.images.upload('dropped.png', new Uint8Array(readFileSync(IMAGE)));
  const { image, pixels, error } = segment.store.get();
  assert.equal(error, null);
  assert.deepEqual([image?.name, pixels?.width, pixels?.height], ['dropped.png', 240, 300]);
});

test('a file that cannot be read shows why, and the image that was open stays open', async () => {
  const open = segment.store.get().image;
  await segment.images.openPath('/no/such/image.tif');
  const state = segment.store.get();
  assert.equal(state.error, 'Cannot read the image /no/such/image.tif: there is no such file.');
  assert.equal(state.image, open);
  assert.equal(state.activity.kind, 'idle');
  assert.equal((await engine.client.call('image:pixels', { imageId: open!.imageId })).width, 240);
  segment.dismissError();
  assert.equal(segment.store.get().error, null);
});
