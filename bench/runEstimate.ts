// Measures real segmentations of the synthetic cell image (demo model, CPU) at several sizes and diameters, each in a
// fresh process, and prints the measured time and peak memory beside the engine's estimate (estimateRun), with their
// ratios: how the estimate was calibrated, and how to check it on another computer. `npm run bench:estimate`
// [-- --sizes 512,1024,2048 --diameters 30,15,60].
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { onnxRuntimeBackend } from '../src/engine/backend/onnxruntime';
import { loadSizeModel } from '../src/engine/checkpoint/sizeModel';
import { syntheticCellImage } from '../src/engine/bench/syntheticImage';
import { prepareNetwork } from '../src/engine/io/networkFiles';
import { estimateRun } from '../src/engine/pipeline/estimateRun';
import { segmentImage } from '../src/engine/pipeline/segment';
import { readFileSync } from 'node:fs';

const HERE = dirname(fileURLToPath(import.meta.url));
const DEMO_DIR = join(HERE, '..', '..', 'shared', 'models', 'celldesk-demo');

interface Measured {
  side: number;
  diameter: number;
  seconds: number;
  peakGrowthBytes: number;
  timings: Record<string, number>;
}

/** In the child: one segmentation, peak memory counted from after the model and the image are ready. */
async function measure(side: number, diameter: number, cacheDir: string): Promise<Measured> {
  const network = await prepareNetwork(join(DEMO_DIR, 'celldesk-demo.zip.pth'), cacheDir);
  const session = await onnxRuntimeBackend.createSession({ model: network.onnxPath, provider: 'cpu' });
  const styleSession = await onnxRuntimeBackend.createSession({ model: network.styleOnnxPath, provider: 'cpu' });
  const sizeModel = loadSizeModel(new Uint8Array(readFileSync(join(DEMO_DIR, 'celldesk-demo_size.npy'))));
  const { image } = syntheticCellImage({ width: side, height: side });
  const peakBefore = process.resourceUsage().maxRSS * 1024;
  const start = performance.now();
  const result = await segmentImage(image, { session, styleSession, architecture: network.architecture, sizeModel }, { diameter, channels: [1, 2] });
  return { side, diameter, seconds: (performance.now() - start) / 1000, peakGrowthBytes: process.resourceUsage().maxRSS * 1024 - peakBefore, timings: result.timings };
}

const { values } = parseArgs({ options: { sizes: { type: 'string' }, diameters: { type: 'string' }, measure: { type: 'string' }, cache: { type: 'string' } } });
if (values.measure !== undefined) {
  const [side, diameter] = values.measure.split(',').map(Number);
  process.stdout.write(`${JSON.stringify(await measure(side!, diameter!, values.cache!))}\n`);
} else {
  const sizes = (values.sizes ?? '512,1024,2048').split(',').map(Number);
  const diameters = (values.diameters ?? '30').split(',').map(Number);
  const cache = mkdtempSync(join(tmpdir(), 'celldesk-estimate-'));
  const gb = (bytes: number) => `${(bytes / 1e9).toFixed(2)} GB`;
  console.log('side   diam  measured time  estimate  ratio   measured memory  estimate  ratio   (network, masks s)');
  for (const side of sizes) {
    for (const diameter of diameters) {
      const output = execFileSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--measure', `${side},${diameter}`, '--cache', cache], { encoding: 'utf8' });
      const run = JSON.parse(output) as Measured;
      const estimate = estimateRun({ width: side, height: side, diameter: diameter === 0 ? 'estimate' : diameter, diamMean: 30, provider: 'cpu', augment: false, batchSize: 8 });
      console.log(
        `${String(side).padEnd(6)} ${String(diameter).padEnd(5)} ${run.seconds.toFixed(1).padStart(9)} s  ${estimate.seconds.toFixed(1).padStart(7)} s  ${(run.seconds / estimate.seconds).toFixed(2).padStart(5)}   ` +
          `${gb(run.peakGrowthBytes).padStart(13)}  ${gb(estimate.memoryBytes).padStart(8)}  ${(run.peakGrowthBytes / estimate.memoryBytes).toFixed(2).padStart(5)}   ` +
          `(${((run.timings.network ?? 0) / 1000).toFixed(1)}, ${((run.timings.masks ?? 0) / 1000).toFixed(1)}; ${estimate.networkTiles} tiles)`,
      );
    }
  }
}
