// The History view's calls: list, read, export, import and delete runs of the history database, and describe this
// computer as the benchmark records it. Runs on the thread that answers calls: each call is a few small SQLite
// statements (better-sqlite3 is synchronous and fast at this size), and the database is opened per call, so runs the
// CLI or a benchmark worker writes meanwhile are seen at once. Node side.
import { collectFingerprint, describeDevice, deviceId } from '../bench/fingerprint';
import type { BenchmarkReport } from '../bench/types';
import { exportCsv, exportJson, exportRuns, importRuns, parseExport, type ImportResult } from '../history/historyExport';
import { HistoryStore } from '../history/historyStore';
import { appPathsFor } from '../io/appPaths';
import { installedOnnxRuntimeVersion } from '../version';
import type { HistoryExportFormat, HistoryListing, ThisDevice } from '../../shared/benchTypes';

/** Segmentation runs listed at most; the newest are the ones worth showing. */
const SEGMENTATION_RUNS_LISTED = 500;

export class HistoryService {
  private readonly databaseFile: string;
  private thisDevice: Promise<ThisDevice> | null = null;

  constructor(env: NodeJS.ProcessEnv = process.env) {
    this.databaseFile = appPathsFor(env).databaseFile;
  }

  /** This computer's fingerprint; collected once (it asks GPU tools, which take a moment). */
  describeThisDevice(): Promise<ThisDevice> {
    this.thisDevice ??= collectFingerprint({ onnxRuntimeVersion: installedOnnxRuntimeVersion(), modelSha256: null }).then((fingerprint) => ({
      deviceId: deviceId(fingerprint.hardware),
      description: describeDevice(fingerprint.hardware),
      fingerprint,
    }));
    return this.thisDevice;
  }

  async list(): Promise<HistoryListing> {
    const { deviceId: thisDeviceId } = await this.describeThisDevice();
    return this.withStore((store) => ({
      thisDeviceId,
      benchmarkRuns: store.listBenchmarkRuns(),
      segmentationRuns: store.listSegmentationRuns(SEGMENTATION_RUNS_LISTED),
    }));
  }

  benchmarkRuns(uuids: readonly string[]): BenchmarkReport[] {
    return this.withStore((store) => uuids.map((uuid) => store.benchmarkRun(uuid)));
  }

  /** The runs (benchmark or segmentation) as a file: JSON to import elsewhere, CSV for spreadsheets. */
  exportRuns(uuids: readonly string[], format: HistoryExportFormat): { fileName: string; bytes: Uint8Array } {
    const doc = this.withStore((store) =>
      exportRuns(
        store,
        uuids.map((uuid) => store.findRun(uuid)),
      ),
    );
    const stamp = doc.exportedAt.slice(0, 19).replace(/[:T]/g, '-');
    const text = format === 'csv' ? exportCsv(doc) : exportJson(doc);
    return { fileName: `celldesk-history-${stamp}.${format}`, bytes: new TextEncoder().encode(text) };
  }

  /** A JSON export, all or nothing (see [Note: history import]); `name` is the file's name, for messages. */
  importFile(name: string, bytes: Uint8Array): ImportResult {
    const doc = parseExport(name, new TextDecoder().decode(bytes));
    return this.withStore((store) => importRuns(store, doc));
  }

  deleteRuns(uuids: readonly string[]): { deleted: number } {
    return this.withStore((store) => ({ deleted: store.deleteRuns(uuids) }));
  }

  private withStore<T>(work: (store: HistoryStore) => T): T {
    return HistoryStore.use(this.databaseFile, work);
  }
}
