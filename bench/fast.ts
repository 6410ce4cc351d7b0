// `npm run bench:fast [-- --only name,name] [--style-tiles N] [--tolerance T]`: a candidate fast mode measured
// against the exact one on every reference image of ../shared/reference (the full cell_00028.png among them), with
// the demo checkpoint on the CPU and the diameter estimated: time of each mode, their ratio, the diameters, and AP@0.5
// of the fast masks against the exact ones. The candidate is not offered (README, "Performance", says why); it lives
// here, and only here, so that its figures can be re-measured. A developer's tool (Node).
//
// The candidate keeps the fp32 network and cuts the diameter estimation's three network passes
// (CELLPOSE-3-INFERENCE.md section 10) towards one: pass 1's style from at most --style-tiles tiles spread over the
// image instead of all of them; pass 2 as Cellpose runs it; and pass 2's network output reused as the final one when
// the estimated diameter is within --tolerance (relative) of the style's guess, the final pass run only otherwise.
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { onnxRuntimeBackend } from '../src/engine/backend/onnxruntime';
import { selectChannels } from '../src/engine/core/channels';
import { computeMasks } from '../src/engine/core/computeMasks';
import { diameters } from '../src/engine/core/diameters';
import type { PlanarImage } from '../src/engine/core/image';
import { averagePrecision } from '../src/engine/core/metrics';
import { normalizePercentile } from '../src/engine/core/normalize';
import { rescaledSize, resizeBilinear } from '../src/engine/core/resize';
import { combineTileStyles } from '../src/engine/core/stitch';
import { makeTiles, padForNetwork } from '../src/engine/core/tile';
import { readImagePlane } from '../src/engine/io/imageFiles';
import { openModel, type OpenedModel } from '../src/engine/io/openModel';
import { ModelManager } from '../src/engine/models/modelManager';
import { defaultIterations, diameterFromStyle } from '../src/engine/pipeline/estimateDiameter';
import { KeptNetworkOutput } from '../src/engine/pipeline/keptNetworkOutput';
import { runNetworkPass } from '../src/engine/pipeline/runNetwork';
import { segmentImage } from '../src/engine/pipeline/segment';
import { CELLPOSE_DEFAULTS } from '../src/engine/pipeline/settings';

const SHARED = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'shared');
const DEMO = join(SHARED, 'models', 'celldesk-demo');
const FULL_IMAGE = 'neurips22-cellseg/cell_00028.png';
const TARGET_RATIO = 0.5;
const TARGET_AP = 0.95;

interface ReferenceEntry {
  name: string;
  file: string;
  channels: [number, number];
}

interface FastResult {
  labels: Uint16Array | Uint32Array;
  diameter: number;
  reusedPass2: boolean;
}

const out = (line: string) => process.stdout.write(`${line}\n`);
const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');
const orFallback = (diameter: number, fallback: number) => (diameter === 0 || Number.isNaN(diameter) ? fallback : diameter);

/** Pass 1 on `count` tiles spread evenly over the image's tiles, combined as Cellpose combines all of them. */
async function styleFromSomeTiles(model: OpenedModel, image: PlanarImage, count: number): Promise<Float32Array> {
  const rescale = model.architecture.diamMean / model.architecture.diamLabels;
  const resized = resizeBilinear(image, rescaledSize(image.height, rescale), rescaledSize(image.width, rescale));
  const tiles = makeTiles(padForNetwork(resized).image);
  const { tileHeight, tileWidth } = tiles.grid;
  const n = Math.min(count, tiles.count);
  const size = tiles.channels * tileHeight * tileWidth;
  const picked = new Float32Array(n * size);
  for (let i = 0; i < n; i++) {
    const k = Math.floor(((i + 0.5) * tiles.count) / n);
    picked.set(tiles.data.subarray(k * size, (k + 1) * size), i * size);
  }
  return combineTileStyles(await model.styleSession.runStyle(picked, n, tileHeight, tileWidth), n);
}

async function fastSegment(model: OpenedModel, image: PlanarImage, channels: [number, number], styleTiles: number, tolerance: number): Promise<FastResult> {
  const sizeModel = model.sizeModel!;
  const normalized = normalizePercentile(selectChannels(image, channels));
  const fromStyle = orFallback(diameterFromStyle(await styleFromSomeTiles(model, normalized, styleTiles), sizeModel), sizeModel.diamMean);
  const rescale = sizeModel.diamMean / fromStyle;
  const pass = await runNetworkPass(model.session, normalized, { rescale, batchSize: CELLPOSE_DEFAULTS.batchSize, augment: false, stage: 'sizeMasks' }, {});
  const plane = pass.maps.height * pass.maps.width;
  const sizeMasks = computeMasks({
    dP: pass.maps.data.subarray(0, 2 * plane),
    cellprob: pass.maps.data.subarray(2 * plane, 3 * plane),
    height: pass.maps.height,
    width: pass.maps.width,
    niter: defaultIterations(rescale),
    cellprobThreshold: CELLPOSE_DEFAULTS.cellprobThreshold,
    flowThreshold: CELLPOSE_DEFAULTS.flowThreshold,
    interp: false,
    minSize: CELLPOSE_DEFAULTS.minSize,
    resize: { height: image.height, width: image.width },
  });
  const diameter = orFallback(diameters(sizeMasks), sizeModel.diamMean);
  if (Math.abs(diameter / fromStyle - 1) > tolerance) {
    const final = await segmentImage(image, model, { channels, diameter });
    return { labels: final.labels, diameter, reusedPass2: false };
  }
  const flows = resizeBilinear(pass.maps, image.height, image.width);
  return { labels: new KeptNetworkOutput(flows, defaultIterations(rescale)).masks(CELLPOSE_DEFAULTS), diameter: fromStyle, reusedPass2: true };
}

