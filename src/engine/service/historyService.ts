// The history service: answers the calls the contract marks `answeredBy: 'history'` (list, read, export, import and
// delete runs of the history database, and describe this computer as the benchmark records it). Runs on the thread
// that answers calls: each call is a few small SQLite statements (better-sqlite3 is synchronous and fast at this
// size), and the database is opened per call, so runs the CLI, the engine worker or a benchmark worker write
// meanwhile are seen at once. Node side.
import { collectFingerprint, describeDevice, deviceId } from '../bench/fingerprint';
import { exportCsv, exportJson, exportRuns, importRuns, parseExport } from '../history/historyExport';
import { HistoryStore } from '../history/historyStore';
import { appPathsFor } from '../io/appPaths';
import { installedOnnxRuntimeVersion } from '../version';
import type { CallHandlers, CallsAnsweredBy, ThisDevice } from '../../shared/contract';

/** Segmentation runs listed at most; the newest are the ones worth showing. */
const SEGMENTATION_RUNS_LISTED = 500;

export type HistoryService = CallHandlers<CallsAnsweredBy<'history'>>;

export function createHistoryService(env: NodeJS.ProcessEnv = process.env): HistoryService {
  const databaseFile = appPathsFor(env).databaseFile;
  const withStore = <T>(work: (store: HistoryStore) => T): T => HistoryStore.use(databaseFile, work);
  // Collected once: it asks GPU tools, which take a moment.
  let thisDevice: Promise<ThisDevice> | null = null;
  const describeThisDevice = () =>
    (thisDevice ??= collectFingerprint({ onnxRuntimeVersion: installedOnnxRuntimeVersion(), modelSha256: null }).then((fingerprint) => ({
      deviceId: deviceId(fingerprint.hardware),
      description: describeDevice(fingerprint.hardware),
      fingerprint,
    })));

  return {
    'device:describe': describeThisDevice,

    'history:list': async () => {
      const { deviceId: thisDeviceId } = await describeThisDevice();
      return withStore((store) => ({
        thisDeviceId,
        benchmarkRuns: store.listBenchmarkRuns(),
        segmentationRuns: store.listSegmentationRuns(SEGMENTATION_RUNS_LISTED),
      }));
    },

    'history:runs': ({ uuids }) => withStore((store) => uuids.map((uuid) => store.benchmarkRun(uuid))),

    /** The runs (benchmark or segmentation) as a file: JSON to import elsewhere, CSV for spreadsheets. */
    'history:export': ({ uuids, format }) => {
      const doc = withStore((store) =>
        exportRuns(
          store,
          uuids.map((uuid) => store.findRun(uuid)),
        ),
      );
      const stamp = doc.exportedAt.slice(0, 19).replace(/[:T]/g, '-');
      const text = format === 'csv' ? exportCsv(doc) : exportJson(doc);
      return { fileName: `celldesk-history-${stamp}.${format}`, bytes: new TextEncoder().encode(text) };
    },

    /** A JSON export, all or nothing (see [Note: history import]); `name` is the file's name, for messages. */
    'history:import': ({ name, bytes }) => withStore((store) => importRuns(store, parseExport(name, new TextDecoder().decode(bytes)))),

    'history:delete': ({ uuids }) => withStore((store) => ({ deleted: store.deleteRuns(uuids) })),
  };
}
