// The Segment view's stacks in Node, against the real engine through the in-process client (issue 12): a 3-plane
// stack opened with its planes, moving between planes, segmenting one plane or all of them stitched as official
// Cellpose does, edits and undo per plane, re-thresholding all planes together, the volume saved as a Cellpose session
// file and a multi-page label TIFF the engine reads back, and the pixel size in µm.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { averagePrecision } from '../../src/engine/core/metrics';
import { openImageStack } from '../../src/engine/image/imageStack';
import { readSegFile } from '../../src/engine/sessionFile/readSegFile';
import { createAppModel } from '../../src/renderer/src/model/appModel';
import type { SegmentModel } from '../../src/renderer/src/model/segment/segmentModel';
import type { Activity, SegmentState } from '../../src/renderer/src/model/segment/state';
import { physicalMeasurement } from '../../src/renderer/src/model/segment/units';
import { tempDir } from '../helpers/cli';
import { DEMO_CHECKPOINT, loadSharedRaster } from '../helpers/demoModel';
import { callsOf, startInProcessEngine, type InProcessEngine } from '../helpers/inProcessEngine';
import { sharedPath } from '../helpers/shared';
import { compareLinks, numberedFromOne } from '../helpers/stackLinks';
import { until } from '../helpers/storeWaits';

const PLANES = 3;
const SIZE = 512;
const PLANE = SIZE * SIZE;

let engine: InProcessEngine;
let segment: SegmentModel;
/** The stack, copied into a folder of its own so that a session saved beside it lands there. */
let stackPath: string;
const activities: Activity[] = [];

const idle = (s: SegmentState) => s.activity.kind === 'idle';

/** The masks of every plane, as exports write them. */
function volume(): Uint32Array {
  const exported = segment.stack.labelsToExport();
  assert.ok(exported !== null && exported.planes === PLANES, 'every plane is exported');
  return exported.labels;
}

/** The same masks, whatever their numbers: one number of `actual` for each of `expected`, and back. */
function assertSameMasks(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  assert.equal(actual.length, expected.length, what);
  const forward = new Map<number, number>();
  const backward = new Map<number, number>();
  for (let i = 0; i < expected.length; i++) {
    const [e, a] = [expected[i]!, actual[i]!];
    if ((forward.get(e) ?? a) !== a || (backward.get(a) ?? e) !== e || (e === 0) !== (a === 0)) assert.fail(`${what}: pixel ${i} is ${a}, where ${e} is ${forward.get(e)}`);
    forward.set(e, a);
    backward.set(a, e);
  }
}

async function showPlane(plane: number): Promise<SegmentState> {
  assert.equal(await segment.stack.goTo({ plane, frame: 0 }), true);
  return segment.store.get();
}

before(async () => {
  engine = startInProcessEngine();
  segment = createAppModel(engine.client, { rethresholdDelayMs: 0, draftDelayMs: 60_000 }).segment;
  segment.store.subscribe(() => {
    const { activity } = segment.store.get();
    if (activity !== activities.at(-1)) activities.push(activity);
  });
  stackPath = join(tempDir('stack-image'), 'cell_00849_drift.tif');
  copyFileSync(sharedPath('images', 'stacks', 'cell_00849_drift.tif'), stackPath);
  await segment.images.openPath(stackPath);
  segment.parameters.set({ model: DEMO_CHECKPOINT, provider: 'cpu', diameter: 30 });
});

after(() => engine.close());

test('a stack opens on its middle plane with its planes counted, and another plane shows that plane\'s pixels', async () => {
  const opened = segment.store.get();
  assert.equal(opened.error, null);
  assert.deepEqual(opened.stack, { planes: PLANES, frames: 1, scope: 'all', stitchThreshold: 0, linkedCells: null });
  assert.deepEqual([opened.image?.plane, opened.image?.frame, opened.image?.planes], [1, 0, PLANES]);
  assert.match(opened.notice ?? '', /3 planes/);
  const middle = opened.pixels!.data;
  const first = await showPlane(0);
  assert.equal(first.image?.plane, 0);
  assert.equal(first.image?.imageId, opened.image?.imageId, 'the same image, another plane');
  const decoded = await openImageStack(new Uint8Array(readFileSync(stackPath)));
  const plane0 = (await decoded.readPlane({ plane: 0, frame: 0 })).data;
  assert.notDeepEqual(first.pixels!.data, middle);
  assert.equal(first.pixels!.data.length, plane0.length);
  assert.ok(first.pixels!.data.every((value, i) => value === plane0[i]), 'the shown pixels are plane 0 of the file');
});

