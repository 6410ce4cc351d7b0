// The Segment view's exports in Node, against the real engine through the in-process client: files already there
// are named and kept until the user confirms replacing them, and after deletes the notice says the label images
// number the masks 1..N (src/renderer/src/model/segment/exports.ts).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { decodeImage } from '../../src/engine/image/decodeImage';
import { createAppModel } from '../../src/renderer/src/model/appModel';
import type { SegmentModel } from '../../src/renderer/src/model/segment/segmentModel';
import { tempDir } from '../helpers/cli';
import { DEMO_CHECKPOINT } from '../helpers/demoModel';
import { startInProcessEngine, type InProcessEngine } from '../helpers/inProcessEngine';
import { sharedPath } from '../helpers/shared';

let engine: InProcessEngine;
let segment: SegmentModel;

before(async () => {
  engine = startInProcessEngine();
  segment = createAppModel(engine.client, { rethresholdDelayMs: 0, draftDelayMs: 600_000 }).segment;
  await segment.images.openPath(sharedPath('images', 'webgpu-cellseg', 'cellpose_img_075.png'));
  segment.parameters.set({ model: DEMO_CHECKPOINT, provider: 'cpu' });
  await segment.runs.run();
});

after(() => engine.close());

test('after a delete, exported label images number the masks 1..N and the notice says so', async () => {
  const first = segment.store.get().segmentation!.masks[0]!.label;
  segment.edits.selectFromTable(first, false);
  segment.edits.deleteSelected();
  const shown = segment.store.get().maskCount;
  const folder = tempDir('renderer-export-numbered');
  await segment.exports.write({ formats: ['labels-tiff'], folder, numbering: 'consecutive' });
  const state = segment.store.get();
  assert.equal(state.error, null);
  assert.equal(state.notice, `Exported 1 file to ${folder}. Label images number the ${shown} masks 1 to ${shown}.`);
  const labels = (await decodeImage(new Uint8Array(readFileSync(join(folder, 'cellpose_img_075_cp_masks.tif'))))).data;
  assert.deepEqual([...new Set(labels)].sort((a, b) => a - b), Array.from({ length: shown + 1 }, (_, i) => i));
});

test('an export onto files already there writes nothing and asks; keeping them writes nothing, replacing them writes', async () => {
  const folder = tempDir('renderer-export-again');
  const request = { formats: ['labels-png', 'measurements-csv'] as const, folder, numbering: 'original' as const };
  await segment.exports.write({ ...request, formats: ['labels-png'] });
  const png = join(folder, 'cellpose_img_075_cp_masks.png');
  const writtenAt = statSync(png).mtimeMs;

  await segment.exports.write({ ...request, formats: [...request.formats] });
  let state = segment.store.get();
  assert.deepEqual(state.exportConflict?.paths, [png]);
  assert.equal(state.error, null, 'a question, not an error');
  assert.equal(state.lastExport, null);
  segment.exports.keepExisting();
  state = segment.store.get();
  assert.deepEqual([state.exportConflict, state.notice], [null, 'Nothing exported: the files there were kept.']);
  assert.equal(statSync(png).mtimeMs, writtenAt);
  assert.throws(() => statSync(join(folder, 'cellpose_img_075_cp_measurements.csv')), { code: 'ENOENT' });

  await segment.exports.write({ ...request, formats: [...request.formats] });
  await segment.exports.replaceExisting();
  state = segment.store.get();
  assert.equal(state.exportConflict, null);
  assert.deepEqual(state.lastExport?.files.map((file) => file.path), [png, join(folder, 'cellpose_img_075_cp_measurements.csv')]);
  assert.equal(state.lastExport?.files[0]?.bytes, undefined, 'the desktop app does not ask for the bytes');
});
