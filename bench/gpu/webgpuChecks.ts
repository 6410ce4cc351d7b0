// Issue 16's correctness checks of a GPU execution provider on real hardware, run by run-on-device.sh on the device
// machine (and in its rehearsal here): (1) the network on the provider against the CPU provider on the official
// reference inputs (max abs error of flows and style), (2) the whole pipeline on the provider against official
// Cellpose 3.0.11's masks at diameter 30 and with the estimated diameter (AP@0.5, diameter error), with the bounds
// of tests/onnx/networkReference.test.ts and tests/pipeline/officialPipeline.test.ts. `data` is a folder laid out
// as ../shared (models/celldesk-demo, reference, images). Each answer is rewritten after every case, so a run cut
// at its time budget keeps what it checked. Node.
//   webgpuChecks.ts parity --data DIR --cache DIR --out FILE [--ep webgpu] [--cases batch3_224:1,batch3_224,...]
// A case names a reference input, net.<name>.input.npy; `name:N` takes its first N images only.
//   webgpuChecks.ts masks  --data DIR --cache DIR --out FILE [--ep webgpu] [--images name,...] [--shard i/n]
//   webgpuChecks.ts merge  --out FILE PART.json...
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { onnxRuntimeBackend } from '../../src/engine/backend/onnxruntime';
import { EXECUTION_PROVIDERS, type ExecutionProvider, type NetworkSession } from '../../src/engine/backend/types';
import { loadSizeModel } from '../../src/engine/checkpoint/sizeModel';
import { averagePrecision } from '../../src/engine/core/metrics';
import { npyToFloat32, parseNpy } from '../../src/engine/formats/npy';
import { decodeImage } from '../../src/engine/image/decodeImage';
import { rasterToPlanarFloat32 } from '../../src/engine/image/raster';
import { prepareNetwork } from '../../src/engine/io/networkFiles';
import { segmentImage, type SegmentationModel } from '../../src/engine/pipeline/segment';

/** The goal for the network on a GPU provider against the CPU provider. */
const NETWORK_GOAL = 1e-3;
/** tests/pipeline/officialPipeline.test.ts: AP@0.5 at diameter 30, and with the estimated diameter (within 1%). */
const AP_D30 = 0.98;
const AP_AUTO = 0.97;
const DIAMETER_BOUND = 0.01;
const NETWORK_CASES = ['tile224', 'batch3_224', 'odd_160x208'];

/** `batch3_224:1` is the first image of net.batch3_224.input.npy: a single tile without carrying tile224 as well. */
function caseInput(data: string, spec: string): { shape: number[]; data: Float32Array } {
  const [name, first] = spec.split(':');
  const input = npy(join(data, 'reference', `net.${name}.input.npy`));
  if (first === undefined) return input;
  const [n, ...rest] = input.shape as [number, ...number[]];
  const count = Math.min(n, Number(first));
  if (!Number.isInteger(count) || count < 1) throw new Error(`case ${spec}: expected name:N with N >= 1`);
  const perImage = rest.reduce((a, b) => a * b, 1);
  return { shape: [count, ...rest], data: input.data.subarray(0, count * perImage) };
}

interface ReferenceEntry {
  name: string;
  file: string;
  channels: [number, number];
  shape: number[];
  diam: number;
  diam_style: number;
  n_masks_auto: number;
  n_masks_d30: number;
}

function npy(path: string): { shape: number[]; data: Float32Array } {
  const array = parseNpy(new Uint8Array(readFileSync(path)));
  if (array.kind !== 'numeric') throw new Error(`${path} is an object array`);
  return { shape: array.shape, data: npyToFloat32(array) };
}

function maxAbsDifference(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new Error(`outputs of different lengths: ${a.length} and ${b.length}`);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

function save(path: string, value: unknown): void {
  writeFileSync(path, `${JSON.stringify(value, null, 1)}\n`);
}

const say = (line: string) => process.stdout.write(`${line}\n`);
const checkpointIn = (data: string) => join(data, 'models', 'celldesk-demo', 'celldesk-demo.zip.pth');

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const result = await work();
  return [result, performance.now() - start];
}

