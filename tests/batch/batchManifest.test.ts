// What a batch counts as done (see [Note: batch manifest]): an image whose manifest entry has the same content and
// settings, and every format asked for on disk at its recorded size; anything else is done again, and a manifest that
// cannot be read only means everything is done again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { planJobs } from '../../src/engine/batch/batchJobs';
import { BatchManifest, MANIFEST_NAME, settingsKey } from '../../src/engine/batch/batchManifest';
import type { WrittenOutput } from '../../src/engine/batch/batchOutputs';
import type { BatchFormat } from '../../src/shared/contract';
import { tempDir } from '../helpers/cli';

const MODEL = 'a'.repeat(64);
const KEY = settingsKey(MODEL, { diameter: 30 }, { kind: 'independent' });
const IMAGE_SHA = 'b'.repeat(64);
const summary = {
  diameter: 30,
  diameterFromStyle: null,
  executionProvider: 'cpu' as const,
  fallbackReasons: [],
  model: { name: 'demo', path: '/models/demo.pth' },
  settings: { channels: [0, 0] as [number, number], diameter: 30, flowThreshold: 0.4, cellprobThreshold: 0, minSize: 15, augment: false, batchSize: 8 },
};

/** A folder where image.tif was done into `formats`, with those files written. */
async function doneFolder(formats: BatchFormat[]) {
  const folder = tempDir('manifest');
  const [job] = planJobs(['/data/image.tif'], folder, formats);
  const outputs: WrittenOutput[] = job!.outputs.map(({ format, path }) => {
    writeFileSync(path, `${format} file`);
    return { format, path, bytes: `${format} file`.length };
  });
  const { manifest } = await BatchManifest.open(folder);
  await manifest.record(job!, { imagePath: job!.imagePath, imageSha256: IMAGE_SHA, settingsKey: KEY, masks: 5, diameter: 30, ms: 100, summary, historyRun: null }, outputs);
  return { folder, job: job! };
}

/** The entry a later run in `folder` finds for image.tif asked in `formats`. */
async function doneEarlier(folder: string, formats: BatchFormat[], sha = IMAGE_SHA, key = KEY) {
  const { manifest, note } = await BatchManifest.open(folder);
  assert.equal(note, null);
  return manifest.doneEarlier(planJobs(['/elsewhere/image.tif'], folder, formats)[0]!, sha, key);
}

test('an image done with the same content and settings, its files on disk, is done (wherever the image now lies)', async () => {
  const { folder } = await doneFolder(['labels-tiff', 'imagej-rois']);
  const entry = await doneEarlier(folder, ['labels-tiff', 'imagej-rois']);
  assert.equal(entry?.masks, 5);
  assert.notEqual(await doneEarlier(folder, ['imagej-rois']), null, 'fewer formats than were written');
});

test('changed content, changed settings or a format not written before: done again', async () => {
  const { folder } = await doneFolder(['labels-tiff']);
  assert.equal(await doneEarlier(folder, ['labels-tiff'], 'c'.repeat(64)), null);
  assert.equal(await doneEarlier(folder, ['labels-tiff'], IMAGE_SHA, settingsKey(MODEL, { diameter: 31 }, { kind: 'independent' })), null);
  assert.equal(await doneEarlier(folder, ['labels-tiff', 'measurements-csv']), null);
});

test('a file deleted, or replaced by one of another size: done again', async () => {
  const deleted = await doneFolder(['labels-tiff', 'labels-png']);
  rmSync(join(deleted.folder, 'image_cp_masks.png'));
  assert.equal(await doneEarlier(deleted.folder, ['labels-tiff', 'labels-png']), null);
  assert.notEqual(await doneEarlier(deleted.folder, ['labels-tiff']), null);
  const replaced = await doneFolder(['labels-tiff']);
  writeFileSync(join(replaced.folder, 'image_cp_masks.tif'), 'a label image of another size');
  assert.equal(await doneEarlier(replaced.folder, ['labels-tiff']), null);
});

test('the settings key holds the model, every setting with its default filled in, and how planes are joined; not the provider', () => {
  const defaults = { channels: [0, 0] as [number, number], diameter: 30, flowThreshold: 0.4, cellprobThreshold: 0, minSize: 15, augment: false, batchSize: 8 };
  assert.equal(settingsKey(MODEL, defaults, { kind: 'independent' }), KEY);
  assert.notEqual(settingsKey('d'.repeat(64), defaults, { kind: 'independent' }), KEY);
  assert.notEqual(settingsKey(MODEL, { ...defaults, cellprobThreshold: 1 }, { kind: 'independent' }), KEY);
  assert.notEqual(settingsKey(MODEL, { ...defaults, niter: 300 }, { kind: 'independent' }), KEY);
  assert.notEqual(settingsKey(MODEL, defaults, { kind: 'stitch', threshold: 0.25 }), KEY);
});

test('a manifest that is not JSON or not CellDesk\'s counts as empty, and says so', async () => {
  for (const text of ['{"format": "celldesk-batch", "version": 1, "images": {"image": ', '{"format": "something else"}']) {
    const { folder } = await doneFolder(['labels-tiff']);
    writeFileSync(join(folder, MANIFEST_NAME), text);
    const { manifest, note } = await BatchManifest.open(folder);
    assert.match(note ?? '', /celldesk-batch\.json in the output folder is not usable \((it is not valid JSON|it is not a record CellDesk wrote)\), so every image is segmented again/);
    assert.equal(await manifest.doneEarlier(planJobs(['/data/image.tif'], folder, ['labels-tiff'])[0]!, IMAGE_SHA, KEY), null);
  }
});

test('two images that would write the same files are refused before anything is done', () => {
  assert.throws(() => planJobs(['/a/cells.tif', '/b/cells.png'], '/out', ['labels-tiff']), {
    code: 'BATCH_NAME_CLASH',
    message: '/a/cells.tif and /b/cells.png would both be saved as cells_cp_masks.tif. Rename one of them, or segment them into different output folders.',
  });
});
