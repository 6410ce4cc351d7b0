// The desktop app's menu driving the Segment view's model in Node: items of the real menu template clicked, their
// commands sent as the main process sends them ('app:command' events) to the model over the in-process client and
// the real engine; overlays, network output layers, view requests, opening by dialog and from Open Recent.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { MenuItemConstructorOptions } from 'electron';
import { buildMenuTemplate } from '../../src/main/menu';
import type { RecentFile } from '../../src/shared/contract';
import { createAppModel } from '../../src/renderer/src/model/appModel';
import type { SegmentModel } from '../../src/renderer/src/model/segment/segmentModel';
import { DEMO_CHECKPOINT } from '../helpers/demoModel';
import { callsOf, startInProcessEngine, type InProcessEngine } from '../helpers/inProcessEngine';
import { sharedPath } from '../helpers/shared';
import { until } from '../helpers/storeWaits';

const IMAGE = sharedPath('images', 'webgpu-cellseg', 'cellpose_img_075.png');
const OTHER_IMAGE = sharedPath('images', 'webgpu-cellseg', 'cellpose_img_003.png');

let engine: InProcessEngine;
let segment: SegmentModel;
/** What the file dialog answers next. */
let dialogAnswer: string | null = null;

/** Clicks the menu item at `path` (e.g. View > Masks) of the menu the desktop app would show now. */
function clickMenu(...path: string[]): void {
  const actions = { command: engine.emit.bind(null, 'app:command'), about() {}, openDataFolder() {}, openDocumentation() {} };
  let items = buildMenuTemplate(segment.store.get().recent, actions, 'linux');
  let item: MenuItemConstructorOptions | undefined;
  for (const label of path) {
    item = items.find((i) => i.label === label);
    assert.ok(item !== undefined, `a menu item ${label}`);
    items = (item.submenu ?? []) as MenuItemConstructorOptions[];
  }
  (item!.click as () => void)();
}

before(async () => {
  engine = startInProcessEngine({ chooseImageFile: () => Promise.resolve(dialogAnswer) });
  segment = createAppModel(engine.client).segment;
});

after(() => engine.close());

test('File > Open asks the dialog and opens the chosen image; a cancelled dialog changes nothing', async () => {
  dialogAnswer = null;
  clickMenu('File', 'Open…');
  await engine.settled();
  assert.equal(callsOf(engine, 'image:choose').length, 1);
  assert.deepEqual([segment.store.get().image, segment.store.get().activity.kind, segment.store.get().error], [null, 'idle', null]);

  dialogAnswer = IMAGE;
  clickMenu('File', 'Open…');
  const state = await until(segment.store, (s) => s.image !== null && s.recent.length === 1, 'the image to open');
  assert.deepEqual([state.image!.path, state.pixels!.width, state.pixels!.height, state.error], [IMAGE, 240, 300, null]);
});

test('a menu command toggles the overlay: View > Masks, Outlines and Mask Numbers hide or show them', () => {
  clickMenu('View', 'Masks');
  assert.deepEqual(segment.store.get().overlay, { showMasks: false, showOutlines: true, showNumbers: false, opacity: 0.5, network: 'none' });
  clickMenu('View', 'Outlines');
  clickMenu('View', 'Masks');
  clickMenu('View', 'Mask Numbers');
  assert.deepEqual(segment.store.get().overlay, { showMasks: true, showOutlines: false, showNumbers: true, opacity: 0.5, network: 'none' });
  clickMenu('View', 'Outlines');
  clickMenu('View', 'Mask Numbers');
  assert.equal(segment.store.get().overlay.showOutlines, true);
  assert.equal(segment.store.get().overlay.showNumbers, false);
});

test('Export asks for the dialog only once there are masks; Fit and Actual Size ask the viewer once per click', () => {
  clickMenu('File', 'Export…');
  assert.equal(segment.store.get().viewRequest, null);
  clickMenu('View', 'Fit to Window');
  const fit = segment.store.get().viewRequest!;
  assert.equal(fit.kind, 'fit');
  clickMenu('View', 'Fit to Window');
  assert.deepEqual(segment.store.get().viewRequest, { kind: 'fit', serial: fit.serial + 1 });
  clickMenu('View', 'Actual Size (1:1)');
  assert.deepEqual(segment.store.get().viewRequest, { kind: 'actual-size', serial: fit.serial + 2 });
});

test('View > Flows waits for masks; after a run it shows the network output, fetched once for both layers', async () => {
  clickMenu('View', 'Flows');
  assert.equal(segment.store.get().overlay.network, 'none');

  segment.parameters.set({ model: DEMO_CHECKPOINT, provider: 'cpu' });
  await segment.runs.run();
  clickMenu('File', 'Export…');
  assert.equal(segment.store.get().viewRequest?.kind, 'export');

  clickMenu('View', 'Flows');
  const state = await until(segment.store, (s) => s.networkOutput !== null, 'the network output');
  assert.equal(state.overlay.network, 'flows');
  assert.deepEqual([state.networkOutput!.width, state.networkOutput!.height, state.networkOutput!.flows.length], [240, 300, 240 * 300 * 3]);
  clickMenu('View', 'Cell Probability');
  assert.equal(segment.store.get().overlay.network, 'cellprob');
  clickMenu('View', 'Cell Probability');
  assert.equal(segment.store.get().overlay.network, 'none');
  assert.equal(callsOf(engine, 'segment:networkOutput').length, 1);
});

test('a new run replaces the network output shown with its own', async () => {
  clickMenu('View', 'Flows');
  const before = segment.store.get().networkOutput;
  await segment.runs.run();
  const state = await until(segment.store, (s) => s.networkOutput !== null, 'the new network output');
  assert.notEqual(state.networkOutput, before);
  assert.equal(callsOf(engine, 'segment:networkOutput').length, 2);
});

test('File > Open Recent reopens an image listed there', async () => {
  dialogAnswer = OTHER_IMAGE;
  clickMenu('File', 'Open…');
  await until(segment.store, (s) => s.image?.path === OTHER_IMAGE && s.recent.length === 2, 'the other image');
  const recent: RecentFile[] = segment.store.get().recent;
  assert.deepEqual(
    recent.map((file) => file.path),
    [OTHER_IMAGE, IMAGE],
  );
  clickMenu('File', 'Open Recent', IMAGE);
  const state = await until(segment.store, (s) => s.image?.path === IMAGE && s.activity.kind === 'idle', 'the recent image');
  assert.deepEqual([state.segmentation, state.networkOutput, state.error], [null, null, null]);
});