async function parity(data: string, cache: string, out: string, provider: ExecutionProvider, cases: string[]): Promise<void> {
  const network = await prepareNetwork(checkpointIn(data), cache);
  const cpu = await onnxRuntimeBackend.createSession({ model: network.onnxPath, provider: 'cpu' });
  const gpu = await onnxRuntimeBackend.createSession({ model: network.onnxPath, provider });
  const answer = { provider, adapter: gpu.adapter, goal: NETWORK_GOAL, cases: [] as unknown[] };
  try {
    for (const name of cases) {
      const input = caseInput(data, name);
      const [n, , height, width] = input.shape as [number, number, number, number];
      const [reference, cpuMs] = await timed(() => cpu.run(input.data, n, height, width));
      const [, firstMs] = await timed(() => gpu.run(input.data, n, height, width));
      const [result, gpuMs] = await timed(() => gpu.run(input.data, n, height, width));
      const plane = height * width;
      const channel = (flows: Float32Array, c: number) => Float32Array.from({ length: n * plane }, (_, i) => flows[(Math.floor(i / plane) * 3 + c) * plane + (i % plane)]!);
      const flows = maxAbsDifference(result.flows, reference.flows);
      const style = maxAbsDifference(result.style, reference.style);
      answer.cases.push({
        case: name,
        shape: input.shape,
        flowsMaxAbs: flows,
        styleMaxAbs: style,
        perChannel: Object.fromEntries(['dY', 'dX', 'cellprob'].map((label, c) => [label, maxAbsDifference(channel(result.flows, c), channel(reference.flows, c))])),
        largestCpuValue: reference.flows.reduce((m, v) => Math.max(m, Math.abs(v)), 0),
        withinGoal: flows <= NETWORK_GOAL && style <= NETWORK_GOAL,
        ms: { cpu: cpuMs, firstGpuRun: firstMs, gpu: gpuMs },
      });
      save(out, answer);
      say(`parity ${name} ${input.shape.join('x')}: max |${provider} - cpu| flows ${flows.toExponential(2)}, style ${style.toExponential(2)} (${provider} ${gpuMs.toFixed(0)} ms, first run ${firstMs.toFixed(0)} ms; cpu ${cpuMs.toFixed(0)} ms)`);
    }
  } finally {
    await cpu.release();
    await gpu.release();
  }
}

async function openOn(data: string, cache: string, provider: ExecutionProvider): Promise<SegmentationModel & { session: NetworkSession }> {
  const network = await prepareNetwork(checkpointIn(data), cache);
  const session = await onnxRuntimeBackend.createSession({ model: network.onnxPath, provider });
  const styleSession = await onnxRuntimeBackend.createSession({ model: network.styleOnnxPath, provider });
  const sizeModel = loadSizeModel(new Uint8Array(readFileSync(join(data, 'models', 'celldesk-demo', 'celldesk-demo_size.npy'))));
  return { session, styleSession, architecture: network.architecture, sizeModel };
}

async function labelsOf(path: string): Promise<Uint32Array> {
  const raster = await decodeImage(new Uint8Array(readFileSync(path)));
  return Uint32Array.from(raster.data as ArrayLike<number>);
}

/**
 * Part `index` of `count` parts of about equal work, for processes that check images side by side (the dynamics
 * run on one CPU core each): largest images first, each to the part with the fewest pixels so far.
 */
function shardOf(entries: ReferenceEntry[], index: number, count: number): ReferenceEntry[] {
  const pixels = (entry: ReferenceEntry) => entry.shape[0]! * entry.shape[1]!;
  const parts = Array.from({ length: count }, () => ({ pixels: 0, entries: [] as ReferenceEntry[] }));
  for (const entry of [...entries].sort((a, b) => pixels(b) - pixels(a))) {
    const lightest = parts.reduce((a, b) => (b.pixels < a.pixels ? b : a));
    lightest.pixels += pixels(entry);
    lightest.entries.push(entry);
  }
  return parts[index]!.entries;
}

