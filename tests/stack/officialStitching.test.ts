// Issue 12 acceptance: a stack segmented plane by plane and stitched at IoU 0.25 gives official Cellpose 3.0.11's 3D
// masks (CellposeModel.eval(stack, channels=[0, 0], diameter=30, do_3D=False, stitch_threshold=0.25), demo checkpoint).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { averagePrecision, pixelAgreement } from '../../src/engine/core/metrics';
import { openImageStack } from '../../src/engine/image/imageStack';
import { segmentSelection, selectPlanes, stackMethod } from '../../src/engine/pipeline/segmentStack';
import { loadSharedRaster, openDemoModel } from '../helpers/demoModel';
import { readShared } from '../helpers/shared';
import { compareLinks, numberedFromOne } from '../helpers/stackLinks';

type DemoModel = Awaited<ReturnType<typeof openDemoModel>>;

const STACKS = [
  { name: 'bmz_test_images', image: ['images', 'cellpose-bmz-wrapper', 'test_images.tif'] },
  { name: 'cell_00849_drift', image: ['images', 'stacks', 'cell_00849_drift.tif'] },
];

describe('stacks stitched as official Cellpose stitches them', () => {
  let model: DemoModel;
  before(async () => {
    model = await openDemoModel();
  });
  after(async () => {
    await model.release();
  });

  for (const { name, image } of STACKS) {
    test(`${name}: masks per plane match (AP@0.5 >= 0.98) and the links between planes are the same`, async () => {
      const stack = await openImageStack(readShared(...image));
      const [result] = await segmentSelection(stack, selectPlanes(stack.description, {}), model, { channels: [0, 0], diameter: 30 }, stackMethod(0.25));
      const { planes, width, height, labels } = result!;
      const planeSize = width * height;
      // The official volume is one planar page of `planes` samples (tifffile wrote it as RGB): sample z is plane z.
      const reference = await loadSharedRaster('reference', `${name}.stitch0.25.masks.tif`);
      const official = Uint32Array.from(reference.data);
      assert.equal(official.length, planes * planeSize);
      const officialPerPlane: number[] = [];
      const aps: number[] = [];
      const agreement: number[] = [];
      for (let z = 0; z < planes; z++) {
        const theirs = official.subarray(z * planeSize, (z + 1) * planeSize);
        const mine = labels.subarray(z * planeSize, (z + 1) * planeSize);
        officialPerPlane.push(new Set(theirs).size - (theirs.includes(0) ? 1 : 0));
        aps.push(averagePrecision(numberedFromOne(theirs), numberedFromOne(mine), 0.5).ap);
        agreement.push(pixelAgreement(theirs, mine));
      }
      const links = compareLinks(official, labels, planes, planeSize);
      const identical = official.every((label, i) => label === labels[i]);
      console.log(
        `${name}: ${planes} planes; masks per plane ${result!.masksPerPlane.join(', ')} (official ${officialPerPlane.join(', ')}); ` +
          `3D labels ${result!.maskCount} (official ${official.reduce((max, l) => Math.max(max, l), 0)}); AP@0.5 per plane ${aps.map((ap) => ap.toFixed(4)).join(', ')}; ` +
          `pixels agreeing per plane ${agreement.map((a) => `${(100 * a).toFixed(4)}%`).join(', ')}; ` +
          `links: ${links.sameLinks} of ${links.spanning} official labels spanning 2+ planes linked the same, ${links.broken.length} broken; ` +
          `label numbers identical to official: ${identical ? 'yes' : 'no'}`,
      );
      aps.forEach((ap, z) => assert.ok(ap >= 0.98, `plane ${z}: AP ${ap}`));
      assert.ok(links.spanning > 0, 'the stack has cells spanning planes, so links are tested');
      assert.deepEqual(links.broken, []);
      assert.equal(links.sameLinks, links.spanning);
      // The check sees a link cut: a cell of the last two planes given a new label in the last plane alone.
      const cut = labels.slice();
      const last = cut.subarray((planes - 1) * planeSize);
      const before = new Set(cut.subarray((planes - 2) * planeSize, (planes - 1) * planeSize));
      const spanningCell = last.find((label) => label !== 0 && before.has(label))!;
      last.forEach((label, i) => (last[i] = label === spanningCell ? result!.maskCount + 1 : label));
      assert.ok(compareLinks(official, cut, planes, planeSize).broken.length > 0);
    });
  }
});
