// Entry of a batch's worker thread: answers the one call 'batch:start' with the batch run (runAppBatch), each event
// reported as the call's progress. See [Note: batch worker] in batchService.ts.
import { onnxRuntimeBackend } from '../backend/onnxruntime';
import { runAppBatch } from '../batch/appBatch';
import { SegmentationRecorder } from '../history/segmentAndRecord';
import { ModelManager } from '../models/modelManager';
import { serveCalls } from './rpc';
import { portTransport, workerSide } from './startWorker';

const { start, port } = workerSide('src/engine/service/batchWorker.ts');

serveCalls(
  {
    'batch:start': async (request, hooks) => {
      const manager = new ModelManager({ env: start.env });
      try {
        const recorder = new SegmentationRecorder(manager.paths.databaseFile, onnxRuntimeBackend.version);
        return await runAppBatch(request, { manager, backend: onnxRuntimeBackend, recorder }, { signal: hooks.signal, onEvent: hooks.onProgress });
      } finally {
        manager.close();
      }
    },
  },
  portTransport(port),
);
