// The history's records besides the benchmark's own (src/engine/bench/types.ts): segmentation runs and the
// listings shown by `celldesk history list`. Types only; runs anywhere.
import type { ExecutionProvider } from '../backend/types';
import type { DeviceFingerprint, DeviceHardware } from '../bench/fingerprint';
import type { BenchmarkStatus } from '../bench/types';

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
