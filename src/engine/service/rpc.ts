// The one RPC between a service and its worker, driven by the contract: the service side calls by contract name
// (RpcClient), the worker side exposes one handler per call (serveCalls), over any transport that posts messages
// and delivers them as events (a worker thread's port, an Electron utility process's, a Node child process's IPC
// channel: see [Note: engine host] in engineService.ts). Progress, cancellation and stopping travel as messages.
// Runs on both sides.
import { CellDeskError } from '../errors';
import { CallFailedError, type CallName, type CallHooks, type WorkerHandlers } from '../../shared/contract';
import { fromWorker, toWorker, type FromWorker, type ToWorker, type WorkerFailure } from '../../shared/workerMessages';
import { OperationCancelledError } from './errors';

/**
 * Either end of a message channel: Node's Worker and parentPort, Electron's utilityProcess and parentPort, a Node
 * child process and its parent. Messages are structured-cloned (copied) on every one of them; see [Note: engine host].
 */
export interface Transport {
  postMessage(message: unknown): void;
  /** Calls `listener` with each message received; returns the function that stops it. */
  onMessage(listener: (message: unknown) => void): () => void;
}

/** A message that is not one of workerMessages.ts: a bug on the other side, never a user's doing. */
function malformed(message: unknown): Error {
  return new Error(`CellDesk's worker channel received a malformed message: ${JSON.stringify(message)?.slice(0, 200)}`);
}

export function toWorkerFailure(error: unknown): WorkerFailure {
  if (error instanceof CellDeskError) return { code: error.code, message: error.message, details: { ...error.details }, stack: null };
  if (error instanceof Error) return { code: null, message: error.message, details: {}, stack: error.stack ?? null };
  return { code: null, message: String(error), details: {}, stack: null };
}

/**
 * The failure as an error on the service's side: a CellDeskError for failures raised on purpose, else a plain Error
 * carrying the worker's stack, so that the contract reports it as unexpected (and logs it).
 */
export function fromWorkerFailure(failure: WorkerFailure): Error {
  if (failure.code !== null) return new CallFailedError({ code: failure.code, message: failure.message, details: failure.details });
  const error = new Error(failure.message);
  if (failure.stack !== null) error.stack = `${failure.stack}\n    (in a CellDesk worker)`;
  return error;
}

export interface CallOptions {
  signal?: AbortSignal;
  onProgress?: (payload: unknown) => void;
}

interface Pending {
  call: CallName;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  onProgress?: (payload: unknown) => void;
}

/** What a call fails with once the other side is gone: one error for all, or one per call (to say what it was doing). */
export type Failure = Error | ((call: CallName) => Error);

/** The service's side: sends calls, matches replies to them, passes progress on; `fail` ends every pending call. */
export class RpcClient {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private failure: Failure | null = null;

  /** `onBusyChange`: told when the first call starts and the last one ends (to keep a worker alive only meanwhile). */
  constructor(
    private readonly transport: Transport,
    private readonly onBusyChange: (busy: boolean) => void = () => {},
  ) {
    transport.onMessage((message) => this.receive(message));
  }

  call(name: CallName, input: unknown, options: CallOptions = {}): Promise<unknown> {
    const { signal, onProgress } = options;
    if (this.failure !== null) return Promise.reject(errorFor(this.failure, name));
    if (signal?.aborted === true) return Promise.reject(new OperationCancelledError(name));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { call: name, resolve, reject, onProgress });
      if (this.pending.size === 1) this.onBusyChange(true);
      this.post({ kind: 'call', id, name, input });
      signal?.addEventListener('abort', () => this.pending.has(id) && this.post({ kind: 'cancel', id }), { once: true });
    });
  }

  /** Rejects every pending call with `failure`, and every later one: the worker is gone. */
  fail(failure: Failure): void {
    this.failure = failure;
    const pending = [...this.pending.values()];
    this.pending.clear();
    if (pending.length > 0) this.onBusyChange(false);
    for (const { call, reject } of pending) reject(errorFor(failure, call));
  }

  /** Asks the other side to stop (serveCalls' `onStop`), then fails every pending and later call with `failure`. */
  stop(failure: Failure): void {
    this.post({ kind: 'stop' });
    this.fail(failure);
  }

  private post(message: ToWorker): void {
    if (this.failure === null) this.transport.postMessage(message);
  }

  private receive(raw: unknown): void {
    const parsed = fromWorker.safeParse(raw);
    if (!parsed.success) return this.fail(malformed(raw));
    const message: FromWorker = parsed.data;
    const pending = this.pending.get(message.id);
    if (pending === undefined) return;
    if (message.kind === 'progress') return pending.onProgress?.(message.payload);
    this.pending.delete(message.id);
    if (this.pending.size === 0) this.onBusyChange(false);
    if (message.kind === 'done') pending.resolve(message.value);
    else pending.reject(fromWorkerFailure(message.error));
  }
}

const errorFor = (failure: Failure, call: CallName): Error => (typeof failure === 'function' ? failure(call) : failure);

/** Lets the event loop run once, so that messages that arrived meanwhile (a cancellation) are delivered. */
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * The worker's side: answers each call with the handler of its name, given the call's AbortSignal (aborted by a
 * 'cancel' message) and an onProgress that sends the report and then yields to the event loop (see
 * [Note: engine worker]). A handler that fails after its call was cancelled fails with CANCELLED. A 'stop' message
 * cancels every running call and, once they have all ended, runs `onStop` (which releases what the worker holds and
 * ends it); the function returned does the same, for a host whose parent is gone without a word.
 */
export function serveCalls<K extends CallName>(handlers: WorkerHandlers<K>, transport: Transport, onStop: () => unknown = () => {}): () => void {
  const running = new Map<number, { controller: AbortController; ended: Promise<void> }>();
  const send = (message: FromWorker) => transport.postMessage(message);
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    for (const { controller } of running.values()) controller.abort();
    void Promise.allSettled([...running.values()].map(({ ended }) => ended)).then(onStop);
  };
  transport.onMessage((raw) => {
    const parsed = toWorker.safeParse(raw);
    if (!parsed.success) throw malformed(raw);
    const message = parsed.data;
    if (message.kind === 'stop') return stop();
    if (message.kind === 'cancel') return running.get(message.id)?.controller.abort();
    const { id, name, input } = message;
    const controller = new AbortController();
    const hooks: CallHooks<CallName> = {
      signal: controller.signal,
      onProgress: async (payload) => {
        send({ kind: 'progress', id, payload });
        await yieldToEventLoop();
      },
    };
    const ended = Promise.resolve()
      .then(() => {
        if (!Object.hasOwn(handlers, name)) throw new Error(`this worker answers no call named ${name}`);
        return (handlers[name as K] as (input: unknown, hooks: CallHooks<CallName>) => unknown)(input, hooks);
      })
      .then(
        (value) => send({ kind: 'done', id, value }),
        (error: unknown) => {
          const cancelled = controller.signal.aborted && !(error instanceof OperationCancelledError);
          send({ kind: 'failed', id, error: toWorkerFailure(cancelled ? new OperationCancelledError(name) : error) });
        },
      )
      .finally(() => running.delete(id));
    running.set(id, { controller, ended });
  });
  return stop;
}
