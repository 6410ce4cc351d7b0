// Entry of the engine's worker thread: runs the operations the engine service sends, one EngineWorkspace per
// worker, with cancellation and progress. See [Note: engine worker] in engineService.ts.
import { parentPort, workerData } from 'node:worker_threads';
import { OperationCancelledError } from './errors';
import {
  toWorkerFailure,
  type FromWorker,
  type OperationInput,
  type OperationName,
  type OperationResult,
  type ToWorker,
  type WorkerStart,
} from './protocol';
import type { RunHooks } from '../pipeline/progress';
import { EngineWorkspace } from './workspace';

const port = parentPort;
if (port === null) throw new Error('src/engine/service/worker.ts runs only as a worker thread');

const start = workerData as WorkerStart;
const workspace = new EngineWorkspace(start.env);
const running = new Map<number, AbortController>();

function send(message: FromWorker): void {
  port!.postMessage(message);
}

type Operations = { [K in OperationName]: (input: OperationInput<K>, hooks: RunHooks) => OperationResult<K> | Promise<OperationResult<K>> };

const operations: Operations = {
  openImage: (input, hooks) => workspace.openImage(input, hooks),
  uploadImage: (input, hooks) => workspace.uploadImage(input, hooks),
  closeImage: (input) => workspace.closeImage(input),
  displayPixels: (input) => workspace.displayPixels(input),
  listModels: () => workspace.listModels(),
  segment: (input, hooks) => workspace.segment(input, hooks),
  rethreshold: (input) => workspace.rethreshold(input),
  exportMasks: (input) => workspace.exportMasks(input),
  networkOutput: (input) => workspace.networkOutput(input),
  calibrate: (input, hooks) => workspace.calibrate(input, hooks),
  importModel: (input) => workspace.importModel(input),
  uploadModel: (input) => workspace.uploadModel(input),
  recentFiles: () => workspace.recentFiles(),
  saveDraft: (input) => workspace.saveDraft(input),
  loadDraft: (input) => workspace.loadDraft(input),
  discardDraft: (input) => workspace.discardDraft(input),
};

port.on('message', (message: ToWorker) => {
  if (message.kind === 'cancel') {
    running.get(message.id)?.abort();
    return;
  }
  const { id, operation, input, cancelFlag } = message;
  const controller = new AbortController();
  running.set(id, controller);
  const hooks: RunHooks = {
    signal: controller.signal,
    onProgress: (progress) => {
      if (Atomics.load(cancelFlag, 0) !== 0) controller.abort();
      send({ kind: 'progress', id, progress });
    },
  };
  Promise.resolve()
    .then(() => (operations[operation] as (input: unknown, hooks: RunHooks) => unknown)(input, hooks))
    .then(
      (value) => send({ kind: 'done', id, value }),
      (error: unknown) => send({ kind: 'failed', id, error: toWorkerFailure(controller.signal.aborted ? new OperationCancelledError(operation) : error) }),
    )
    .finally(() => running.delete(id));
});

port.on('close', () => {
  void workspace.close();
});
