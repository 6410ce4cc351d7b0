// Entry of a mask worker thread: computes masks (dynamics, flow check, clean-up) for the pool in maskWorkers.ts.
import { parentPort } from 'node:worker_threads';
import { computeMasks } from '../core/computeMasks';
import { toWorkerFailure } from '../service/rpc';
import type { MaskReply, MaskRequest } from './maskWorkers';

const port = parentPort;
if (port === null) throw new Error('src/engine/batch/maskWorker.ts runs only as a worker thread');

port.on('message', (request: MaskRequest) => {
  let reply: MaskReply;
  try {
    const labels = computeMasks(request.options);
    reply = { id: request.id, labels };
    port.postMessage(reply, [labels.buffer as ArrayBuffer]);
  } catch (error) {
    reply = { id: request.id, failure: toWorkerFailure(error) };
    port.postMessage(reply);
  }
});
