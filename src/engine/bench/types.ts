// The benchmark's records (declared in src/shared/benchTypes.ts, which the UI reads too) and the recorder that
// stores them as they come (the history database, see src/engine/history). Types only; runs anywhere.
import type { BenchmarkRunInfo, BenchmarkSample, BenchmarkStatus, ProviderResult } from '../../shared/benchTypes';

export type {
  BenchmarkEvent,
  BenchmarkProtocol,
  BenchmarkReport,
  BenchmarkRunInfo,
  BenchmarkSample,
  BenchmarkStatus,
  ProviderResult,
} from '../../shared/benchTypes';

/** Stores a run as it is measured; every call is durable when it returns (see [Note: run history]). */
export interface BenchmarkRecorder {
  beginRun(run: BenchmarkRunInfo): void;
  recordProvider(runUuid: string, result: ProviderResult): void;
  recordSample(runUuid: string, sample: BenchmarkSample): void;
  finishRun(runUuid: string, status: Exclude<BenchmarkStatus, 'running'>, error: string | null, finishedAt: string): void;
}
