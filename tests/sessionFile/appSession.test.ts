// Sessions and the app: an official session opened for the Segment view (labels, the pictures to show, a network
// output that re-thresholds to the file's own masks) and saved back from edited labels with the GUI's entries kept.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NdArray, PythonDict } from '../../src/engine/formats/pythonValue';
import { openSessionForApp, sessionFromApp } from '../../src/engine/sessionFile/appSession';
import { readSegFile } from '../../src/engine/sessionFile/readSegFile';
import { encodeSegFile } from '../../src/engine/sessionFile/writeSegFile';
import { officialSegFile } from './layout';

test('an official session opens with its labels, its own pictures, its settings, and re-thresholds to its own masks', () => {
  const session = readSegFile(officialSegFile('omni_img02'));
  const opened = openSessionForApp(session);
  assert.deepEqual([opened.width, opened.height, opened.planes, opened.maskCount], [467, 349, 1, 81]);
  assert.ok(opened.labels instanceof Uint32Array);
  assert.deepEqual(opened.labels, Uint32Array.from(session.masks.data));
  assert.deepEqual(opened.settings, { channels: [0, 0], diameter: 30 });
  assert.equal(opened.filename, 'img02.png');
  const [pictures] = opened.networkPictures!;
  assert.deepEqual(pictures!.flows, session.flows.picture!.data);
  assert.deepEqual(pictures!.cellprob, session.flows.cellprobPicture!.data);
  // [Note: iterations of a reopened session]: diameter 30 with diam_mean 30 is 200 iterations, as the file's run had.
  const [kept] = opened.kept!;
  assert.equal(kept!.niter, 200);
  assert.deepEqual(kept!.masks({ flowThreshold: 0.4, cellprobThreshold: 0, minSize: 15 }), session.masks.data);
  const fewer = kept!.masks({ flowThreshold: 0.4, cellprobThreshold: 3, minSize: 15 });
  assert.ok(Math.max(...new Set(fewer)) < 81, 'a higher cell probability threshold keeps fewer masks');
});

test('a session without pictures but with its network output shows pictures drawn from the output', () => {
  const session = readSegFile(officialSegFile('omni_img02'));
  session.flows = { ...session.flows, picture: null, cellprobPicture: null };
  const [pictures] = openSessionForApp(session).networkPictures!;
  let differing = 0;
  const official = readSegFile(officialSegFile('omni_img02')).flows.picture!.data as Uint8Array;
  for (let i = 0; i < official.length; i++) if (Math.abs(pictures!.flows[i]! - official[i]!) > 1) differing++;
  assert.equal(differing, 0);
});

test('a session without flows opens with masks only, and the settings it has', () => {
  const labels = Uint16Array.of(0, 3, 3, 0);
  const opened = openSessionForApp(readSegFile(encodeSegFile(sessionFromApp({ labels, width: 2, height: 2, imagePath: 'x.png', channels: [1, 2], diameter: 0 }))));
  assert.equal(opened.networkPictures, null);
  assert.equal(opened.kept, null);
  assert.deepEqual(opened.settings, { channels: [1, 2] }, 'a diameter of 0 is no diameter');
  assert.equal(opened.maskCount, 3);
});

test('edited labels saved over an opened GUI session keep its entries, and its colours only while the mask count holds', () => {
  const base = readSegFile(officialSegFile('omni_img02'));
  base.colors = new NdArray('u1', [81, 3], new Uint8Array(243).fill(90));
  base.normalizeParams = new PythonDict([['percentile', [1, 99]]]);
  base.manualChanges = [['01/02/2025, 10:00:00', 'removed mask', []]];
  const { width, height, data } = base.masks;
  const same = sessionFromApp({ labels: data, width, height, imagePath: 'img02.png', channels: [0, 0], diameter: 30, base });
  assert.equal(same.colors, base.colors);
  const erased = Uint16Array.from(data, (label) => (label === 81 ? 0 : label));
  const saved = readSegFile(encodeSegFile(sessionFromApp({ labels: erased, width, height, imagePath: 'img02.png', channels: [0, 0], diameter: 30, base })));
  assert.equal(saved.colors, undefined, '81 colours no longer fit 80 masks');
  assert.deepEqual(saved.normalizeParams, base.normalizeParams);
  assert.deepEqual(saved.manualChanges, base.manualChanges);
  assert.deepEqual(saved.isManual, new Uint8Array(80));
  assert.equal(saved.outlines.data.includes(81), false, 'outlines drawn from the edited masks');
});

test('labels that do not fit the size given are refused', () => {
  assert.throws(() => sessionFromApp({ labels: new Uint32Array(5), width: 2, height: 2, imagePath: 'x', channels: [0, 0], diameter: 30 }), /have 5 pixels/);
});
