// `npm run bench:edits`: how long one mask edit takes on a 2560 x 2160 image with about 1,000 masks (merge, draw,
// erase stroke, undo), including the outline and measurement update, against recomputing both from scratch; and
// how long a draft of those masks takes to write and read. Medians of several runs. A developer's tool (Node).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { measureMasks } from '../src/engine/core/maskMeasurements';
import { outlinePixels } from '../src/engine/core/outlines';
import { DraftStore } from '../src/engine/io/drafts';
import { eraseStroke, fillOutline } from '../src/shared/viewer/drawing';
import { largestLabel, mergeMasks, revertEdit, type LabelEdit } from '../src/shared/viewer/labelEdits';
import { MaskBoxes, updateAfterEdit, type EditableMasks } from '../src/shared/viewer/maskUpdates';
import { median } from '../src/shared/bench/statistics';

const WIDTH = 2560;
const HEIGHT = 2160;
const RUNS = 7;
/** Mask grid: 40 x 25 = 1,000 discs of radius 25 on a 64 x 86 pitch. */
const COLUMNS = 40;
const ROWS = 25;

function discs(): Uint32Array {
  const labels = new Uint32Array(WIDTH * HEIGHT);
  for (let row = 0; row < ROWS; row++) {
    for (let column = 0; column < COLUMNS; column++) {
      const cx = 32 + column * 64;
      const cy = 43 + row * 86;
      for (let y = cy - 25; y <= cy + 25; y++) for (let x = cx - 25; x <= cx + 25; x++) if (Math.hypot(x - cx, y - cy) <= 25) labels[y * WIDTH + x] = row * COLUMNS + column + 1;
    }
  }
  return labels;
}

const image = { width: WIDTH, height: HEIGHT, channels: 2, data: new Uint16Array(2 * WIDTH * HEIGHT).map((_, i) => (i * 2654435761) % 65536) };

function timed(run: () => void): number {
  const start = performance.now();
  run();
  return performance.now() - start;
}

/** Median milliseconds of `make` (an edit) plus the update it needs, each run on fresh masks. */
function benchEdit(make: (labels: Uint32Array) => LabelEdit | null): { edit: number; undo: number } {
  const edits: number[] = [];
  const undos: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const labels = discs();
    const masks: EditableMasks = { width: WIDTH, height: HEIGHT, labels, outlines: outlinePixels(labels, HEIGHT, WIDTH), maskCount: 0, masks: measureMasks(labels, HEIGHT, WIDTH, image) };
    const boxes = MaskBoxes.of(labels, WIDTH);
    let edit: LabelEdit | null = null;
    edits.push(
      timed(() => {
        edit = make(labels);
        updateAfterEdit(masks, boxes, image, edit!);
      }),
    );
    undos.push(
      timed(() => {
        revertEdit(labels, edit!);
        updateAfterEdit(masks, boxes, image, edit!);
      }),
    );
  }
  return { edit: median(edits), undo: median(undos) };
}

async function main(): Promise<void> {
  const labels = discs();
  const rows: [string, number, number | null][] = [];
  const merge = benchEdit((l) => mergeMasks(l, new Set([500, 501])));
  rows.push(['merge two masks', merge.edit, merge.undo]);
  const draw = benchEdit((l) => fillOutline(l, WIDTH, HEIGHT, [1000, 1000, 1080, 1010, 1070, 1090, 990, 1080], largestLabel(l) + 1));
  rows.push(['draw an 80 px outline over 4 masks', draw.edit, draw.undo]);
  const stroke: number[] = [];
  for (let k = 0; k <= 100; k++) stroke.push(600 + 4 * k, 800 + Math.sin(k / 10) * 40);
  const erase = benchEdit((l) => eraseStroke(l, WIDTH, HEIGHT, stroke, 20));
  rows.push(['erase a 400 px stroke, brush 20', erase.edit, erase.undo]);
  rows.push(['from scratch: outlines + measurements', median(Array.from({ length: 3 }, () => timed(() => {
    outlinePixels(labels, HEIGHT, WIDTH);
    measureMasks(labels, HEIGHT, WIDTH, image);
  }))), null]);

  const store = new DraftStore(join(mkdtempSync(join(tmpdir(), 'celldesk-bench-drafts-')), 'drafts'));
  const key = { sha256: '0'.repeat(64), page: 0 };
  const saves: number[] = [];
  const loads: number[] = [];
  for (let run = 0; run < 3; run++) {
    let start = performance.now();
    await store.save({ key, width: WIDTH, height: HEIGHT, imageName: 'bench.tif', summary: null, labels });
    saves.push(performance.now() - start);
    start = performance.now();
    await store.load(key);
    loads.push(performance.now() - start);
  }
  rows.push(['draft: write (deflate + atomic write)', median(saves), null]);
  rows.push(['draft: read back', median(loads), null]);

  process.stdout.write(`${WIDTH} x ${HEIGHT}, ${largestLabel(labels)} masks, 2 channels; medians in ms\n`);
  for (const [what, ms, undo] of rows) process.stdout.write(`${what.padEnd(40)} ${ms.toFixed(1).padStart(8)}${undo === null ? '' : `   undo ${undo.toFixed(1)}`}\n`);
}

await main();
