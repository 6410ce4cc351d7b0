// What the benchmark and the run history exchange with the UI: device fingerprints, benchmark runs, samples,
// summaries, live benchmark events and history listings. Types only; declared here so the renderer can read them
// (see [Note: contract data types] in engineTypes.ts), and re-exported by the engine modules that produce them.
import type { ExecutionProvider } from './engineTypes';

export interface GpuAdapter {
  name: string;
  /** Driver version where a tool tells it. */
  driver: string | null;
}

export interface DeviceHardware {
  platform: string;
  arch: string;
  cpuModel: string;
  /** Logical cores. */
  cpuCores: number;
  memoryBytes: number;
  gpus: string[];
}

export interface DeviceFingerprint {
  hardware: DeviceHardware;
  os: { name: string; release: string };
  gpuDrivers: GpuAdapter[];
  appVersion: string;
  onnxRuntimeVersion: string;
  nodeVersion: string;
  /** The model measured (benchmark) or used (segmentation). */
  modelSha256: string | null;
}

export interface SummaryRow {
  provider: ExecutionProvider;
  size: string;
  width: number;
  height: number;
  n: number;
  meanMs: number;
  /** Sample standard deviation (n - 1); null for a single sample. */
  sdMs: number | null;
  /** CPU mean / this mean, for other providers where the CPU measured the same size; else null. */
  speedup: number | null;
  /** (CPU - this) / CPU * 100, on the means; null where speedup is. */
  improvementPct: number | null;
}

/** running: being measured; interrupted: its process crashed or was killed; cancelled: stopped by the user. */
export type BenchmarkStatus = 'running' | 'completed' | 'cancelled' | 'interrupted';

export interface BenchmarkProtocol {
  /** Crop labels in the order measured: '224', '448', ..., 'full'. */
  sizes: string[];
  iterations: number;
  providers: ExecutionProvider[];
  estimateDiameter: boolean;
  channels: [number, number];
}

export interface BenchmarkRunInfo {
  uuid: string;
  deviceId: string;
  startedAt: string;
  fingerprint: DeviceFingerprint;
  /** The model as the user named it, and the sha256 of its file. */
  model: { name: string; sha256: string };
  image: { name: string; sha256: string; width: number; height: number };
  protocol: BenchmarkProtocol;
}

/**
 * The adapter a GPU execution provider runs on, where it can be told (WebGPU on Linux, see [Note: WebGPU adapter
 * probe] in src/engine/backend/webgpuProbe.ts).
 */
export interface ProviderAdapter {
  /** The device's name as its driver gives it, e.g. "NVIDIA GeForce RTX 4070" or "SwiftShader Device (Subzero)". */
  name: string;
  /** A driver that runs on the CPU (SwiftShader, llvmpipe): a software GPU, slower than the CPU provider. */
  software: boolean;
  /** The driver library, where known. */
  driver: string | null;
}

/** One execution provider in a run: whether a session could be created, how long it took, and the warm-up. */
export interface ProviderResult {
  provider: ExecutionProvider;
  available: boolean;
  /** Why no session could be created; null when one was. */
  reason: string | null;
  /** Creating the sessions (cold start), ms. */
  sessionMs: number | null;
  /** The first segmentation after it (warm-up on the smallest crop, not a sample), ms. */
  firstRunMs: number | null;
  /** The adapter it ran on, where known; null for the CPU and where the provider does not tell. */
  adapter: ProviderAdapter | null;
}

export interface BenchmarkSample {
  provider: ExecutionProvider;
  size: string;
  width: number;
  height: number;
  /** 1..iterations. */
  iteration: number;
  totalMs: number;
  /** Milliseconds per pipeline stage (normalize, sizeStyle, sizeMasks, network, resample, masks). */
  stages: Record<string, number>;
  maskCount: number;
  diameter: number;
  measuredAt: string;
}

export interface BenchmarkReport extends BenchmarkRunInfo {
  status: BenchmarkStatus;
  finishedAt: string | null;
  error: string | null;
  providers: ProviderResult[];
  samples: BenchmarkSample[];
  summary: SummaryRow[];
}

/** Progress inside one segmentation: a pipeline stage and how far it is. */
export interface StageProgress {
  /** normalize, sizeStyle, sizeMasks (diameter estimation), network, masks. */
  stage: string;
  done: number;
  total: number;
}

export type BenchmarkEvent =
  | { type: 'started'; run: BenchmarkRunInfo; plannedSamples: number }
  | { type: 'provider'; result: ProviderResult; plannedSamples: number }
  | { type: 'sample'; sample: BenchmarkSample; done: number; plannedSamples: number }
  /** Progress inside one segmentation; iteration 0 is the warm-up. */
  | { type: 'stage'; provider: ExecutionProvider; size: string; iteration: number; progress: StageProgress };

export interface SegmentationRunRecord {
  uuid: string;
  deviceId: string;
  recordedAt: string;
  fingerprint: DeviceFingerprint;
  image: { name: string; sha256: string; width: number; height: number; channels: number };
  model: { name: string; sha256: string };
  /** The resolved segmentation settings (channels, diameter asked for, thresholds, ...). */
  settings: Record<string, unknown>;
  provider: ExecutionProvider;
  /** The diameter used (estimated, when the settings asked for 0). */
  diameter: number;
  maskCount: number;
  /** Milliseconds per stage, and `total`. */
  timings: Record<string, number>;
}

export interface DeviceRecord {
  id: string;
  hardware: DeviceHardware;
}

export interface BenchmarkRunListing {
  uuid: string;
  status: BenchmarkStatus;
  startedAt: string;
  finishedAt: string | null;
  deviceId: string;
  device: string;
  modelName: string;
  imageName: string;
  imageWidth: number;
  imageHeight: number;
  /** Providers that produced samples. */
  providers: ExecutionProvider[];
  samples: number;
  imported: boolean;
}

export type RunKind = 'benchmark' | 'segmentation';

/** What importing a history export did. */
export interface ImportResult {
  benchmarkRuns: number;
  segmentationRuns: number;
  /** Runs already in the history (same uuid), left as they were. */
  skipped: number;
}

/** What the History view lists: every run in the history, newest first, and which device this computer is. */
export interface HistoryListing {
  thisDeviceId: string;
  benchmarkRuns: BenchmarkRunListing[];
  segmentationRuns: SegmentationRunRecord[];
}

/** This computer as the benchmark records it. */
export interface ThisDevice {
  deviceId: string;
  /** One line: CPU, cores, memory, GPUs. */
  description: string;
  fingerprint: DeviceFingerprint;
}

export const HISTORY_EXPORT_FORMATS = ['json', 'csv'] as const;
export type HistoryExportFormat = (typeof HISTORY_EXPORT_FORMATS)[number];
