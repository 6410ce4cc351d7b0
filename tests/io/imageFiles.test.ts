// Reading image files as Cellpose does: a short multi-page TIFF is a multi-channel image unless a page is chosen.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ImageFileError, loadImageFile } from '../../src/engine/io/imageFiles';
import { sharedPath } from '../helpers/shared';

const THREE_PAGES = sharedPath('images', 'cellpose-bmz-wrapper', 'test_images.tif');

test('a 3-page TIFF of single-channel pages is read as 3 channels, like Cellpose', async () => {
  const { image, pagesAsChannels, raster } = await loadImageFile(THREE_PAGES);
  assert.equal(pagesAsChannels, true);
  assert.equal(raster.pageCount, 3);
  assert.equal(image.channels, 3);
  const plane = image.width * image.height;
  const page1 = await loadImageFile(THREE_PAGES, { page: 1 });
  assert.deepEqual(image.data.subarray(plane, 2 * plane), page1.image.data);
});

test('choosing a page reads that page alone', async () => {
  const { image, pagesAsChannels } = await loadImageFile(THREE_PAGES, { page: 2 });
  assert.equal(pagesAsChannels, false);
  assert.equal(image.channels, 1);
});

test('a single-page image is read as it is', async () => {
  const { image, pagesAsChannels } = await loadImageFile(sharedPath('images', 'webgpu-cellseg', 'cellpose_img_075.png'));
  assert.equal(pagesAsChannels, false);
  assert.deepEqual([image.width, image.height, image.channels], [240, 300, 3]);
});

test('a folder is refused with a clear message', async () => {
  await assert.rejects(loadImageFile(sharedPath('images')), (error: unknown) => error instanceof ImageFileError && /it is a folder/.test(error.message));
});
