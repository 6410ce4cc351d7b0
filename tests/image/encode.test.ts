import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decode as decodePngWithFastPng } from 'fast-png';
import { fromArrayBuffer } from 'geotiff';
import { InvalidSettingError } from '../../src/engine/errors';
import { decodeImage } from '../../src/engine/image/decodeImage';
import { encodeLabelTiff } from '../../src/engine/image/encodeTiff';
import { encodePng } from '../../src/engine/image/encodePng';
import { openImageStack } from '../../src/engine/image/imageStack';
import { rasterToPlanarFloat32, type RasterImage } from '../../src/engine/image/raster';
import { readShared } from '../helpers/shared';

function labelPattern<T extends Uint16Array | Uint32Array>(labels: T, width: number): T {
  for (let i = 0; i < labels.length; i++) {
    const x = i % width;
    const y = Math.floor(i / width);
    labels[i] = ((Math.floor(x / 9) * 7 + Math.floor(y / 5) * 131) % 997) * ((x + y) % 4 === 0 ? 0 : 1);
  }
  return labels;
}

test('label TIFFs round-trip through decodeImage: uint16 and uint32, Deflate and uncompressed, many strips', async () => {
  const width = 701;
  const height = 300;
  const sixteen = labelPattern(new Uint16Array(width * height), width);
  sixteen[5] = 65535;
  const thirtyTwo = labelPattern(new Uint32Array(width * height), width);
  thirtyTwo[7] = 4_294_967_295;
  thirtyTwo[8] = 70_000;
  for (const labels of [sixteen, thirtyTwo]) {
    for (const compression of ['deflate', 'none'] as const) {
      const file = encodeLabelTiff(labels, width, height, { compression });
      const raster = await decodeImage(file);
      assert.deepEqual([raster.width, raster.height, raster.channels, raster.sampleType], [width, height, 1, labels instanceof Uint16Array ? 'uint16' : 'uint32']);
      assert.deepEqual(raster.data, labels);
    }
  }
});

test('label TIFFs carry the tags other readers need (read back with geotiff, an independent TIFF reader)', async () => {
  const width = 300;
  const height = 250;
  const labels = labelPattern(new Uint32Array(width * height), width);
  const file = encodeLabelTiff(labels, width, height);
  const tiff = await fromArrayBuffer(file.slice().buffer);
  assert.equal(await tiff.getImageCount(), 1);
  const image = await tiff.getImage(0);
  const directory = image.fileDirectory;
  assert.equal(image.getWidth(), width);
  assert.equal(image.getHeight(), height);
  assert.equal(image.getSamplesPerPixel(), 1);
  assert.deepEqual(Array.from(directory.getValue('BitsPerSample') as ArrayLike<number>), [32]);
  assert.deepEqual(Array.from(directory.getValue('SampleFormat') as ArrayLike<number>), [1]); // unsigned
  assert.equal(directory.getValue('Compression'), 8); // Deflate, as Cellpose's io.imsave writes masks
  assert.equal(directory.getValue('PhotometricInterpretation'), 1); // black is zero
  assert.ok(((await directory.loadValue('StripOffsets')) as ArrayLike<number>).length > 1, 'written in several strips');
  const [pixels] = (await image.readRasters()) as unknown as [Uint32Array];
  assert.deepEqual(pixels, labels);
});

test('re-encoding an official Cellpose mask TIFF keeps every label', async () => {
  const official = await decodeImage(readShared('reference', 'np_00849.d30.masks.tif'));
  assert.equal(official.sampleType, 'uint32');
  const again = await decodeImage(encodeLabelTiff(official.data as Uint32Array, official.width, official.height));
  assert.deepEqual(again.data, official.data);
});

