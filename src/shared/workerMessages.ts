// The messages between a service and its worker or host process (the engine's, a benchmark's): a worker's start-up
// data, calls, cancellations and the request to stop going in, progress, results and failures coming out. Zod schemas with their types inferred; the
// RPC that sends them is src/engine/service/rpc.ts. No side effects.
import { z } from 'zod';

/** A worker thread's start-up data (its workerData; a host process reads the same from its environment). */
export const workerStart = z.object({
  /** Environment read for the data folder and model sources (CELLDESK_HOME, CELLPOSE_LOCAL_MODELS_PATH, ...). */
  env: z.record(z.string(), z.string().optional()),
});
export type WorkerStart = z.output<typeof workerStart>;

const callId = z.int().positive();

export const toWorker = z.discriminatedUnion('kind', [
  /** A contract call; `input` was checked against the contract where the call was received. */
  z.object({ kind: z.literal('call'), id: callId, name: z.string(), input: z.unknown() }),
  z.object({ kind: z.literal('cancel'), id: callId }),
  /** Cancel every running call, release what is held (models, files), then end (see [Note: engine host]). */
  z.object({ kind: z.literal('stop') }),
]);
export type ToWorker = z.output<typeof toWorker>;

/** An error as it crosses to the service: CellDeskErrors keep code and details; others (bugs) keep their stack. */
export const workerFailure = z.object({
  code: z.string().nullable(),
  message: z.string(),
  details: z.record(z.string(), z.unknown()),
  stack: z.string().nullable(),
});
export type WorkerFailure = z.output<typeof workerFailure>;

export const fromWorker = z.discriminatedUnion('kind', [
  /** A running call's progress: the payload of the event the contract names for it. */
  z.object({ kind: z.literal('progress'), id: callId, payload: z.unknown() }),
  z.object({ kind: z.literal('done'), id: callId, value: z.unknown() }),
  z.object({ kind: z.literal('failed'), id: callId, error: workerFailure }),
]);
export type FromWorker = z.output<typeof fromWorker>;
