// The services behind the app's calls (engine, benchmark, batch, history), created and wired to the UI's event stream the
// same way by the desktop app's main process and by the browser mode's server. Node side.
import { BatchService } from '../engine/service/batchService';
import { BenchmarkService } from '../engine/service/benchmarkService';
import { EngineService } from '../engine/service/engineService';
import type { StartHost } from '../engine/service/startHost';
import { createHistoryService, type HistoryService } from '../engine/service/historyService';
import { eventNames, type EventSink } from '../shared/contract';

export interface EngineServices {
  engine: EngineService;
  benchmark: BenchmarkService;
  batch: BatchService;
  history: HistoryService;
}

export interface EngineServicesOptions {
  /** Environment read for the data folder and model sources (default: process.env). */
  env?: NodeJS.ProcessEnv;
  /** Where the engine runs (the desktop app's utility process); default: a worker thread on the sources, through tsx. */
  engineHost?: StartHost;
  /** Where each benchmark runs (the desktop app's utility process); default: a worker thread on the source, through tsx. */
  benchmarkHost?: StartHost;
  /** Where each batch runs (the desktop app's utility process); default: a worker thread on the source, through tsx. */
  batchHost?: StartHost;
}

export function createEngineServices(options: EngineServicesOptions = {}): EngineServices {
  const env = options.env ?? process.env;
  return {
    engine: new EngineService({ env, host: options.engineHost }),
    benchmark: new BenchmarkService({ env, host: options.benchmarkHost }),
    batch: new BatchService({ env, host: options.batchHost }),
    history: createHistoryService(env),
  };
}

/** Sends every event the services publish to `emit`; returns the function that stops it. */
export function relayEvents(services: EngineServices, emit: EventSink): () => void {
  const stops = eventNames.flatMap((name) => [services.engine, services.benchmark, services.batch].map((service) => service.on(name, (payload) => emit(name, payload))));
  return () => stops.forEach((stop) => stop());
}

export async function closeEngineServices(services: EngineServices): Promise<void> {
  await Promise.all([services.benchmark.close(), services.batch.close(), services.engine.close()]);
}
