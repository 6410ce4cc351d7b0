// `npm run bench:batch [-- --rounds N] [--diameter D] [--channels c1,c2] [--all]`: images per minute of a batch
// (the reference images of ../shared/reference, the full 2040 x 1536 cell_00028.png only with --all), segmented one
// after another and overlapped (see [Note: batch overlap]), with the demo checkpoint on the CPU, as
// `celldesk segment folder/ --out-dir` runs them (without writing files). Rounds alternate sequential, overlapped, sequential, ... and the
// medians are compared; every overlapped round's masks are checked against the sequential ones. A developer's tool.
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { onnxRuntimeBackend } from '../src/engine/backend/onnxruntime';
import { maskWorkerCount, segmentBatch, startOverlap, type BatchOverlap } from '../src/engine/batch/segmentBatch';
import { readImagePlane } from '../src/engine/io/imageFiles';
import { openModel } from '../src/engine/io/openModel';
import { ModelManager } from '../src/engine/models/modelManager';
import { segmentImage } from '../src/engine/pipeline/segment';
import { CELLPOSE_DEFAULTS } from '../src/engine/pipeline/settings';

const SHARED = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'shared');
const DEMO = join(SHARED, 'models', 'celldesk-demo');
const FULL_IMAGE = 'neurips22-cellseg/cell_00028.png';

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const out = (line: string) => process.stdout.write(`${line}\n`);
const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { rounds: { type: 'string' }, diameter: { type: 'string' }, channels: { type: 'string' }, all: { type: 'boolean' } } });
  const rounds = Number(values.rounds ?? 3);
  const diameter = Number(values.diameter ?? CELLPOSE_DEFAULTS.diameter);
  const channels = (values.channels ?? '0,0').split(',').map(Number) as [number, number];
  const files = (JSON.parse(readFileSync(join(SHARED, 'reference', 'summary.json'), 'utf8')) as { file: string }[])
    .map((e) => e.file)
    .filter((file) => values.all === true || file !== FULL_IMAGE);

  const manager = new ModelManager();
  const model = await openModel(manager, onnxRuntimeBackend, { model: join(DEMO, 'celldesk-demo.zip.pth'), sizeModelPath: join(DEMO, 'celldesk-demo_size.npy'), provider: 'cpu' });
  const workers = maskWorkerCount();
  const overlap = startOverlap(workers);
  const settings = { channels, diameter };
  const reference: (Uint16Array | Uint32Array)[] = [];
  let mismatches = 0;

  /** One pass over the images; returns its seconds, and checks the masks against the first sequential pass. */
  const pass = async (how: BatchOverlap | undefined): Promise<number> => {
    const start = performance.now();
    let index = 0;
    await segmentBatch({
      jobs: files,
      load: (file) => readImagePlane(join(SHARED, 'images', file)),
      model: async () => model,
      segment: (_file, { image }, opened, hooks) => segmentImage(image, opened, settings, hooks),
      ...(how === undefined ? {} : { overlap: how }),
      deliver: async (file, outcome) => {
        if ('error' in outcome) throw outcome.error;
        const labels = outcome.result.labels;
        const expected = reference[index];
        if (expected === undefined) reference.push(labels);
        else if (expected.length !== labels.length || expected.some((v, i) => v !== labels[i])) {
          mismatches++;
          out(`masks differ from the sequential run: ${file}`);
        }
        index++;
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