/** The work's result, wall seconds and processor seconds (all of this process's threads: the load of others does not stretch it). */
async function seconds<T>(work: () => Promise<T>): Promise<[T, number, number]> {
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  const result = await work();
  const cpu = process.cpuUsage(cpuStart);
  return [result, (performance.now() - start) / 1000, (cpu.user + cpu.system) / 1e6];
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { only: { type: 'string' }, 'style-tiles': { type: 'string' }, tolerance: { type: 'string' } } });
  const styleTiles = Number(values['style-tiles'] ?? 8);
  const tolerance = Number(values.tolerance ?? 0.05);
  const only = values.only?.split(',');
  const entries = (JSON.parse(readFileSync(join(SHARED, 'reference', 'summary.json'), 'utf8')) as ReferenceEntry[]).filter((e) => only === undefined || only.includes(e.name));

  const manager = new ModelManager();
  const model = await openModel(manager, onnxRuntimeBackend, { model: join(DEMO, 'celldesk-demo.zip.pth'), sizeModelPath: join(DEMO, 'celldesk-demo_size.npy'), provider: 'cpu' });
  out(`bench:fast, demo checkpoint on the CPU, ONNX Runtime ${onnxRuntimeBackend.version}; diameter estimated; one run per mode`);
  out(`candidate: pass 1's style from at most ${styleTiles} tiles, pass 2's network output reused as final when the diameter is within ${(tolerance * 100).toFixed(1)}% of the style's`);
  out(`load average at start ${load()}`);
  out('');
  out(`${'image'.padEnd(22)} ${'size'.padStart(11)}  ${'exact s'.padStart(8)} ${'fast s'.padStart(8)} ${'ratio'.padStart(6)}  ${'cpu ratio'.padStart(9)}  ${'diam exact'.padStart(10)} ${'diam fast'.padStart(9)} ${'reused'.padStart(6)}  ${'masks'.padStart(7)}  AP@0.5`);
  const failures: string[] = [];
  try {
    for (const entry of entries) {
      const { image } = await readImagePlane(join(SHARED, 'images', entry.file));
      const [exact, exactSeconds, exactCpu] = await seconds(() => segmentImage(image, model, { channels: entry.channels, diameter: 'estimate' }));
      const [fast, fastSeconds, fastCpu] = await seconds(() => fastSegment(model, image, entry.channels, styleTiles, tolerance));
      const ap = averagePrecision(exact.labels, fast.labels, 0.5).ap;
      const ratio = fastSeconds / exactSeconds;
      const fastCount = new Set(fast.labels).size - (fast.labels.includes(0) ? 1 : 0);
      const name = entry.file === FULL_IMAGE ? `${entry.name} (full)` : entry.name;
      out(
        `${name.padEnd(22)} ${`${image.width} x ${image.height}`.padStart(11)}  ${exactSeconds.toFixed(2).padStart(8)} ${fastSeconds.toFixed(2).padStart(8)} ${ratio.toFixed(3).padStart(6)}  ${(fastCpu / exactCpu).toFixed(3).padStart(9)}  ` +
          `${exact.diameter.toFixed(2).padStart(10)} ${fast.diameter.toFixed(2).padStart(9)} ${(fast.reusedPass2 ? 'yes' : 'no').padStart(6)}  ${`${exact.maskCount}/${fastCount}`.padStart(7)}  ${ap.toFixed(3)}`,
      );
      if (!(ap >= TARGET_AP)) failures.push(`${entry.name}: AP@0.5 ${ap.toFixed(3)} < ${TARGET_AP}`);
      if (entry.file === FULL_IMAGE && ratio > TARGET_RATIO) failures.push(`${entry.name} (full): time ratio ${ratio.toFixed(3)} > ${TARGET_RATIO}`);
    }
  } finally {
    await model.release();
    manager.close();
  }
  out('');
  out(`load average at end ${load()}`);
  out(`targets: fast <= ${TARGET_RATIO} x exact time on the full ${FULL_IMAGE} with diameter estimation, every AP@0.5 >= ${TARGET_AP}`);
  out(failures.length === 0 ? 'all targets met' : `targets missed:\n  ${failures.join('\n  ')}`);
}

await main();
