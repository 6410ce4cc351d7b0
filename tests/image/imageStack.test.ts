// The one image reader: multi-page TIFFs described by what they declare (ImageJ hyperstacks, OME-XML), CellDesk's
// rule for those that declare nothing, the pixel size, and bad stacks refused with typed errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openImageStack, type ImageStack } from '../../src/engine/image/imageStack';
import { rejectsWithCode } from '../helpers/errors';
import { readShared } from '../helpers/shared';
import { writeTestTiff, type TestPage } from './helpers/testTiff';

const WIDTH = 24;
const HEIGHT = 16;

/** A single-channel uint16 page whose every sample is `value` plus its pixel index (so pages are told apart). */
function page(value: number, extra: Partial<TestPage> = {}): TestPage {
  const values = Uint16Array.from({ length: WIDTH * HEIGHT }, (_, i) => value + (i % 50));
  return { width: WIDTH, height: HEIGHT, channels: 1, kind: 'uint', bits: 16, values, ...extra };
}

/** `count` pages valued 1000 * page index, the first carrying `first` (its description, resolution, ...). */
function pages(count: number, first: Partial<TestPage> = {}): TestPage[] {
  return Array.from({ length: count }, (_, i) => page(1000 * i, i === 0 ? first : {}));
}

const description = (text: string): Partial<TestPage> => ({ textTags: [[270, text]] });

/** The page each channel of a plane came from (its samples start at 1000 x page). */
async function pagesOfPlane(stack: ImageStack, plane: number, frame: number): Promise<number[]> {
  const raster = await stack.readPlane({ plane, frame });
  return Array.from({ length: raster.channels }, (_, c) => raster.data[c * WIDTH * HEIGHT]! / 1000);
}

test('an ImageJ hyperstack is read as its channels, slices and frames, pages in XYCZT order', async () => {
  const stack = await openImageStack(writeTestTiff(pages(12, description('ImageJ=1.54f\nimages=12\nchannels=2\nslices=3\nframes=2\nhyperstack=true\n'))));
  const { planes, frames, channels, pageCount, axesFrom, pixelSize } = stack.description;
  assert.deepEqual({ planes, frames, channels, pageCount, axesFrom, pixelSize }, { planes: 3, frames: 2, channels: 2, pageCount: 12, axesFrom: 'imagej', pixelSize: null });
  assert.deepEqual(await pagesOfPlane(stack, 0, 0), [0, 1]);
  assert.deepEqual(await pagesOfPlane(stack, 2, 0), [4, 5]);
  assert.deepEqual(await pagesOfPlane(stack, 1, 1), [8, 9]);
  assert.deepEqual(stack.positionOfPage(9), { plane: 1, frame: 1 });
  assert.equal((await stack.readPlane({ plane: 1, frame: 1 })).page, 8);
});

test('an ImageJ stack naming no axis is a stack of slices; its calibration gives the pixel size in µm', async () => {
  const calibrated = { ...description('ImageJ=1.54f\nimages=3\nunit=\\u00B5m\nspacing=2.5\n'), rationalTags: [[282, 8077194, 1000000], [283, 4000000, 1000000]] as [number, number, number][] };
  const stack = await openImageStack(writeTestTiff(pages(3, calibrated)));
  assert.deepEqual([stack.description.planes, stack.description.channels], [3, 1]);
  const { x, y, z } = stack.description.pixelSize!;
  assert.ok(Math.abs(x - 1 / 8.077194) < 1e-12 && y === 0.25 && z === 2.5, `${x} ${y} ${z}`);
  const nanometres = await openImageStack(writeTestTiff(pages(1, { ...description('ImageJ=1.54f\nunit=nm\n'), rationalTags: [[282, 1, 100]] })));
  assert.deepEqual(nanometres.description.pixelSize, { x: 0.1, y: 0.1, z: null });
});

