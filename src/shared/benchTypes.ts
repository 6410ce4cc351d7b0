// What the benchmark and the run history exchange with the UI: device fingerprints, benchmark runs, samples,
// summaries, live benchmark events and history listings. Zod schemas with their types inferred (see
// [Note: contract data types] in engineTypes.ts); the engine modules that produce them import the types from here.
import { z } from 'zod';
import { executionProvider, stageProgress, timings, type ExecutionProvider } from './engineTypes';

const count = z.int().nonnegative();
const milliseconds = z.number();
/** When something happened, ISO 8601 in UTC (Date.toISOString). */
const timestamp = z.iso.datetime();
/** A run's id (crypto.randomUUID). */
const runId = z.uuid();
/** A file's content hash, in hex. */
const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'expected a sha256 in hex');

/** A crop side in pixels (from 16), or the whole image: what the benchmark measures, as one type end to end. */
export const cropSize = z.union([z.int().min(16).max(100_000), z.literal('full')]);
export type CropSize = z.output<typeof cropSize>;

export const gpuAdapter = z.object({
  name: z.string(),
  /** Driver version where a tool tells it. */
  driver: z.string().nullable(),
});
export type GpuAdapter = z.output<typeof gpuAdapter>;

export const deviceHardware = z.object({
  platform: z.string(),
  arch: z.string(),
  cpuModel: z.string(),
  /** Logical cores. */
  cpuCores: count,
  memoryBytes: count,
  gpus: z.array(z.string()),
});
export type DeviceHardware = z.output<typeof deviceHardware>;

// Loose: fields a newer CellDesk adds to the fingerprint are kept as they are (history imports, older readers).
export const deviceFingerprint = z.looseObject({
  hardware: deviceHardware,
  os: z.object({ name: z.string(), release: z.string() }),
  gpuDrivers: z.array(gpuAdapter),
  appVersion: z.string(),
  onnxRuntimeVersion: z.string(),
  nodeVersion: z.string(),
  /** The model measured (benchmark) or used (segmentation). */
  modelSha256: z.string().nullable(),
});
export type DeviceFingerprint = z.output<typeof deviceFingerprint>;

/** Which provider measured which crop (its side, or 'full', and its size in pixels). */
const measuredCrop = { provider: executionProvider, size: cropSize, width: count, height: count };

export const summaryRow = z.object({
  ...measuredCrop,
  n: count,
  meanMs: milliseconds,
  /** Sample standard deviation (n - 1); null for a single sample. */
  sdMs: milliseconds.nullable(),
  /** CPU mean / this mean, for other providers where the CPU measured the same size; else null. */
  speedup: z.number().nullable(),
  /** (CPU - this) / CPU * 100, on the means; null where speedup is. */
  improvementPct: z.number().nullable(),
});
export type SummaryRow = z.output<typeof summaryRow>;

/** running: being measured; interrupted: its process crashed or was killed; cancelled: stopped by the user. */
export const benchmarkStatus = z.enum(['running', 'completed', 'cancelled', 'interrupted']);
export type BenchmarkStatus = z.output<typeof benchmarkStatus>;

export const benchmarkProtocol = z.object({
  /** The crops in the order measured: 224, 448, ..., 'full'. */
  sizes: z.array(cropSize).min(1),
  iterations: count,
  providers: z.array(executionProvider).min(1),
  estimateDiameter: z.boolean(),
  channels: z.tuple([count, count]),
});
export type BenchmarkProtocol = z.output<typeof benchmarkProtocol>;

/** What every recorded run names: its id, the computer it ran on, the model (as the user named it) and its file's hash. */
const recordedRun = {
  uuid: runId,
  deviceId: z.string().min(1),
  fingerprint: deviceFingerprint,
  model: z.object({ name: z.string(), sha256 }),
};
/** An image as a run names it: its file name, its content's hash and its size. */
const imageFile = { name: z.string(), sha256, width: count, height: count };

export const benchmarkRunInfo = z.object({
  ...recordedRun,
  startedAt: timestamp,
  image: z.object(imageFile),
  protocol: benchmarkProtocol,
});
export type BenchmarkRunInfo = z.output<typeof benchmarkRunInfo>;

/**
 * The adapter a GPU execution provider runs on, where it can be told (WebGPU on Linux, see [Note: WebGPU adapter
 * probe] in src/engine/backend/webgpuProbe.ts).
 */
export const providerAdapter = z.object({
  /** The device's name as its driver gives it, e.g. "NVIDIA GeForce RTX 4070" or "SwiftShader Device (Subzero)". */
  name: z.string(),
  /** A driver that runs on the CPU (SwiftShader, llvmpipe): a software GPU, slower than the CPU provider. */
  software: z.boolean(),
  /** The driver library, where known. */
  driver: z.string().nullable(),
});
export type ProviderAdapter = z.output<typeof providerAdapter>;

/** Whether an execution provider starts on this computer (see [Note: providers here] in src/engine/backend/onnxruntime.ts). */
export const providerCheck = z.object({
  provider: executionProvider,
  available: z.boolean(),
  /** Why it cannot start here; null when it can. */
  reason: z.string().nullable(),
  /** The adapter a GPU provider would run on, where known. */
  adapter: providerAdapter.nullable(),
});
export type ProviderCheck = z.output<typeof providerCheck>;