test('a label volume is written as one page per plane of each frame, which the reader and geotiff read as a hyperstack', async () => {
  const width = 50;
  const height = 30;
  const volume = labelPattern(new Uint16Array(2 * 3 * width * height), width);
  const file = encodeLabelTiff(volume, width, height, { stack: { planes: 3, frames: 2 } });
  const stack = await openImageStack(file);
  const { planes, frames, channels, axesFrom, pageCount } = stack.description;
  assert.deepEqual({ planes, frames, channels, axesFrom, pageCount }, { planes: 3, frames: 2, channels: 1, axesFrom: 'imagej', pageCount: 6 });
  const plane = width * height;
  assert.deepEqual((await stack.readPlane({ plane: 2, frame: 1 })).data, volume.subarray(5 * plane, 6 * plane));
  const tiff = await fromArrayBuffer(file.slice().buffer);
  assert.equal(await tiff.getImageCount(), 6);
  const [fourth] = (await (await tiff.getImage(3)).readRasters()) as unknown as [Uint16Array];
  assert.deepEqual(fourth, volume.subarray(3 * plane, 4 * plane));
  assert.throws(() => encodeLabelTiff(volume, width, height, { stack: { planes: 4, frames: 2 } }), /9000 values, but 8 planes of 50 x 30 pixels need 12000/);
});

test('refuses labels that do not fill width x height', () => {
  assert.throws(() => encodeLabelTiff(new Uint16Array(10), 3, 3), InvalidSettingError);
  assert.throws(() => encodeLabelTiff(new Uint16Array(0), 0, 0), InvalidSettingError);
});

test('PNG export: 8-bit RGBA and grey and 16-bit grey keep their samples', async () => {
  const rgba = Uint8Array.from({ length: 4 * 12 }, (_, i) => (i * 23) % 256);
  const rgbaFile = encodePng({ width: 4, height: 3, channels: 4, data: rgba });
  const stored = decodePngWithFastPng(rgbaFile);
  assert.deepEqual([stored.channels, stored.depth], [4, 8]);
  assert.deepEqual(Array.from(stored.data), Array.from(rgba)); // alpha is in the file
  const rgbaRaster = await decodeImage(rgbaFile);
  assert.equal(rgbaRaster.channels, 3); // and, as in Cellpose, not in what is read back for segmentation
  assert.equal(rgbaRaster.data[0], rgba[0]);

  const grey = Uint8Array.from({ length: 12 }, (_, i) => i * 20);
  assert.deepEqual((await decodeImage(encodePng({ width: 4, height: 3, channels: 1, data: grey }))).data, grey);

  const labels = Uint16Array.from({ length: 12 }, (_, i) => i * 5000 + 7);
  const labelRaster = await decodeImage(encodePng({ width: 4, height: 3, channels: 1, data: labels }));
  assert.equal(labelRaster.sampleType, 'uint16');
  assert.deepEqual(labelRaster.data, labels);

  assert.throws(() => encodePng({ width: 4, height: 3, channels: 3, data: grey }), InvalidSettingError);
});

test('converts every sample type to planar float32 as numpy astype(float32) does', () => {
  const base = { width: 2, height: 1, channels: 2, pageCount: 1, page: 0, format: 'tiff' as const };
  const rasters: [RasterImage, number[]][] = [
    [{ ...base, sampleType: 'int16', data: Int16Array.from([-32768, -1, 0, 32767]) }, [-32768, -1, 0, 32767]],
    [{ ...base, sampleType: 'uint32', data: Uint32Array.from([16_777_217, 4_294_967_295, 1, 0]) }, [16_777_216, 4_294_967_296, 1, 0]],
    [{ ...base, sampleType: 'float64', data: Float64Array.from([0.1, -1e-50, 1e40, 3]) }, [Math.fround(0.1), -0, Infinity, 3]],
    [{ ...base, sampleType: 'uint8', data: Uint8Array.from([0, 1, 254, 255]) }, [0, 1, 254, 255]],
  ];
  for (const [raster, expected] of rasters) {
    const planar = rasterToPlanarFloat32(raster);
    assert.deepEqual([planar.width, planar.height, planar.channels], [2, 1, 2]);
    assert.ok(planar.data instanceof Float32Array);
    assert.deepEqual(Array.from(planar.data), expected);
  }
  const float32 = { ...base, sampleType: 'float32' as const, data: Float32Array.from([1, 2, 3, 4]) };
  const copy = rasterToPlanarFloat32(float32);
  copy.data[0] = 99;
  assert.equal(float32.data[0], 1, 'the float32 image is a copy, not a view');
});