test('segmenting the shown plane alone gives it masks and leaves the other planes without', async () => {
  segment.stack.setScope('plane');
  await segment.stack.run();
  const state = segment.store.get();
  assert.equal(state.error, null);
  assert.ok(state.maskCount > 0, `${state.maskCount} masks on plane 0`);
  assert.equal(callsOf(engine, 'segment:run').length, 1);
  assert.equal(callsOf(engine, 'segment:runStack').length, 0);
  const other = await showPlane(2);
  assert.equal(other.segmentation, null, 'plane 2 has no masks');
  const back = await showPlane(0);
  assert.equal(back.maskCount, state.maskCount, 'plane 0 keeps its masks');
});

test('all planes segmented and stitched at IoU 0.25 match official Cellpose (AP@0.5 >= 0.98 per plane, same links)', async () => {
  segment.stack.setScope('all');
  segment.stack.setStitchThreshold(0.25);
  activities.length = 0;
  await segment.stack.run();
  const state = segment.store.get();
  assert.equal(state.error, null);
  assert.match(state.notice ?? '', /^Segmented 3 planes with celldesk-demo\.zip\.pth on cpu in \d+\.\d s: \d+ cells linked at IoU 0\.25 \(masks per plane \d+, \d+, \d+\)\.$/);
  const planesSeen = new Set(activities.flatMap((a) => (a.kind === 'segmenting' && a.progress?.plane !== undefined ? [a.progress.plane.index] : [])));
  assert.deepEqual([...planesSeen].sort(), [0, 1, 2], 'progress names each plane');
  const ours = volume();
  const official = Uint32Array.from((await loadSharedRaster('reference', 'cell_00849_drift.stitch0.25.masks.tif')).data);
  assert.equal(official.length, ours.length);
  for (let z = 0; z < PLANES; z++) {
    const { ap } = averagePrecision(numberedFromOne(official.subarray(z * PLANE, (z + 1) * PLANE)), numberedFromOne(ours.subarray(z * PLANE, (z + 1) * PLANE)), 0.5);
    assert.ok(ap >= 0.98, `plane ${z}: AP ${ap}`);
  }
  const links = compareLinks(official, ours, PLANES, PLANE);
  assert.ok(links.spanning > 0);
  assert.deepEqual(links.broken, []);
  assert.equal(state.stack?.linkedCells, new Set(ours.filter((label) => label !== 0)).size, 'the cells counted are the 3D labels');
  // The shown plane (0) shows the volume's plane 0.
  assert.ok(state.segmentation!.labels.every((label, i) => label === ours[i]));
});

test('an edit changes its plane only, and undoing it from another plane goes back to that plane first', async () => {
  const plane2 = await showPlane(2);
  const before = plane2.maskCount;
  const target = plane2.segmentation!.masks[0]!.label;
  segment.edits.selectFromTable(target, false);
  segment.edits.deleteSelected();
  assert.equal(segment.store.get().maskCount, before - 1);
  const volumeAfterDelete = volume();
  assert.ok(!volumeAfterDelete.subarray(2 * PLANE).includes(target), 'the mask is gone from plane 2');
  const plane0 = await showPlane(0);
  const plane0Masks = plane0.maskCount;
  segment.masks.undo();
  const undone = await until(segment.store, (s) => idle(s) && s.image?.plane === 2 && s.maskCount === before, 'the delete undone on plane 2');
  assert.ok(undone.segmentation!.labels.includes(target));
  assert.equal((await showPlane(0)).maskCount, plane0Masks, 'plane 0 is unchanged');
  segment.masks.redo();
  await until(segment.store, (s) => idle(s) && s.image?.plane === 2 && s.maskCount === before - 1, 'the delete redone on plane 2');
  segment.masks.undo();
  await until(segment.store, (s) => idle(s) && s.maskCount === before, 'the delete undone again');
});

test('undoing the run over all planes brings every plane\'s previous masks back, and redo the run', async () => {
  const stitched = volume();
  segment.masks.undo();
  const undone = await until(segment.store, (s) => s.notice === "Undone: the planes' previous masks are back.", 'the run undone');
  assert.equal(undone.segmentation, null, 'plane 2 had no masks before the run');
  assert.equal(undone.stack?.linkedCells, null);
  const previous = volume();
  assert.ok(previous.subarray(PLANE).every((label) => label === 0), 'planes 1 and 2 had none');
  assert.ok(previous.subarray(0, PLANE).some((label) => label !== 0), 'plane 0 had its own run');
  segment.masks.redo();
  await until(segment.store, (s) => s.notice === 'Redone.' && s.segmentation !== null, 'the run redone');
  assert.deepEqual(volume(), stitched);
});

