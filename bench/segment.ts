// `npm run bench:segment -- <image> [--model M] [--size-model NPY] [--channels c1,c2] [--diameter D] [--ep cpu]`:
// per-stage times of one segmentation, as the median of 3 runs after a warm-up run. A developer's tool (Node).
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { onnxRuntimeBackend } from '../src/engine/backend/onnxruntime';
import { EXECUTION_PROVIDERS, type ExecutionProviderChoice } from '../src/engine/backend/types';
import { readImagePlane } from '../src/engine/io/imageFiles';
import { openModel } from '../src/engine/io/openModel';
import { ModelManager } from '../src/engine/models/modelManager';
import { segmentImage, type SegmentResult } from '../src/engine/pipeline/segment';
import { CELLPOSE_DEFAULTS } from '../src/engine/pipeline/settings';
import { median } from '../src/shared/bench/statistics';

const RUNS = 3;
const DEMO_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'shared', 'models', 'celldesk-demo');
const USAGE = 'npm run bench:segment -- <image> [--model M] [--size-model NPY] [--channels c1,c2] [--diameter D, 0 = estimate] [--ep cpu]';

function fail(message: string): never {
  process.stderr.write(`${message}\nUsage: ${USAGE}\n`);
  process.exit(1);
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { model: { type: 'string' }, 'size-model': { type: 'string' }, channels: { type: 'string' }, diameter: { type: 'string' }, ep: { type: 'string' } },
  });
  const [imagePath] = positionals;
  if (imagePath === undefined || positionals.length > 1) fail('bench:segment needs one image.');
  const model = values.model ?? join(DEMO_DIR, 'celldesk-demo.zip.pth');
  // The demo checkpoint's size model is not named <checkpoint>_size.npy, so it is given explicitly.
  const sizeModelPath = values['size-model'] ?? (values.model === undefined ? join(DEMO_DIR, 'celldesk-demo_size.npy') : undefined);
  const channels = (values.channels ?? '0,0').split(',').map(Number);
  if (channels.length !== 2 || channels.some((c) => !Number.isInteger(c))) fail(`--channels takes two numbers such as 2,3; got '${values.channels}'.`);
  const diameter = values.diameter === undefined ? CELLPOSE_DEFAULTS.diameter : values.diameter === 'estimate' ? 'estimate' : Number(values.diameter);
  const provider = (values.ep ?? 'cpu') as ExecutionProviderChoice;
  if (provider !== 'auto' && !(EXECUTION_PROVIDERS as readonly string[]).includes(provider)) fail(`--ep must be auto or one of ${EXECUTION_PROVIDERS.join(', ')}.`);

  const { image } = await readImagePlane(imagePath);
  const manager = new ModelManager();
  const opened = await openModel(manager, onnxRuntimeBackend, { model, provider, sizeModelPath });
  try {
    const settings = { channels: [channels[0]!, channels[1]!] as const, diameter };
    const run = () => segmentImage(image, opened, settings);
    const warmup = await run();
    const results: SegmentResult[] = [];
    for (let i = 0; i < RUNS; i++) results.push(await run());
    const last = results[RUNS - 1]!;
    const stages = Object.keys(last.timings).filter((s) => s !== 'total');
    const out = (line: string) => process.stdout.write(`${line}\n`);
    out(`${imagePath}: ${image.width} x ${image.height} x ${image.channels}, channels ${channels.join(',')}, diameter ${diameter === 0 || diameter === 'estimate' ? 'estimated' : diameter}`);
    out(`model ${model} on ${last.executionProvider}, ONNX Runtime ${onnxRuntimeBackend.version}`);
    out(`warm-up run ${(warmup.timings.total! / 1000).toFixed(3)} s; then ${RUNS} runs: ${last.maskCount} masks, diameter ${last.diameter.toFixed(2)} px`);
    out('');
    out(`${'stage'.padEnd(10)} ${'median (s)'.padStart(10)}   runs (s)`);
    for (const stage of [...stages, 'total']) {
      const times = results.map((r) => r.timings[stage]! / 1000);
      out(`${stage.padEnd(10)} ${median(times).toFixed(3).padStart(10)}   ${times.map((t) => t.toFixed(3)).join(' ')}`);
    }
  } finally {
    await opened.release();
    manager.close();
  }
}

await main();
