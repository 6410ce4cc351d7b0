import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { measureMasks } from '../../src/engine/core/maskMeasurements';
import { outlinePixels } from '../../src/engine/core/outlines';
import { decodeImage } from '../../src/engine/image/decodeImage';
import { EngineService } from '../../src/engine/service/engineService';
import type { DraftSummary, OpenedImage } from '../../src/shared/contract';
import { checkedCalls } from '../helpers/contract';
import { rejectsWithCode } from '../helpers/errors';
import { tempDir } from '../helpers/cli';
import { sharedPath } from '../helpers/shared';

const IMAGE = sharedPath('images', 'webgpu-cellseg', 'cellpose_img_075.png');
const OTHER_IMAGE = sharedPath('images', 'webgpu-cellseg', 'cellpose_img_003.png');
const SUMMARY: DraftSummary = {
  diameter: 30,
  diameterFromStyle: null,
  executionProvider: 'cpu',
  fallbackReasons: [],
  model: { name: null, path: '/models/demo.pth' },
  settings: { channels: [0, 0], diameter: 30, flowThreshold: 0.4, cellprobThreshold: 0, minSize: 15, augment: false, batchSize: 8 },
};

let service: EngineService;
let call: ReturnType<typeof checkedCalls>;
let home: string;
let image: OpenedImage;

/** Two rectangles as masks over the 240 x 300 image. */
function edited(): Uint32Array {
  const labels = new Uint32Array(240 * 300);
  for (let y = 10; y < 40; y++) for (let x = 20; x < 60; x++) labels[y * 240 + x] = 3;
  for (let y = 100; y < 130; y++) for (let x = 100; x < 115; x++) labels[y * 240 + x] = 7;
  return labels;
}

before(async () => {
  home = tempDir('drafts-home');
  service = new EngineService({ env: { ...process.env, CELLDESK_HOME: home } });
  call = checkedCalls(service);
  image = await call('image:open', { path: IMAGE });
});

after(() => service.close());

test('no draft is reported for an image never edited', async () => {
  assert.equal(await call('masks:loadDraft', { imageId: image.imageId }), null);
});

test('a saved draft comes back when the same file is opened again, by path or as an upload, measured on the image', async () => {
  await call('masks:saveDraft', { imageId: image.imageId, labels: edited(), summary: SUMMARY });
  await call('image:close', { imageId: image.imageId });
  image = await call('image:open', { path: IMAGE });
  const restored = await call('masks:loadDraft', { imageId: image.imageId });
  assert.ok(restored !== null);
  const { segmentation } = restored;
  assert.deepEqual(segmentation.labels, edited());
  assert.equal(segmentation.imageId, image.imageId);
  assert.deepEqual(segmentation.settings, SUMMARY.settings);
  assert.deepEqual([segmentation.maskCount, segmentation.networkRuns], [2, 0]);
  const raster = await decodeImage(new Uint8Array(readFileSync(IMAGE)));
  assert.deepEqual(segmentation.masks, measureMasks(edited(), 300, 240, raster));
  assert.deepEqual(segmentation.outlines, outlinePixels(edited(), 300, 240));

  const uploaded = await call('image:upload', { name: 'renamed.png', bytes: new Uint8Array(readFileSync(IMAGE)) });
  assert.deepEqual((await call('masks:loadDraft', { imageId: uploaded.imageId }))?.segmentation.labels, edited());
  await call('image:close', { imageId: uploaded.imageId });
});

test('another image does not find the draft', async () => {
  const other = await call('image:open', { path: OTHER_IMAGE });
  assert.equal(await call('masks:loadDraft', { imageId: other.imageId }), null);
  await call('image:close', { imageId: other.imageId });
});

test('masks of the wrong size are refused, and the draft kept stays as it was', async () => {
  await rejectsWithCode(service.call('masks:saveDraft', { imageId: image.imageId, labels: new Uint32Array(10), summary: SUMMARY }), 'INVALID_SETTING');
  assert.deepEqual((await call('masks:loadDraft', { imageId: image.imageId }))?.segmentation.labels, edited());
});

test('a damaged draft file is reported as DRAFT_UNREADABLE, and the image stays usable', async () => {
  const [file] = readdirSync(join(home, 'drafts'));
  const path = join(home, 'drafts', file!);
  const good = readFileSync(path);
  writeFileSync(path, good.subarray(0, good.length - 50));
  const error = await rejectsWithCode(service.call('masks:loadDraft', { imageId: image.imageId }), 'DRAFT_UNREADABLE');
  assert.match(error.message, /not restored/);
  assert.equal((await call('image:pixels', { imageId: image.imageId })).width, 240);
  writeFileSync(path, good);
});

test('exporting a label image deletes the draft; exporting only measurements keeps it; discarding deletes it', async () => {
  await call('masks:export', { imageId: image.imageId, labels: edited(), formats: ['measurements-csv'], folder: tempDir('drafts-csv') });
  assert.ok((await call('masks:loadDraft', { imageId: image.imageId })) !== null);
  await call('masks:export', { imageId: image.imageId, labels: edited(), formats: ['labels-png'], folder: tempDir('drafts-png') });
  assert.equal(await call('masks:loadDraft', { imageId: image.imageId }), null);

  await call('masks:saveDraft', { imageId: image.imageId, labels: edited(), summary: SUMMARY });
  assert.deepEqual(await call('masks:discardDraft', { imageId: image.imageId }), { discarded: true });
  assert.equal(await call('masks:loadDraft', { imageId: image.imageId }), null);
  assert.deepEqual(await call('masks:discardDraft', { imageId: image.imageId }), { discarded: false });
});