test('a threshold change after a run over all planes recomputes and links every plane, without the network', async () => {
  const before = volume();
  segment.parameters.set({ cellprobThreshold: 2 });
  const state = await until(segment.store, (s) => idle(s) && s.segmentation?.settings.cellprobThreshold === 2, 'every plane re-thresholded');
  assert.equal(state.error, null);
  assert.match(state.notice ?? '', /^Masks of all 3 planes recomputed from the kept network output in \d+ ms, without running the network\.$/);
  assert.equal(callsOf(engine, 'segment:rethresholdStack').length, 1);
  assert.equal(callsOf(engine, 'segment:rethreshold').length, 0);
  assert.equal(callsOf(engine, 'segment:runStack').length, 1);
  const after = volume();
  const count = (labels: Uint32Array) => labels.reduce((sum, label) => sum + (label === 0 ? 0 : 1), 0);
  assert.ok(count(after) < count(before), 'a higher cell probability threshold leaves fewer mask pixels in the volume');
  assert.ok(state.stack!.linkedCells! > 0);
  segment.parameters.set({ cellprobThreshold: 0 });
  await until(segment.store, (s) => idle(s) && s.segmentation?.settings.cellprobThreshold === 0, 'back to threshold 0');
  assert.deepEqual(volume(), before);
});

test('the stack saved as a session file beside the image holds every plane with its flows, and opens again linked', async () => {
  const expected = volume();
  await segment.exports.saveSession();
  const state = segment.store.get();
  assert.equal(state.error, null);
  const path = stackPath.replace(/\.tif$/, '_seg.npy');
  assert.equal(state.notice, `Saved the session as ${path}; the Cellpose GUI opens it.`);
  const session = readSegFile(new Uint8Array(readFileSync(path)));
  assert.deepEqual([session.masks.planes, session.masks.height, session.masks.width, session.masks.stack], [PLANES, SIZE, SIZE, true]);
  assertSameMasks(session.masks.data, expected, 'the saved masks');
  assert.deepEqual(session.flows.network?.shape, [3, PLANES, SIZE, SIZE], 'the network output of every plane');
  assert.equal(session.filename, stackPath);
  assert.equal(session.diameter, 30);
  // Saving again asks before replacing the file.
  await segment.exports.saveSession();
  assert.deepEqual(segment.store.get().exportConflict?.paths, [path]);
  await segment.exports.replaceExisting();
  assert.equal(segment.store.get().notice, `Saved the session as ${path}; the Cellpose GUI opens it.`);
  assert.equal(segment.store.get().exportConflict, null);

  await segment.images.openPath(path);
  const opened = segment.store.get();
  assert.equal(opened.error, null);
  assert.equal(opened.image?.path, stackPath, 'the image the session names, found');
  assert.deepEqual(opened.openedSession, { name: 'cell_00849_drift_seg.npy', imageMissing: null });
  assert.equal(opened.networkOutputHeld, 'kept');
  assert.equal(opened.stack?.linkedCells, new Set(expected.filter((label) => label !== 0)).size);
  assertSameMasks(volume(), expected, 'the masks opened again');
});

test('a stack is exported whole as a multi-page label TIFF; formats of one plane are left out and said', async () => {
  const expected = volume();
  const folder = tempDir('stack-exports');
  await segment.exports.write({ formats: ['labels-tiff', 'outlines-png'], folder, numbering: 'consecutive' });
  const state = segment.store.get();
  assert.equal(state.error, null);
  assert.match(state.notice ?? '', /^Exported 1 file to .+\.( Label images number the masks from 1 without gaps\.)? Not written for a stack \(they hold one plane\): outlines-png\.$/);
  const written = await openImageStack(new Uint8Array(readFileSync(state.lastExport!.files[0]!.path)));
  assert.equal(written.description.planes, PLANES);
  for (let z = 0; z < PLANES; z++) {
    // Labels are numbered 1..N in the file: the same masks, label for label.
    assertSameMasks((await written.readPlane({ plane: z, frame: 0 })).data, expected.subarray(z * PLANE, (z + 1) * PLANE), `plane ${z}`);
  }
});

test('a pixel size the file declares shows the diameter and measurements in µm; one typed replaces it', async () => {
  await segment.images.openPath(sharedPath('images', 'cellpose-bmz-wrapper', 'test_images.tif'));
  const declared = segment.store.get();
  assert.equal(declared.error, null);
  assert.equal(declared.pixelSize?.fromFile, true);
  assert.ok(Math.abs(declared.pixelSize!.x - 0.1238054) < 1e-6, `${declared.pixelSize?.x}`);
  const row = { label: 1, area: 100, centroidX: 10, centroidY: 20, meanIntensity: [] };
  const physical = physicalMeasurement(row, declared.pixelSize!);
  assert.ok(Math.abs(physical.area - 100 * 0.1238054 ** 2) < 1e-5);
  assert.ok(Math.abs(physical.centroidY - 20 * 0.1238054) < 1e-5);
  segment.units.setPixelSize(0.5);
  assert.deepEqual(segment.store.get().pixelSize, { x: 0.5, y: 0.5, fromFile: false });
  segment.units.setPixelSize(-1);
  assert.equal(segment.store.get().pixelSize, null, 'a size that is not positive clears it');
  await segment.images.openPath(stackPath);
  assert.equal(segment.store.get().pixelSize, null, 'the drift stack declares none');
});
