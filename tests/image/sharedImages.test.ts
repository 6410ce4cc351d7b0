import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { decodeImage } from '../../src/engine/image/decodeImage';
import { openImageStack } from '../../src/engine/image/imageStack';
import { readShared, sharedPath } from '../helpers/shared';
import { SHARED_IMAGE_FACTS } from './sharedImageFacts';

function imageFilesUnder(folder: string, pattern: RegExp): string[] {
  return readdirSync(sharedPath(folder), { recursive: true })
    .map(String)
    .filter((name) => pattern.test(name))
    .map((name) => `${folder}/${name.split('\\').join('/')}`);
}

test('the table of known facts covers every image and official label TIFF in ../shared', () => {
  const onDisk = [...imageFilesUnder('images', /\.(png|tiff?)$/i), ...imageFilesUnder('reference', /\.masks\.tif$/)].sort();
  const inTable = [...new Set(SHARED_IMAGE_FACTS.map((f) => f.path))].sort();
  assert.deepEqual(inTable, onDisk);
});

for (const facts of SHARED_IMAGE_FACTS) {
  const name = facts.page === undefined ? facts.path : `${facts.path} page ${facts.page}`;
  test(`decodes ${name} as an independent reader does`, async () => {
    const raster = await decodeImage(readShared(facts.path), { page: facts.page ?? 0 });
    assert.equal(raster.format, facts.format);
    assert.deepEqual(
      [raster.width, raster.height, raster.channels, raster.sampleType],
      [facts.width, facts.height, facts.channels, facts.sampleType],
    );
    assert.equal(raster.pageCount, facts.pageCount);
    assert.equal(raster.page, facts.page ?? 0);
    assert.equal(raster.data.length, facts.width * facts.height * facts.channels);
    for (const [c, y, x, value] of facts.pixels) {
      assert.equal(raster.data[(c * raster.height + y) * raster.width + x], value, `sample (c ${c}, y ${y}, x ${x})`);
    }
    let sum = 0;
    for (let i = 0; i < raster.data.length; i++) sum += raster.data[i]!;
    assert.equal(sum, facts.sum);
  });
}

for (const facts of SHARED_IMAGE_FACTS.filter((f) => f.axes !== undefined)) {
  test(`the image reader describes the axes of ${facts.path} as its file declares them`, async () => {
    const described = (await openImageStack(readShared(facts.path))).description;
    const { pixelSize, ...axes } = facts.axes!;
    const { planes, frames, channels, axesFrom } = described;
    assert.deepEqual({ planes, frames, channels, axesFrom }, axes);
    assert.deepEqual([described.width, described.height, described.pageCount], [facts.width, facts.height, facts.pageCount]);
    if (pixelSize === null) return assert.equal(described.pixelSize, null);
    for (const axis of ['x', 'y'] as const) assert.ok(Math.abs(described.pixelSize![axis] - pixelSize[axis]) < 1e-12, `${axis}: ${described.pixelSize![axis]}`);
    assert.equal(described.pixelSize!.z, pixelSize.z);
  });
}
