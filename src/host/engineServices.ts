// The services behind the app's calls (engine, benchmark, batch, history), created and wired to the UI's event stream the
// same way by the desktop app's main process and by the browser mode's server. Node side.
import { BatchService } from '../engine/service/batchService';
import { BenchmarkService } from '../engine/service/benchmarkService';
import { EngineService } from '../engine/service/engineService';
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
  /** The desktop app's bundled worker scripts; default: the sources, through tsx. */
  engineWorker?: string;
  benchmarkWorker?: string;
  batchWorker?: string;
}

export function createEngineServices(options: EngineServicesOptions = {}): EngineServices {
  const env = options.env ?? process.env;
  return {
    engine: new EngineService({ env, workerScript: options.engineWorker }),
    benchmark: new BenchmarkService({ env, workerScript: options.benchmarkWorker }),
    batch: new BatchService({ env, workerScript: options.batchWorker }),
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