/**
 * The providers a benchmark measures unless the user says otherwise: those that start here, less a software GPU
 * (it runs on the CPU, slower than the CPU provider, as `auto` passes it over too); CPU first.
 */
export function providersWorthMeasuring(checks: readonly ProviderCheck[]): ExecutionProvider[] {
  return checks.filter((c) => c.available && c.adapter?.software !== true).map((c) => c.provider);
}

/** One execution provider in a run: whether a session could be created, how long it took, and the warm-up. */
export const providerResult = z.object({
  provider: executionProvider,
  available: z.boolean(),
  /** Why no session could be created; null when one was. */
  reason: z.string().nullable(),
  /** Creating the sessions (cold start), ms. */
  sessionMs: milliseconds.nullable(),
  /** The first segmentation after it (warm-up on the smallest crop, not a sample), ms. */
  firstRunMs: milliseconds.nullable(),
  /** The adapter it ran on, where known; null for the CPU and where the provider does not tell. */
  adapter: providerAdapter.nullable(),
});
export type ProviderResult = z.output<typeof providerResult>;

export const benchmarkSample = z.object({
  ...measuredCrop,
  /** 1..iterations. */
  iteration: count,
  totalMs: milliseconds,
  /** Milliseconds per pipeline stage (normalize, sizeStyle, sizeMasks, network, resample, masks). */
  stages: timings,
  maskCount: count,
  diameter: z.number(),
  measuredAt: timestamp,
});
export type BenchmarkSample = z.output<typeof benchmarkSample>;

export const benchmarkReport = z.object({
  ...benchmarkRunInfo.shape,
  status: benchmarkStatus,
  finishedAt: timestamp.nullable(),
  error: z.string().nullable(),
  providers: z.array(providerResult),
  samples: z.array(benchmarkSample),
  summary: z.array(summaryRow),
});
export type BenchmarkReport = z.output<typeof benchmarkReport>;

export const benchmarkEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('started'), run: benchmarkRunInfo, plannedSamples: count }),
  z.object({ type: z.literal('provider'), result: providerResult, plannedSamples: count }),
  z.object({ type: z.literal('sample'), sample: benchmarkSample, done: count, plannedSamples: count }),
  /** Progress inside one segmentation; iteration 0 is the warm-up. */
  z.object({ type: z.literal('stage'), provider: executionProvider, size: cropSize, iteration: count, progress: stageProgress }),
]);
export type BenchmarkEvent = z.output<typeof benchmarkEvent>;

export const segmentationRunRecord = z.object({
  ...recordedRun,
  recordedAt: timestamp,
  image: z.object({ ...imageFile, channels: count }),
  /** The resolved segmentation settings (channels, diameter asked for, thresholds, ...), as they were recorded. */
  settings: z.record(z.string(), z.unknown()),
  provider: executionProvider,
  /** The diameter used (estimated, when the settings asked for an estimate). */
  diameter: z.number(),
  maskCount: count,
  /** Milliseconds per stage, and `total`. */
  timings,
});
export type SegmentationRunRecord = z.output<typeof segmentationRunRecord>;

export const deviceRecord = z.object({ id: z.string().min(1), hardware: deviceHardware });
export type DeviceRecord = z.output<typeof deviceRecord>;

export const benchmarkRunListing = z.object({
  uuid: runId,
  status: benchmarkStatus,
  startedAt: timestamp,
  finishedAt: timestamp.nullable(),
  deviceId: z.string(),
  device: z.string(),
  modelName: z.string(),
  imageName: z.string(),
  imageWidth: count,
  imageHeight: count,
  /** Providers that produced samples. */
  providers: z.array(executionProvider),
  samples: count,
  imported: z.boolean(),
});
export type BenchmarkRunListing = z.output<typeof benchmarkRunListing>;

export type RunKind = 'benchmark' | 'segmentation';

/** What importing a history export did. */
export const importResult = z.object({
  benchmarkRuns: count,
  segmentationRuns: count,
  /** Runs already in the history (same uuid), left as they were. */
  skipped: count,
});
export type ImportResult = z.output<typeof importResult>;

/** What the History view lists: every run in the history, newest first, and which device this computer is. */
export const historyListing = z.object({
  thisDeviceId: z.string(),
  benchmarkRuns: z.array(benchmarkRunListing),
  segmentationRuns: z.array(segmentationRunRecord),
});
export type HistoryListing = z.output<typeof historyListing>;

/** This computer as the benchmark records it. */
export const thisDevice = z.object({
  deviceId: z.string(),
  /** One line: CPU, cores, memory, GPUs. */
  description: z.string(),
  fingerprint: deviceFingerprint,
});
export type ThisDevice = z.output<typeof thisDevice>;

export const HISTORY_EXPORT_FORMATS = ['json', 'csv'] as const;
export type HistoryExportFormat = (typeof HISTORY_EXPORT_FORMATS)[number];
