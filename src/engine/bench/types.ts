// The benchmark's records: a run, what each execution provider did, the samples, and the recorder that stores them
// as they come (the history database, see src/engine/history). Types only; runs anywhere.
import type { ExecutionProvider } from '../backend/types';
import type { SegmentProgress } from '../pipeline/progress';
import type { DeviceFingerprint } from './fingerprint';
import type { SummaryRow } from './statistics';

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

/** Stores a run as it is measured; every call is durable when it returns (see [Note: run history]). */
export interface BenchmarkRecorder {
  beginRun(run: BenchmarkRunInfo): void;
  recordProvider(runUuid: string, result: ProviderResult): void;
  recordSample(runUuid: string, sample: BenchmarkSample): void;
  finishRun(runUuid: string, status: Exclude<BenchmarkStatus, 'running'>, error: string | null, finishedAt: string): void;
}

export type BenchmarkEvent =
  | { type: 'started'; run: BenchmarkRunInfo; plannedSamples: number }
  | { type: 'provider'; result: ProviderResult; plannedSamples: number }
  | { type: 'sample'; sample: BenchmarkSample; done: number; plannedSamples: number }
  /** Progress inside one segmentation; iteration 0 is the warm-up. */
  | { type: 'stage'; provider: ExecutionProvider; size: string; iteration: number; progress: SegmentProgress };
