// The History view's listing: benchmark runs grouped by the computer they ran on, this computer first, and a
// finished run made into a chart series. Pure, runs anywhere (see [Note: viewer helpers in src/shared]).
import type { BenchmarkReport, BenchmarkRunListing, HistoryListing } from '../benchTypes';
import { deviceLabel, type ChartRun } from './figures';

export interface DeviceGroup {
  deviceId: string;
  device: string;
  thisDevice: boolean;
  /** Newest first, as the history lists them. */
  runs: BenchmarkRunListing[];
}

/** Benchmark runs by device: this computer first, then the others by their newest run. */
export function groupRunsByDevice(listing: HistoryListing): DeviceGroup[] {
  const groups = new Map<string, DeviceGroup>();
  for (const run of listing.benchmarkRuns) {
    const group = groups.get(run.deviceId);
    if (group === undefined) groups.set(run.deviceId, { deviceId: run.deviceId, device: run.device, thisDevice: run.deviceId === listing.thisDeviceId, runs: [run] });
    else group.runs.push(run);
  }
  for (const group of groups.values()) group.runs.sort((a, b) => b.startedAt.localeCompare(a.startedAt));
  return [...groups.values()].sort((a, b) => Number(b.thisDevice) - Number(a.thisDevice) || b.runs[0]!.startedAt.localeCompare(a.runs[0]!.startedAt));
}

export function chartRunOf(report: BenchmarkReport): ChartRun {
  return { uuid: report.uuid, device: deviceLabel(report.fingerprint.hardware), startedAt: report.startedAt, samples: report.samples, providers: report.providers };
}
