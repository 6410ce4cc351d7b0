// Entry of a batch's worker (a worker thread, or in the desktop app a utility process, as the engine's host: see
// [Note: engine host] in engineService.ts): answers the one call 'batch:start' with the batch run (runAppBatch), each
// event reported as the call's progress. See [Note: batch worker] in batchService.ts.
import { onnxRuntimeBackend } from '../backend/onnxruntime';
import { runAppBatch } from '../batch/appBatch';
import { SegmentationRecorder } from '../history/segmentAndRecord';
import { ModelManager } from '../models/modelManager';
import { hostSide } from './hostSide';
import { serveCalls } from './rpc';

const host = hostSide('src/engine/service/batchWorker.ts');

const stop = serveCalls(
  {
    'batch:start': async (request, hooks) => {
      const manager = new ModelManager({ env: host.env });
      try {
        const recorder = new SegmentationRecorder(manager.paths.databaseFile, onnxRuntimeBackend.version);
        return await runAppBatch(request, { manager, backend: onnxRuntimeBackend, recorder }, { signal: hooks.signal, onEvent: hooks.onProgress });
      } finally {
        manager.close();
      }
    },
  },
  host.transport,
  // The batch closed what it opened as it ended.
  () => host.exit(),
);
host.onParentGone(stop);
