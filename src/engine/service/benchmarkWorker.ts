// Entry of a benchmark's worker thread: runs one benchmark, recorded in the history as it goes, and reports each
// event; cancelled through the shared flag. See [Note: benchmark worker] in benchmarkService.ts.
import { parentPort, workerData } from 'node:worker_threads';
import { onnxRuntimeBackend } from '../backend/onnxruntime';
import { defaultBenchmarkChannels, loadBenchmarkImage } from '../bench/benchmarkImage';
import { runBenchmark } from '../bench/runBenchmark';
import { HistoryStore } from '../history/historyStore';
import { ModelManager } from '../models/modelManager';
import type { BenchmarkWorkerStart, FromBenchmarkWorker } from './benchmarkProtocol';
import { toWorkerFailure } from './protocol';

const port = parentPort;
if (port === null) throw new Error('src/engine/service/benchmarkWorker.ts runs only as a worker thread');
const { env, request, cancelFlag } = workerData as BenchmarkWorkerStart;

function send(message: FromBenchmarkWorker): void {
  port!.postMessage(message);
}

async function run(): Promise<void> {
  const controller = new AbortController();
  const manager = new ModelManager({ env });
  const history = HistoryStore.open(manager.paths.databaseFile);
  try {
    const image = await loadBenchmarkImage(request.imagePath);
    const report = await runBenchmark(
      { manager, backend: onnxRuntimeBackend, recorder: history },
      {
        model: request.model,
        image,
        channels: request.channels ?? defaultBenchmarkChannels(request.imagePath),
        sizes: request.sizes,
        iterations: request.iterations,
        providers: request.providers,
        estimateDiameter: request.estimateDiameter,
      },
      {
        signal: controller.signal,
        onEvent: (event) => {
          if (Atomics.load(cancelFlag, 0) !== 0) controller.abort();
          send({ kind: 'event', event });
        },
      },
    );
    send({ kind: 'done', report });
  } finally {
    history.close();
  }
}

run().catch((error: unknown) => send({ kind: 'failed', error: toWorkerFailure(error) }));