test('OME-XML: sizes, dimension order, TiffData page mapping and physical sizes in their units', async () => {
  const ome =
    '<?xml version="1.0"?><OME xmlns="http://www.openmicroscopy.org/Schemas/OME/2016-06"><Image ID="Image:0"><Pixels ID="Pixels:0" ' +
    'DimensionOrder="XYCZT" Type="uint16" SizeX="24" SizeY="16" SizeZ="2" SizeC="2" SizeT="1" PhysicalSizeX="325" PhysicalSizeXUnit="nm" ' +
    'PhysicalSizeY="0.325" PhysicalSizeZ="1.5"><Channel ID="Channel:0:0" SamplesPerPixel="1"/><Channel ID="Channel:0:1" SamplesPerPixel="1"/>' +
    '<TiffData FirstC="0" FirstZ="1" IFD="0" PlaneCount="2"/><TiffData FirstZ="0" IFD="2" PlaneCount="2"/></Pixels></Image></OME>';
  const stack = await openImageStack(writeTestTiff(pages(4, description(ome))));
  const { planes, frames, channels, axesFrom, pixelSize } = stack.description;
  assert.deepEqual({ planes, frames, channels, axesFrom }, { planes: 2, frames: 1, channels: 2, axesFrom: 'ome' });
  assert.ok(Math.abs(pixelSize!.x - 0.325) < 1e-12 && pixelSize!.y === 0.325 && pixelSize!.z === 1.5);
  // Plane 1 is stored first (IFDs 0 and 1), plane 0 after it (IFDs 2 and 3).
  assert.deepEqual(await pagesOfPlane(stack, 0, 0), [2, 3]);
  assert.deepEqual(await pagesOfPlane(stack, 1, 0), [0, 1]);
});

test('undeclared pages follow Cellpose: 2 to 9 single-channel pages are channels, unless read as planes; 10 or more are planes', async () => {
  const three = writeTestTiff(pages(3));
  const asChannels = await openImageStack(three);
  assert.deepEqual([asChannels.description.planes, asChannels.description.channels, asChannels.description.axesFrom], [1, 3, 'undeclared']);
  assert.deepEqual(await pagesOfPlane(asChannels, 0, 0), [0, 1, 2]);
  const asPlanes = await openImageStack(three, { pagesAsPlanes: true });
  assert.deepEqual([asPlanes.description.planes, asPlanes.description.channels], [3, 1]);
  const twelve = await openImageStack(writeTestTiff(pages(12)));
  assert.deepEqual([twelve.description.planes, twelve.description.channels], [12, 1]);
  const rgb = (v: number): TestPage => ({ ...page(v), channels: 3, values: new Uint16Array(3 * WIDTH * HEIGHT).fill(v) });
  const rgbPages = await openImageStack(writeTestTiff([rgb(0), rgb(1000)]));
  assert.deepEqual([rgbPages.description.planes, rgbPages.description.channels], [2, 3]);
  // A thumbnail after the stack is not part of it (tifffile's first series).
  const withThumbnail = await openImageStack(writeTestTiff([...pages(2), { ...page(0), width: 8, height: 8, values: new Uint16Array(64) }]));
  assert.deepEqual([withThumbnail.description.planes, withThumbnail.description.channels, withThumbnail.description.pageCount], [1, 2, 3]);
});

test('without ImageJ or OME metadata, a centimetre resolution is a pixel size and an inch resolution (print dpi) is not', async () => {
  const centimetres = await openImageStack(writeTestTiff(pages(1, { shortTags: [[296, 3]], rationalTags: [[282, 20000, 1], [283, 20000, 1]] })));
  assert.deepEqual(centimetres.description.pixelSize, { x: 0.5, y: 0.5, z: null });
  const inches = await openImageStack(writeTestTiff(pages(1, { shortTags: [[296, 2]], rationalTags: [[282, 72, 1], [283, 72, 1]] })));
  assert.equal(inches.description.pixelSize, null);
});

test('the shared stacks are described as their ImageJ metadata declares', async () => {
  const bmz = await openImageStack(readShared('images', 'cellpose-bmz-wrapper', 'test_images.tif'));
  const { pixelSize, ...rest } = bmz.description;
  assert.deepEqual(rest, { format: 'tiff', width: 807, height: 565, planes: 3, frames: 1, channels: 1, pageCount: 3, sampleType: 'uint16', axesFrom: 'imagej' });
  // XResolution 8077194/1000000 pixels per µm (the file's unit=\u00B5m); no spacing declared.
  assert.ok(Math.abs(pixelSize!.x - 0.123805) < 1e-6 && pixelSize!.y === pixelSize!.x && pixelSize!.z === null);
  const drift = await openImageStack(readShared('images', 'stacks', 'cell_00849_drift.tif'));
  assert.deepEqual([drift.description.planes, drift.description.channels, drift.description.pixelSize, drift.description.axesFrom], [3, 1, null, 'imagej']);
});

