// Which execution providers work on this computer, found by really creating a session on each, with the time that
// takes and the reason when one cannot; Node side (CLI, Electron worker).
import { ExecutionProviderError } from '../backend/onnxruntime';
import { EXECUTION_PROVIDERS, type ExecutionProvider, type InferenceBackend, type ProviderAdapter } from '../backend/types';
import { openModel, type OpenedModel } from '../io/openModel';
import type { ModelManager } from '../models/modelManager';

export interface ModelRequest {
  /** Catalogue name, registered name or model file path, as openModel takes. */
  model: string;
  sizeModelPath?: string;
}

export type ProviderOpening =
  | { available: true; provider: ExecutionProvider; model: OpenedModel; sessionMs: number }
  | { available: false; provider: ExecutionProvider; reason: string };

/**
 * Opens the model on one provider. Only session creation is timed (resolving and converting the model happen
 * around it), by timing the backend's createSession calls that openModel makes. A provider that cannot start is an
 * answer, not an error; anything else (a missing model) is thrown.
 */
export async function openOnProvider(
  manager: ModelManager,
  backend: InferenceBackend,
  request: ModelRequest,
  provider: ExecutionProvider,
): Promise<ProviderOpening> {
  let sessionMs = 0;
  const timed: InferenceBackend = {
    name: backend.name,
    version: backend.version,
    async createSession(sessionRequest) {
      const start = performance.now();
      try {
        return await backend.createSession(sessionRequest);
      } finally {
        sessionMs += performance.now() - start;
      }
    },
  };
  try {
    const model = await openModel(manager, timed, { model: request.model, provider, sizeModelPath: request.sizeModelPath });
    return { available: true, provider, model, sessionMs };
  } catch (error) {
    if (!(error instanceof ExecutionProviderError)) throw error;
    const failures = (error.details.failures as { reason: string }[] | undefined) ?? [];
    return { available: false, provider, reason: failures.map((f) => f.reason).join('; ') || error.message };
  }
}

export interface ProviderProbe {
  provider: ExecutionProvider;
  available: boolean;
  reason: string | null;
  sessionMs: number | null;
  /** The adapter a GPU provider runs on, where known (see [Note: WebGPU adapter probe]). */
  adapter: ProviderAdapter | null;
}

/** Tries each provider in turn (one session open at a time) and closes what it opened. */
export async function discoverProviders(
  manager: ModelManager,
  backend: InferenceBackend,
  request: ModelRequest,
  providers: readonly ExecutionProvider[] = EXECUTION_PROVIDERS,
): Promise<ProviderProbe[]> {
  const probes: ProviderProbe[] = [];
  for (const provider of providers) {
    const opening = await openOnProvider(manager, backend, request, provider);
    if (opening.available) {
      await opening.model.release();
      probes.push({ provider, available: true, reason: null, sessionMs: opening.sessionMs, adapter: opening.model.session.adapter });
    } else {
      probes.push({ provider, available: false, reason: opening.reason, sessionMs: null, adapter: null });
    }
  }
  return probes;
}
