// `celldesk segment` before a large run: the estimate is printed, and the run goes ahead only with a yes on the
// terminal or --yes; a script without --yes gets one line and nothing written. --confirm-above moves the limit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeImage } from '../../src/engine/image/decodeImage';
import { runCelldesk, tempDir } from '../helpers/cli';
import { DEMO_CHECKPOINT } from '../helpers/demoModel';
import { sharedPath } from '../helpers/shared';

const IMAGE = sharedPath('images', 'webgpu-cellseg', 'cellpose_img_075.png');

function args(out: string, ...more: string[]): string[] {
  return ['segment', IMAGE, '--model', DEMO_CHECKPOINT, '--ep', 'cpu', '--out', out, '--no-history', ...more];
}

test('without a terminal, a large run (a diameter of 1 px makes this image 30 times larger) is refused in one line with its estimate', async () => {
  const out = join(tempDir('large-script'), 'labels.tif');
  const run = await runCelldesk(args(out, '--diameter', '1'));
  assert.equal(run.code, 1);
  assert.match(
    run.stderr,
    /^celldesk segment: Segmenting this 240 x 300 image at a diameter of 1 px would take about \d+ (min|h \d+ min) and [\d.]+ GB of memory on cpu \(this computer has [\d.]+ GB\), so it was not started\. Add --yes to segment it anyway/,
  );
  assert.equal(run.stderr.trim().split('\n').length, 1);
  assert.equal(existsSync(out), false);
});

test('on a terminal the estimate is shown and a "no" leaves nothing written', async () => {
  const out = join(tempDir('large-no'), 'labels.tif');
  const run = await runCelldesk(args(out, '--diameter', '1'), {}, 'n\n');
  assert.equal(run.code, 1);
  assert.match(run.stderr, /cellpose_img_075\.png \(240 x 300\) would take about .* on cpu .*\nSegment it anyway\? \[y\/N\] /);
  assert.match(run.stderr, /so it was not started\. You chose not to\.$/m);
  assert.equal(existsSync(out), false);
});

test('--confirm-above moves the limit: at 0 minutes every run asks, a "yes" or --yes lets it run, with its estimate in the JSON', async () => {
  const refused = await runCelldesk(args(join(tempDir('above-0'), 'labels.tif'), '--diameter', '30', '--confirm-above', '0'));
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /would take about \d+ s and .* so it was not started/);
  const yes = join(tempDir('above-yes'), 'labels.tif');
  const answered = await runCelldesk(args(yes, '--diameter', '30', '--confirm-above', '0'), {}, 'y\n');
  assert.equal(answered.code, 0, answered.stderr);
  assert.equal((await decodeImage(new Uint8Array(readFileSync(yes)))).width, 240);
  const scripted = await runCelldesk(args(join(tempDir('above-flag'), 'labels.tif'), '--diameter', '30', '--confirm-above', '0', '--yes', '--json'));
  assert.equal(scripted.code, 0, scripted.stderr);
  const report = JSON.parse(scripted.stdout) as { estimate: { seconds: number; memoryBytes: number; networkTiles: number } };
  assert.equal(report.estimate.networkTiles, 4);
  assert.ok(report.estimate.seconds > 0 && report.estimate.memoryBytes > 0);
  assert.match((await runCelldesk(args('x.tif', '--confirm-above=-1'))).stderr, /--confirm-above takes minutes from 0 up/);
});
