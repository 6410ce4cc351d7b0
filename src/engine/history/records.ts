// The history's records besides the benchmark's own: segmentation runs and the listings shown by
// `celldesk history list` and the app's History view. Declared in src/shared/benchTypes.ts (the UI reads them too).
export type { BenchmarkRunListing, DeviceRecord, RunKind, SegmentationRunRecord } from '../../shared/benchTypes';
