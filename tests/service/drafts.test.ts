import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { measureMasks } from '../../src/engine/core/maskMeasurements';
import { outlinePixels } from '../../src/engine/core/outlines';
import { decodeImage } from '../../src/engine/image/decodeImage';
import { EngineService } from '../../src/engine/service/engineService';
import type { DraftSummary, OpenedImage } from '../../src/engine/service/types';
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
  image = await service.openImage(IMAGE);
});

after(() => service.close());

test('no draft is reported for an image never edited', async () => {
  assert.equal(await service.loadDraft(image.imageId), null);
});

test('a saved draft comes back when the same file is opened again, by path or as an upload, measured on the image', async () => {
  await service.saveDraft({ imageId: image.imageId, labels: edited(), summary: SUMMARY });
  await service.closeImage(image.imageId);
  image = await service.openImage(IMAGE);
  const restored = await service.loadDraft(image.imageId);
  assert.ok(restored !== null);
  const { segmentation } = restored;
  assert.deepEqual(segmentation.labels, edited());
  assert.equal(segmentation.imageId, image.imageId);
  assert.deepEqual(segmentation.settings, SUMMARY.settings);
  assert.deepEqual([segmentation.maskCount, segmentation.networkRuns], [2, 0]);
  const raster = await decodeImage(new Uint8Array(readFileSync(IMAGE)));
  assert.deepEqual(segmentation.masks, measureMasks(edited(), 300, 240, raster));
  assert.deepEqual(segmentation.outlines, outlinePixels(edited(), 300, 240));

  const uploaded = await service.uploadImage('renamed.png', new Uint8Array(readFileSync(IMAGE)));
  assert.deepEqual((await service.loadDraft(uploaded.imageId))?.segmentation.labels, edited());
  await service.closeImage(uploaded.imageId);
});

test('another image does not find the draft', async () => {
  const other = await service.openImage(OTHER_IMAGE);
  assert.equal(await service.loadDraft(other.imageId), null);
  await service.closeImage(other.imageId);
});

test('masks of the wrong size are refused, and the draft kept stays as it was', async () => {
  await rejectsWithCode(service.saveDraft({ imageId: image.imageId, labels: new Uint32Array(10), summary: SUMMARY }), 'INVALID_SETTING');
  assert.deepEqual((await service.loadDraft(image.imageId))?.segmentation.labels, edited());
});

test('a damaged draft file is reported as DRAFT_UNREADABLE, and the image stays usable', async () => {
  const [file] = readdirSync(join(home, 'drafts'));
  const path = join(home, 'drafts', file!);
  const good = readFileSync(path);
  writeFileSync(path, good.subarray(0, good.length - 50));
  const error = await rejectsWithCode(service.loadDraft(image.imageId), 'DRAFT_UNREADABLE');
  assert.match(error.message, /not restored/);
  assert.equal((await service.displayPixels(image.imageId)).width, 240);
  writeFileSync(path, good);
});

test('exporting a label image deletes the draft; exporting only measurements keeps it; discarding deletes it', async () => {
  await service.exportMasks({ imageId: image.imageId, labels: edited(), formats: ['measurements-csv'], folder: tempDir('drafts-csv') });
  assert.ok((await service.loadDraft(image.imageId)) !== null);
  await service.exportMasks({ imageId: image.imageId, labels: edited(), formats: ['labels-png'], folder: tempDir('drafts-png') });
  assert.equal(await service.loadDraft(image.imageId), null);

  await service.saveDraft({ imageId: image.imageId, labels: edited(), summary: SUMMARY });
  assert.deepEqual(await service.discardDraft(image.imageId), { discarded: true });
  assert.equal(await service.loadDraft(image.imageId), null);
  assert.deepEqual(await service.discardDraft(image.imageId), { discarded: false });
});