test('bad stacks are refused with typed errors before any pixel is decoded', async () => {
  const refuse = (bytes: Uint8Array, code: string, message: RegExp) =>
    rejectsWithCode(openImageStack(bytes), code).then((error) => assert.match(error.message, message));
  await refuse(writeTestTiff(pages(3, description('ImageJ=1.54f\nimages=5\nslices=5\n'))), 'IMAGE_AXES', /declares 1 channel x 5 slices x 1 frame, 5 pages, but the file holds 3/);
  await refuse(writeTestTiff(pages(3, description('ImageJ=1.54f\nimages=1000000000\nslices=1000000000\n'))), 'IMAGE_AXES', /1000000000 pages, but the file holds 3/);
  await refuse(writeTestTiff(pages(1, description('ImageJ=1.54f\nimages=3\nslices=3\n'))), 'IMAGE_AXES', /one page header: ImageJ writes stacks larger than 4 GiB this way/);
  await refuse(writeTestTiff(pages(4, description('ImageJ=1.54f\nimages=4\nchannels=2\nslices=3\n'))), 'IMAGE_AXES', /holds 4 images, but also 2 channels x 3 slices x 1 frames = 6/);
  await refuse(writeTestTiff(pages(2, description('ImageJ=1.54f\nimages=2\nslices=two\n'))), 'IMAGE_AXES', /slices=two/);
  const mixed = [page(0, description('ImageJ=1.54f\nimages=2\nslices=2\n')), { ...page(1000), width: 12, values: new Uint16Array(12 * HEIGHT) }];
  await refuse(writeTestTiff(mixed), 'IMAGE_AXES', /page 1 is 12 x 16 uint16 and page 0 is 24 x 16 uint16/);
  const omeHead = '<OME><Image><Pixels DimensionOrder="XYZCT" Type="uint16" SizeX="24" SizeY="16" ';
  await refuse(writeTestTiff(pages(2, description(`${omeHead}SizeZ="100000" SizeC="100000" SizeT="1"></Pixels></Image></OME>`))), 'IMAGE_AXES', /10000000000 pages, but the file holds 2/);
  const twoFiles = '<TiffData IFD="0" PlaneCount="1"><UUID FileName="a.ome.tif">urn:uuid:1</UUID></TiffData><TiffData IFD="0" FirstZ="1" PlaneCount="1"><UUID FileName="b.ome.tif">urn:uuid:2</UUID></TiffData>';
  await refuse(writeTestTiff(pages(2, description(`${omeHead}SizeZ="2" SizeC="1" SizeT="1">${twoFiles}</Pixels></Image></OME>`))), 'IMAGE_AXES', /multi-file dataset/);
  await refuse(writeTestTiff(pages(2, description(`${omeHead}SizeZ="2" SizeC="1" SizeT="1"><TiffData IFD="1" PlaneCount="1"/></Pixels></Image></OME>`))), 'IMAGE_AXES', /does not say which page holds/);
  // The last page's pixels cut short (the pages' data first, their directories at the end, as ImageJ writes them).
  const whole = writeTestTiff(pages(3, description('ImageJ=1.54f\nimages=3\nslices=3\n')));
  const cut = cutLastPageData(whole);
  const error = await rejectsWithCode(openImageStack(cut), 'FILE_FORMAT');
  assert.equal(error.details.truncated, true);
  assert.match(error.message, /ends early: its image data of page 3 of 3/);
});

test('a plane or frame the image does not have is refused', async () => {
  const stack = await openImageStack(writeTestTiff(pages(3, description('ImageJ=1.54f\nimages=3\nslices=3\n'))));
  const error = await rejectsWithCode(stack.readPlane({ plane: 3, frame: 0 }), 'IMAGE_POSITION_OUT_OF_RANGE');
  assert.equal(error.message, 'Plane 3 was asked for, but this image has 3 planes (numbered 0 to 2).');
  await rejectsWithCode(stack.readPlane({ plane: 0, frame: 1 }), 'IMAGE_POSITION_OUT_OF_RANGE');
  await rejectsWithCode(() => stack.positionOfPage(3), 'IMAGE_PAGE_OUT_OF_RANGE');
});

/** A copy of a TIFF whose last page's strip offset points past the file's end, its directories kept intact. */
function cutLastPageData(file: Uint8Array): Uint8Array {
  const copy = file.slice();
  const view = new DataView(copy.buffer);
  let ifd = view.getUint32(4, true);
  let last = ifd;
  while (ifd !== 0) {
    last = ifd;
    ifd = view.getUint32(ifd + 2 + view.getUint16(ifd, true) * 12, true);
  }
  for (let i = 0; i < view.getUint16(last, true); i++) {
    const at = last + 2 + i * 12;
    if (view.getUint16(at, true) === 273) view.setUint32(at + 8, copy.length - 10, true);
  }
  return copy;
}
