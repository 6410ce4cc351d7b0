// `celldesk bench` with the demo checkpoint: it completes, prints the published-style table, records the run; the
// run exported and imported into a fresh history gives the same summaries; bad options are one clear line.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { runCli } from '../../src/cli/main';
import type { BenchmarkReport } from '../../src/engine/bench/types';
import { DEMO_CHECKPOINT, DEMO_SIZE_MODEL } from '../helpers/demoModel';
import { runCelldesk, tempDir, type CliRun } from '../helpers/cli';

const home = tempDir('bench-cli');
let bench: CliRun;

before(async () => {
  bench = await runCelldesk(['bench', '--model', DEMO_CHECKPOINT, '--size-model', DEMO_SIZE_MODEL, '--sizes', '224,448', '--iterations', '2', '--ep', 'cpu'], { CELLDESK_HOME: home });
});

async function showJson(celldeskHome: string, id: string): Promise<BenchmarkReport> {
  const run = await runCelldesk(['history', 'show', id, '--json'], { CELLDESK_HOME: celldeskHome });
  assert.equal(run.code, 0, run.stderr);
  return JSON.parse(run.stdout) as BenchmarkReport;
}

test('bench --sizes 224,448 --iterations 2 --ep cpu completes and prints the table of means, SDs and n', () => {
  assert.equal(bench.code, 0, bench.stderr);
  const lines = bench.stdout.split('\n');
  assert.match(bench.stdout, /^Benchmark [0-9a-f-]{36} \(completed\)/);
  assert.match(bench.stdout, /Image {6}synthetic-cells-v1, 2560 x 2160, channels 1,2, diameter estimated on every image, 2 iterations/);
  assert.match(bench.stdout, /Providers {2}cpu: session \d+\.\d\d s \(cold\), first run \d+\.\d\d s/);
  assert.ok(lines.some((l) => /^size \(px\) +cpu mean ± SD \(s\)$/.test(l)), bench.stdout);
  assert.ok(lines.some((l) => /^224 x 224 +\d+\.\d\d ± \d+\.\d\d \(n=2\)$/.test(l)), bench.stdout);
  assert.ok(lines.some((l) => /^448 x 448 +\d+\.\d\d ± \d+\.\d\d \(n=2\)$/.test(l)), bench.stdout);
  // Progress went to stderr, one line per sample (stderr is not a terminal here).
  assert.equal(bench.stderr.split('\n').filter((l) => /^\[\d\/4\] cpu (224x224|448x448) #[12]: /.test(l)).length, 4, bench.stderr);
});

test('the run is in the history, and export then import into a fresh history reproduces its summaries', async () => {
  const id = /^Benchmark ([0-9a-f-]{36})/.exec(bench.stdout)![1]!;
  const list = await runCelldesk(['history', 'list'], { CELLDESK_HOME: home });
  assert.match(list.stdout, new RegExp(`${id.slice(0, 8)} .* completed +4 +cpu +synthetic-cells-v1 2560x2160`));
  const original = await showJson(home, id.slice(0, 8));
  assert.deepEqual(original.summary.map((r) => [r.provider, r.size, r.n]), [['cpu', 224, 2], ['cpu', 448, 2]]);
  assert.ok(original.samples.every((s) => s.maskCount > 0 && s.diameter > 15 && s.diameter < 40), JSON.stringify(original.samples));

  const file = join(tempDir('export'), 'runs.json');
  const exported = await runCelldesk(['history', 'export', id, '--out', file], { CELLDESK_HOME: home });
  assert.equal(exported.code, 0, exported.stderr);
  const otherLab = tempDir('other-lab');
  const imported = await runCelldesk(['history', 'import', file, '--json'], { CELLDESK_HOME: otherLab });
  assert.equal(imported.code, 0, imported.stderr);
  assert.deepEqual(JSON.parse(imported.stdout), { benchmarkRuns: 1, segmentationRuns: 0, skipped: 0 });
  const copy = await showJson(otherLab, id);
  assert.deepEqual(copy.summary, original.summary);
  assert.deepEqual(copy, original);

  const again = await runCelldesk(['history', 'import', file, '--json'], { CELLDESK_HOME: otherLab });
  assert.deepEqual(JSON.parse(again.stdout), { benchmarkRuns: 0, segmentationRuns: 0, skipped: 1 });
});

test('CSV export has one row per sample with a column per stage', async () => {
  const id = /^Benchmark ([0-9a-f-]{36})/.exec(bench.stdout)![1]!;
  const file = join(tempDir('csv'), 'runs.csv');
  const run = await runCelldesk(['history', 'export', id, '--out', file, '--csv'], { CELLDESK_HOME: home });
  assert.equal(run.code, 0, run.stderr);
  const [header, ...rows] = readFileSync(file, 'utf8').trimEnd().split('\n');
  const columns = header!.split(',');
  assert.deepEqual(columns.slice(-6), ['normalize_ms', 'sizeStyle_ms', 'sizeMasks_ms', 'network_ms', 'resample_ms', 'masks_ms']);
  assert.equal(rows.length, 4);
  const total = columns.indexOf('total_ms');
  const stages = columns.map((c, i) => (c.endsWith('_ms') && c !== 'total_ms' ? i : -1)).filter((i) => i >= 0);
  for (const row of rows) {
    const cells = row.split(',');
    assert.equal(cells[0], 'benchmark');
    const stageSum = stages.reduce((sum, i) => sum + Number(cells[i]), 0);
    assert.ok(stageSum <= Number(cells[total]) && stageSum > 0.9 * Number(cells[total]), row);
  }
});

test('bad benchmark options are refused with one clear line before anything runs', async () => {
  const bareModel = join(tempDir('bare-model'), 'bare-demo.pth');
  symlinkSync(DEMO_CHECKPOINT, bareModel);
  for (const [args, message] of [
    [['--model', DEMO_CHECKPOINT, '--sizes', '224,abc'], /--sizes takes crop sides in pixels and 'full'/],
    [['--model', DEMO_CHECKPOINT, '--ep', 'cpu,tpu'], /--ep takes a list of cpu, webgpu, cuda, coreml, dml; got 'tpu'/],
    [['--model', DEMO_CHECKPOINT, '--iterations', '0'], /iterations must be a whole number from 1 to 1000/],
    [['--model', DEMO_CHECKPOINT, '--sizes', '4480'], /4480 px does not fit the 2560 x 2160 image/],
    [['--model', bareModel], /needs the size model of .*bare-demo\.pth.*turn diameter estimation off/],
  ] as const) {
    const run = await runCelldesk(['bench', '--ep', 'cpu', ...args], { CELLDESK_HOME: tempDir('bad-bench') });
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, message);
    assert.equal(run.stderr.trim().split('\n').length, 1, run.stderr);
  }
});

test('on a terminal the progress is a bar redrawn in place, cleared before the table', async () => {
  const chunks: string[] = [];
  const stderr = Object.assign(new Writable({ write: (chunk: Buffer, _encoding, done) => (chunks.push(chunk.toString()), done()) }), { isTTY: true });
  const stdout = new Writable({ write: (_chunk, _encoding, done) => done() });
  const args = ['bench', '--model', DEMO_CHECKPOINT, '--sizes', '224', '--iterations', '1', '--ep', 'cpu', '--no-diameter', '--no-history'];
  const code = await runCli(args, { stdout, stderr, env: { CELLDESK_HOME: tempDir('tty') } });
  const text = chunks.join('');
  assert.equal(code, 0, text);
  const clear = '\r\x1b[2K';
  const frames = text.split(clear);
  assert.ok(frames.some((f) => /^\[-{24}\] 0\/1 cpu 224 warm-up network \d+\/\d+$/.test(f)), JSON.stringify(frames));
  assert.ok(frames.some((f) => /^\[#{24}\] 1\/1 cpu 224x224 #1: \d+\.\d\d s, \d+ masks, diameter 30\.0$/.test(f)), JSON.stringify(frames));
  assert.ok(text.endsWith(clear), JSON.stringify(text.slice(-40)));
  assert.ok(!/\[\d+\/\d+\] cpu/.test(text), 'no per-sample lines on a terminal');
});
