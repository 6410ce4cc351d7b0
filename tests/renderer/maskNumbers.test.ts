// Mask numbers on the image: where each number is written (on its own mask, also when the centroid falls outside
// it), which numbers a view shows as it zooms, and the toggle (View > Mask Numbers, the N key) on masks the real
// engine made through the in-process client, the numbers following deletes.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createAppModel } from '../../src/renderer/src/model/appModel';
import type { SegmentModel } from '../../src/renderer/src/model/segment/segmentModel';
import { maskAnchors, placeMaskNumbers, type NumberText } from '../../src/shared/viewer/maskNumbers';
import { fitViewport, zoomAt } from '../../src/shared/viewer/viewport';
import { DEMO_CHECKPOINT } from '../helpers/demoModel';
import { startInProcessEngine, type InProcessEngine } from '../helpers/inProcessEngine';
import { sharedPath } from '../helpers/shared';

/** 7 CSS pixels a digit and 14 of height: about a 12 px font. */
const TEXT: NumberText = { width: (label) => 7 * String(label).length, height: 14 };

let engine: InProcessEngine;
let segment: SegmentModel;

before(async () => {
  engine = startInProcessEngine();
  segment = createAppModel(engine.client).segment;
  await segment.images.openPath(sharedPath('images', 'webgpu-cellseg', 'cellpose_img_075.png'));
});

after(() => engine.close());

test('a number sits on the centroid of its mask, or on the nearest pixel of the mask when the centroid is outside it', () => {
  const width = 9;
  const labels = new Uint32Array(9 * 9);
  // Mask 2: a 3 x 3 square at (1..3, 1..3). Mask 5: a ring around (6, 6), its centre empty. Mask 7: one pixel.
  for (let y = 1; y <= 3; y++) for (let x = 1; x <= 3; x++) labels[y * width + x] = 2;
  for (let y = 4; y <= 8; y++) for (let x = 4; x <= 8; x++) if (Math.max(Math.abs(x - 6), Math.abs(y - 6)) === 2) labels[y * width + x] = 5;
  labels[8 * width + 0] = 7;
  const anchors = maskAnchors(labels, width);
  assert.deepEqual(anchors.map((a) => a.label), [2, 5, 7]);
  assert.deepEqual(anchors[0], { label: 2, x: 2, y: 2, boxWidth: 3, boxHeight: 3 });
  const ring = anchors[1]!;
  assert.equal(labels[ring.y * width + ring.x], 5, 'the ring number is on the ring');
  assert.equal(Math.max(Math.abs(ring.x - 6), Math.abs(ring.y - 6)), 2);
  assert.deepEqual([ring.boxWidth, ring.boxHeight], [5, 5]);
  assert.deepEqual(anchors[2], { label: 7, x: 0, y: 8, boxWidth: 1, boxHeight: 1 });
});

test('a view shows the numbers of masks wide enough on screen for their text, within the view, at a fixed text size', () => {
  const anchors = [
    { label: 1, x: 10, y: 10, boxWidth: 20, boxHeight: 20 },
    { label: 123, x: 50, y: 10, boxWidth: 12, boxHeight: 20 },
    { label: 4, x: 90, y: 90, boxWidth: 2, boxHeight: 2 },
  ];
  const at = (scale: number, offsetX = 0, offsetY = 0) => placeMaskNumbers(anchors, { scale, offsetX, offsetY }, 400, 300, TEXT).map((p) => p.label);
  assert.deepEqual(at(0.5), [], 'zoomed out, every mask is smaller than its number');
  assert.deepEqual(at(1), [1]);
  assert.deepEqual(at(2), [1, 123], 'mask 123 is 24 px wide at 2x, its number 21');
  assert.deepEqual(at(8), [1, 123]);
  assert.deepEqual(at(8, -600), [], 'panned away');
  assert.deepEqual(at(10, -800, -800), [4], 'the one-pixel mask named once 10x zoom makes it 20 px');
  const [placed] = placeMaskNumbers(anchors, { scale: 3, offsetX: 5, offsetY: 7 }, 400, 300, TEXT);
  assert.deepEqual(placed, { label: 1, x: 5 + 10.5 * 3, y: 7 + 10.5 * 3 });
});

test('View > Mask Numbers shows a number on each mask of a real segmentation, following deletes', async () => {
  assert.equal(segment.store.get().overlay.showNumbers, false, 'off by default');
  segment.parameters.set({ model: DEMO_CHECKPOINT, provider: 'cpu' });
  await segment.runs.run();
  segment.commands.perform({ command: 'toggle-numbers' });
  assert.equal(segment.store.get().overlay.showNumbers, true);

  const { segmentation, maskCount } = segment.store.get();
  assert.ok(segmentation !== null && maskCount > 10, `${maskCount} masks`);
  const anchors = maskAnchors(segmentation.labels, segmentation.width);
  assert.equal(anchors.length, maskCount);
  for (const anchor of anchors) assert.equal(segmentation.labels[anchor.y * segmentation.width + anchor.x], anchor.label, `number ${anchor.label} on its mask`);

  // Fitted in a 1000 x 800 viewer (240 x 300 image at 2.67x) every mask of a few pixels' width carries its number.
  const fitted = fitViewport(segmentation.width, segmentation.height, 1000, 800);
  const shown = placeMaskNumbers(anchors, fitted, 1000, 800, TEXT);
  assert.ok(shown.length > maskCount * 0.8, `${shown.length} of ${maskCount} numbers shown at fit`);
  const zoomedOut = zoomAt(fitted, 0.05, 500, 400);
  assert.equal(placeMaskNumbers(anchors, zoomedOut, 1000, 800, TEXT).length, 0, 'none when the masks are a pixel or two across');

  segment.edits.selectAt(anchors[0]!.x + 0.5, anchors[0]!.y + 0.5, false);
  segment.edits.deleteSelected();
  const after = maskAnchors(segment.store.get().segmentation!.labels, segmentation.width);
  assert.deepEqual(after.map((a) => a.label), anchors.slice(1).map((a) => a.label));

  segment.commands.perform({ command: 'toggle-numbers' });
  assert.equal(segment.store.get().overlay.showNumbers, false);
});
