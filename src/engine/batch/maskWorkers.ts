// A pool of worker threads that compute masks, so the thread running the network never waits on the dynamics.
// Node side (CLI, engine worker); the pipeline reaches it through the MaskRunner interface.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Worker } from 'node:worker_threads';
import type { ComputeMasksOptions } from '../core/computeMasks';
import type { KeptNetworkOutput, MaskSettings } from '../pipeline/keptNetworkOutput';
import { finalMaskOptions, type Labels, type MaskRunner } from '../pipeline/maskRunner';
import { fromWorkerFailure } from '../service/rpc';
import type { WorkerFailure } from '../../shared/workerMessages';
import { startWorker } from '../service/startWorker';

export interface MaskRequest {
  id: number;
  options: ComputeMasksOptions;
}

export type MaskReply = { id: number; labels: Labels } | { id: number; failure: WorkerFailure };

interface Pending {
  request: MaskRequest;
  resolve: (labels: Labels) => void;
  reject: (error: unknown) => void;
}

const SOURCE_WORKER = join(dirname(fileURLToPath(import.meta.url)), 'maskWorker.ts');

/** The flows a request sends, copied out of the (larger) buffers they view so that they can be transferred. */
function ownBuffers(options: ComputeMasksOptions): { options: ComputeMasksOptions; transfer: ArrayBuffer[] } {
  const dP = options.dP.slice();
  const cellprob = options.cellprob.slice();
  return { options: { ...options, dP, cellprob }, transfer: [dP.buffer, cellprob.buffer] };
}

export class MaskWorkerPool implements MaskRunner {
  private readonly idle: Worker[] = [];
  private readonly busy = new Map<Worker, Pending>();
  private readonly queue: Pending[] = [];
  private nextId = 0;
  private failure: unknown = null;

  /** `script`: the worker's entry; default maskWorker.ts beside this file (through tsx); the desktop app passes its bundle. */
  constructor(
    readonly size: number,
    script = SOURCE_WORKER,
  ) {
    for (let i = 0; i < size; i++) {
      const worker = startWorker(script, { env: {} });
      worker.on('message', (reply: MaskReply) => this.settle(worker, reply));
      worker.on('error', (error) => this.fail(error));
      this.idle.push(worker);
    }
  }

  computeMasks(options: ComputeMasksOptions): Promise<Labels> {
    if (this.failure !== null) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.queue.push({ request: { id: this.nextId++, options }, resolve, reject });
      this.dispatch();
    });
  }

  finalMasks(kept: KeptNetworkOutput, settings: MaskSettings): Promise<Labels> {
    return this.computeMasks(finalMaskOptions(kept, settings));
  }

  async close(): Promise<void> {
    const workers = [...this.idle, ...this.busy.keys()];
    this.idle.length = 0;
    await Promise.all(workers.map((w) => w.terminate()));
  }

  private dispatch(): void {
    while (this.idle.length > 0 && this.queue.length > 0) {
      const worker = this.idle.pop()!;
      const pending = this.queue.shift()!;
      this.busy.set(worker, pending);
      const { options, transfer } = ownBuffers(pending.request.options);
      worker.postMessage({ id: pending.request.id, options } satisfies MaskRequest, transfer);
    }
  }

  private settle(worker: Worker, reply: MaskReply): void {
    const pending = this.busy.get(worker);
    if (pending === undefined || pending.request.id !== reply.id) return;
    this.busy.delete(worker);
    this.idle.push(worker);
    if ('labels' in reply) pending.resolve(reply.labels);
    else pending.reject(fromWorkerFailure(reply.failure));
    this.dispatch();
  }

  /** A worker that crashed takes the pool down: every waiting computation fails with its error. */
  private fail(error: unknown): void {
    this.failure = error;
    for (const pending of [...this.busy.values(), ...this.queue]) pending.reject(error);
    this.busy.clear();
    this.queue.length = 0;
  }
}
