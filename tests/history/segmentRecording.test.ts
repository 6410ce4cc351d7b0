// `celldesk segment` records each run in the history (image hash and size, model, settings, provider, timings,
// masks) unless --no-history is given; `history show` and an export carry it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SegmentationRunRecord } from '../../src/engine/history/records';
import { DEMO_CHECKPOINT } from '../helpers/demoModel';
import { readShared, sharedPath } from '../helpers/shared';
import { runCelldesk, tempDir } from '../helpers/cli';

const IMAGE = sharedPath('images', 'webgpu-cellseg', 'cellpose_img_075.png');

test('each segment run is recorded with what it measured, and --no-history records nothing', async () => {
  const home = tempDir('seg-history');
  const out = join(tempDir('seg-out'), 'labels.tif');
  const args = ['segment', IMAGE, '--model', DEMO_CHECKPOINT, '--channels', '2,3', '--diameter', '30', '--ep', 'cpu', '--out', out, '--json'];
  const segment = await runCelldesk(args, { CELLDESK_HOME: home });
  assert.equal(segment.code, 0, segment.stderr);
  const report = JSON.parse(segment.stdout) as { masks: number; timings: Record<string, number>; model: { sha256: string } };
  const unrecorded = await runCelldesk([...args, '--no-history'], { CELLDESK_HOME: home });
  assert.equal(unrecorded.code, 0, unrecorded.stderr);

  const list = await runCelldesk(['history', 'list', '--json'], { CELLDESK_HOME: home });
  const { segmentationRuns } = JSON.parse(list.stdout) as { segmentationRuns: SegmentationRunRecord[] };
  assert.equal(segmentationRuns.length, 1);
  const [run] = segmentationRuns;
  assert.deepEqual(run!.image, { name: 'cellpose_img_075.png', sha256: createHash('sha256').update(readShared('images', 'webgpu-cellseg', 'cellpose_img_075.png')).digest('hex'), width: 240, height: 300, channels: 3 });
  assert.deepEqual(run!.model, { name: 'celldesk-demo.zip.pth', sha256: report.model.sha256 });
  assert.equal(run!.maskCount, report.masks);
  assert.equal(run!.provider, 'cpu');
  assert.equal(run!.diameter, 30);
  assert.deepEqual(run!.timings, report.timings);
  assert.deepEqual(run!.settings.channels, [2, 3]);
  assert.equal(run!.fingerprint.modelSha256, report.model.sha256);

  const shown = await runCelldesk(['history', 'show', run!.uuid.slice(0, 6)], { CELLDESK_HOME: home });
  assert.match(shown.stdout, new RegExp(`Result +${report.masks} masks, diameter 30\\.00 px, on cpu`));

  const file = join(tempDir('seg-export'), 'all.json');
  assert.equal((await runCelldesk(['history', 'export', '--all', '--out', file], { CELLDESK_HOME: home })).code, 0);
  const exported = JSON.parse(readFileSync(file, 'utf8')) as { benchmarkRuns: unknown[]; segmentationRuns: SegmentationRunRecord[] };
  assert.deepEqual(exported.benchmarkRuns, []);
  assert.deepEqual(exported.segmentationRuns, [run]);
});