async function masks(data: string, cache: string, out: string, provider: ExecutionProvider, only: string[] | undefined, shard: [number, number]): Promise<void> {
  const summary = JSON.parse(readFileSync(join(data, 'reference', 'summary.json'), 'utf8')) as ReferenceEntry[];
  const entries = shardOf(summary.filter((entry) => only === undefined || only.includes(entry.name)), ...shard);
  const model = await openOn(data, cache, provider);
  const answer = { provider, adapter: model.session.adapter, bounds: { apD30: AP_D30, apAuto: AP_AUTO, diameter: DIAMETER_BOUND }, images: [] as unknown[] };
  try {
    for (const entry of entries) {
      const image = rasterToPlanarFloat32(await decodeImage(new Uint8Array(readFileSync(join(data, 'images', entry.file)))));
      const reference = (suffix: string) => join(data, 'reference', `${entry.name}.${suffix}`);
      const [d30, d30Ms] = await timed(() => segmentImage(image, model, { channels: entry.channels, diameter: 30 }));
      const apD30 = averagePrecision(await labelsOf(reference('d30.masks.tif')), d30.labels, 0.5);
      const officialStyle = existsSync(reference('d30.style.npy')) ? npy(reference('d30.style.npy')).data : null;
      const [auto, autoMs] = await timed(() => segmentImage(image, model, { channels: entry.channels, diameter: 0 }));
      const autoTruth = await labelsOf(reference('auto.masks.tif'));
      const apAuto = averagePrecision(autoTruth, auto.labels, 0.5);
      const diameterError = Math.abs(auto.diameter - entry.diam) / entry.diam;
      // [Note: knife-edge estimate] (tests/pipeline/officialPipeline.test.ts): where the estimate is not official's to
      // the pixel, the final pass is also checked at the official diameter, which isolates it from the estimate.
      const atOfficial = diameterError > 1e-3 ? await segmentImage(image, model, { channels: entry.channels, diameter: entry.diam }) : null;
      const apAtOfficial = atOfficial === null ? null : averagePrecision(autoTruth, atOfficial.labels, 0.5);
      const autoAp = apAtOfficial ?? apAuto;
      answer.images.push({
        name: entry.name,
        file: entry.file,
        width: image.width,
        height: image.height,
        channels: entry.channels,
        d30: { ...apD30, masks: d30.maskCount, officialMasks: entry.n_masks_d30, styleMaxAbsVsOfficial: officialStyle === null ? null : maxAbsDifference(d30.style, officialStyle), ms: d30Ms, pass: apD30.ap >= AP_D30 },
        auto: {
          ...apAuto,
          masks: auto.maskCount,
          officialMasks: entry.n_masks_auto,
          diameter: auto.diameter,
          officialDiameter: entry.diam,
          diameterRelError: diameterError,
          diameterFromStyle: auto.diameterFromStyle,
          officialDiamStyle: entry.diam_style,
          apAtOfficialDiameter: apAtOfficial,
          ms: autoMs,
          pass: diameterError <= DIAMETER_BOUND && autoAp.ap >= AP_AUTO,
        },
      });
      save(out, answer);
      say(
        `masks ${entry.name} ${image.width}x${image.height} on ${provider}: d30 AP ${apD30.ap.toFixed(3)} (${d30.maskCount}/${entry.n_masks_d30} masks, ${(d30Ms / 1000).toFixed(1)} s); ` +
          `estimated ${auto.diameter.toFixed(2)} vs ${entry.diam.toFixed(2)} px (${(100 * diameterError).toFixed(2)}%), AP ${apAuto.ap.toFixed(3)}` +
          (apAtOfficial === null ? '' : `, at the official diameter ${apAtOfficial.ap.toFixed(3)}`) +
          ` (${(autoMs / 1000).toFixed(1)} s)`,
      );
    }
  } finally {
    await model.session.release();
    await model.styleSession.release();
  }
}

/** One checks.json from the parity answer and the masks answers of processes that split the images between them. */
function merge(out: string, parts: string[]): void {
  const answers = parts.filter((p) => existsSync(p)).map((p) => JSON.parse(readFileSync(p, 'utf8')) as { cases?: unknown[]; images?: unknown[] });
  const parityAnswer = answers.find((a) => a.cases !== undefined) ?? null;
  const maskAnswers = answers.filter((a) => a.images !== undefined);
  const images = maskAnswers.flatMap((a) => a.images!);
  const first = maskAnswers[0] as Record<string, unknown> | undefined;
  save(out, { parity: parityAnswer, masks: first === undefined ? null : { ...first, images }, missingParts: parts.filter((p) => !existsSync(p)) });
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    data: { type: 'string' },
    cache: { type: 'string' },
    out: { type: 'string' },
    ep: { type: 'string' },
    cases: { type: 'string' },
    images: { type: 'string' },
    shard: { type: 'string', default: '0/1' },
  },
});
const [command, ...rest] = positionals;
const provider = (values.ep ?? 'webgpu') as ExecutionProvider;
if (!(EXECUTION_PROVIDERS as readonly string[]).includes(provider)) throw new Error(`--ep takes one of ${EXECUTION_PROVIDERS.join(', ')}`);
if (values.out === undefined) throw new Error('webgpuChecks.ts needs --out FILE');
const list = (text: string | undefined) => (text === undefined ? undefined : text.split(',').filter((s) => s !== ''));
const [shardIndex, shardCount] = values.shard!.split('/').map(Number) as [number, number];
if (!(Number.isInteger(shardIndex) && Number.isInteger(shardCount) && shardIndex >= 0 && shardIndex < shardCount)) throw new Error(`--shard takes i/n with 0 <= i < n; got ${values.shard}`);
if (command === 'merge') merge(values.out, rest);
else if (values.data === undefined || values.cache === undefined) throw new Error('webgpuChecks.ts parity|masks needs --data and --cache');
else if (command === 'parity') await parity(values.data, values.cache, values.out, provider, list(values.cases) ?? NETWORK_CASES);
else if (command === 'masks') await masks(values.data, values.cache, values.out, provider, list(values.images), [shardIndex, shardCount]);
else throw new Error(`unknown command '${command}': parity, masks or merge`);
