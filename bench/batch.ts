// `npm run bench:batch [-- --rounds N] [--diameter D] [--channels c1,c2] [--all]`: images per minute of a batch
// (the reference images of ../shared/reference, the full 2040 x 1536 cell_00028.png only with --all), segmented one
// after another and overlapped (see [Note: batch overlap]), with the demo checkpoint on the CPU, as
// `celldesk segment folder/ --out-dir` runs them (runBatch, label TIFFs written to a temporary folder). Rounds
// alternate sequential, overlapped, sequential, ... and the medians are compared; every round's masks are checked
// against the first sequential round's. A developer's tool.
import { mkdtempSync, readFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { onnxRuntimeBackend } from '../src/engine/backend/onnxruntime';
import { planJobs } from '../src/engine/batch/batchJobs';
import { maskWorkerCount, startOverlap, type BatchOverlap } from '../src/engine/batch/overlap';
import { runBatch } from '../src/engine/batch/runBatch';
import { openModel } from '../src/engine/io/openModel';
import { ModelManager } from '../src/engine/models/modelManager';
import { CELLPOSE_DEFAULTS } from '../src/engine/pipeline/settings';
import { median } from '../src/shared/bench/statistics';

const SHARED = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'shared');
const DEMO = join(SHARED, 'models', 'celldesk-demo');
const FULL_IMAGE = 'neurips22-cellseg/cell_00028.png';

const out = (line: string) => process.stdout.write(`${line}\n`);
const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { rounds: { type: 'string' }, diameter: { type: 'string' }, channels: { type: 'string' }, all: { type: 'boolean' } } });
  const rounds = Number(values.rounds ?? 3);
  const diameter = Number(values.diameter ?? CELLPOSE_DEFAULTS.diameter);
  const channels = (values.channels ?? '0,0').split(',').map(Number) as [number, number];
  const files = (JSON.parse(readFileSync(join(SHARED, 'reference', 'summary.json'), 'utf8')) as { file: string }[])
    .map((e) => e.file)
    .filter((file) => values.all === true || file !== FULL_IMAGE)
    .map((file) => join(SHARED, 'images', file));

  const manager = new ModelManager();
  const model = await openModel(manager, onnxRuntimeBackend, { model: join(DEMO, 'celldesk-demo.zip.pth'), sizeModelPath: join(DEMO, 'celldesk-demo_size.npy'), provider: 'cpu' });
  const workers = maskWorkerCount();
  const overlap = startOverlap(workers);
  const settings = { channels, diameter };
  // runBatch releases its model when done; here one model serves every pass, released at the end.
  const shared = { ...model, release: async () => {} };
  const jobs = planJobs(files, mkdtempSync(join(tmpdir(), 'celldesk-bench-batch-')), ['labels-tiff']);
  const reference: (Uint16Array | Uint32Array)[] = [];
  let mismatches = 0;

  /** One pass over the images; returns its seconds, and checks the masks against the first sequential pass. */
  const pass = async (how: BatchOverlap | undefined): Promise<number> => {
    const start = performance.now();
    await runBatch({
      jobs,
      model: async () => shared,
      settings,
      recorder: () => null,
      ...(how === undefined ? {} : { overlap: how }),
      deliver: (index, outcome) => {
        if (outcome.kind === 'failed') throw outcome.error;
        if (outcome.kind !== 'done') throw new Error(`${files[index]}: ${outcome.kind}`);
        const labels = outcome.image.result.frames[0]!.labels;
        const expected = reference[index];
        if (expected === undefined) reference.push(labels);
        else if (expected.length !== labels.length || expected.some((v, i) => v !== labels[i])) {
          mismatches++;
          out(`masks differ from the sequential run: ${files[index]}`);
        }
      },
    });
    return (performance.now() - start) / 1000;
  };

  out(`bench:batch: ${files.length} reference images, demo checkpoint on the CPU, ONNX Runtime ${onnxRuntimeBackend.version}`);
  out(`diameter ${diameter === 0 ? 'estimated' : diameter}, channels ${channels.join(',')}; ${availableParallelism()} cores, ${workers} mask worker(s), ${overlap.inFlight} images in flight`);
  out(`load average at start ${load()}`);
  const times: { sequential: number[]; overlapped: number[] } = { sequential: [], overlapped: [] };
  try {
    await pass(undefined); // warm-up: sessions, caches, and the reference masks
    for (let round = 1; round <= rounds; round++) {
      times.sequential.push(await pass(undefined));
      times.overlapped.push(await pass(overlap));
      out(`round ${round}: sequential ${times.sequential.at(-1)!.toFixed(2)} s, overlapped ${times.overlapped.at(-1)!.toFixed(2)} s (load ${load()})`);
    }
  } finally {
    await overlap.close();
    await model.release();
    manager.close();
  }
  const perMinute = (seconds: number) => (files.length / seconds) * 60;
  const sequential = perMinute(median(times.sequential));
  const overlapped = perMinute(median(times.overlapped));
  out('');
  out(`sequential: ${sequential.toFixed(2)} images/min (median ${median(times.sequential).toFixed(2)} s per batch)`);
  out(`overlapped: ${overlapped.toFixed(2)} images/min (median ${median(times.overlapped).toFixed(2)} s per batch)`);
  out(`ratio overlapped / sequential: ${(overlapped / sequential).toFixed(3)}`);
  out(mismatches === 0 ? 'masks: identical to the sequential run in every round' : `masks: ${mismatches} differences from the sequential run`);
  out(`load average at end ${load()}`);
}

await main();
