// Reading image files from disk through the one reader: a stack as its file declares it, a plane of it as the
// pipeline's float32 image, and one error type for a file that cannot be read.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ImageFileError, readImageFile, readImagePlane } from '../../src/engine/io/imageFiles';
import { decodeImage } from '../../src/engine/image/decodeImage';
import { tempDir } from '../helpers/cli';
import { readShared, sharedPath } from '../helpers/shared';
import { writeTestTiff } from '../image/helpers/testTiff';

const THREE_PLANES = sharedPath('images', 'cellpose-bmz-wrapper', 'test_images.tif');

test('a 3-page ImageJ stack is 3 planes of 1 channel, and opens on its middle plane', async () => {
  const { stack, image } = await readImagePlane(THREE_PLANES);
  assert.deepEqual([stack.description.planes, stack.description.channels], [3, 1]);
  const page1 = await decodeImage(readShared('images', 'cellpose-bmz-wrapper', 'test_images.tif'), { page: 1 });
  assert.deepEqual([image.width, image.height, image.channels], [807, 565, 1]);
  assert.deepEqual(image.data, new Float32Array(page1.data));
  const { image: last } = await readImagePlane(THREE_PLANES, { plane: 2, frame: 0 });
  const page2 = await decodeImage(readShared('images', 'cellpose-bmz-wrapper', 'test_images.tif'), { page: 2 });
  assert.deepEqual(last.data, new Float32Array(page2.data));
});

test('the same 3 pages without metadata are one plane of 3 channels, as Cellpose reads them', async () => {
  const pages = await Promise.all([0, 1, 2].map((page) => decodeImage(readShared('images', 'cellpose-bmz-wrapper', 'test_images.tif'), { page })));
  const path = join(tempDir('undeclared'), 'three-pages.tif');
  writeFileSync(path, writeTestTiff(pages.map((p) => ({ width: p.width, height: p.height, channels: 1, kind: 'uint', bits: 16, values: p.data }))));
  const { stack, image } = await readImagePlane(path);
  assert.deepEqual([stack.description.planes, stack.description.channels, stack.description.axesFrom], [1, 3, 'undeclared']);
  const plane = image.width * image.height;
  assert.deepEqual(image.data.subarray(plane, 2 * plane), new Float32Array(pages[1]!.data));
});

test('a single-page image is read as it is', async () => {
  const { stack, image } = await readImagePlane(sharedPath('images', 'webgpu-cellseg', 'cellpose_img_075.png'));
  assert.deepEqual([image.width, image.height, image.channels, stack.description.planes, stack.description.format], [240, 300, 3, 1, 'png']);
});

test('a folder or a missing file is refused with the one image file error', async () => {
  await assert.rejects(readImageFile(sharedPath('images')), (error: unknown) => error instanceof ImageFileError && error.message === `Cannot read the image ${sharedPath('images')}: it is a folder.`);
  await assert.rejects(readImageFile('/no/such.tif'), (error: unknown) => error instanceof ImageFileError && error.code === 'IMAGE_FILE' && /there is no such file/.test(error.message));
});
