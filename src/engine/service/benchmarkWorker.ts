// Entry of a benchmark's worker (a worker thread, or in the desktop app a utility process, as the engine's host: see
// [Note: engine host] in engineService.ts): answers the one call 'bench:start' with a run of the benchmark, recorded
// in the history as it goes, each event reported as the call's progress. See [Note: benchmark worker] in
// benchmarkService.ts.
import { onnxRuntimeBackend } from '../backend/onnxruntime';
import { defaultBenchmarkChannels, loadBenchmarkImage } from '../bench/benchmarkImage';
import { runBenchmark } from '../bench/runBenchmark';
import { HistoryStore } from '../history/historyStore';
import { ModelManager } from '../models/modelManager';
import { hostSide } from './hostSide';
import { serveCalls } from './rpc';

const host = hostSide('src/engine/service/benchmarkWorker.ts');

const stop = serveCalls(
  {
    'bench:start': async (request, hooks) => {
      const manager = new ModelManager({ env: host.env });
      const history = HistoryStore.open(manager.paths.databaseFile);
      try {
        const image = await loadBenchmarkImage(request.imagePath);
        return await runBenchmark(
          { manager, backend: onnxRuntimeBackend, recorder: history },
          { ...request, image, channels: request.channels ?? defaultBenchmarkChannels(request.imagePath) },
          { signal: hooks.signal, onEvent: hooks.onProgress },
        );
      } finally {
        history.close();
        manager.close();
      }
    },
  },
  host.transport,
  // The run closed what it opened as it ended.
  () => host.exit(),
);
host.onParentGone(stop);
