// Opens a model for segmentation: resolves a name or path, converts a checkpoint once, starts the sessions and
// reads the size model. Node side (CLI, Electron worker, browser-mode server).
import type { ExecutionProviderChoice, InferenceBackend, ProviderFailure } from '../backend/types';
import type { SizeModel } from '../checkpoint/sizeModel';
import { CellDeskError } from '../errors';
import { inspectSizeModelFile } from '../models/inspect';
import type { ModelManager, ResolvedModel } from '../models/modelManager';
import type { SegmentationModel } from '../pipeline/segment';
import { prepareNetwork } from './networkFiles';

export interface OpenModelRequest {
  /** Catalogue name, registered name, or a model file's path. */
  model: string;
  provider: ExecutionProviderChoice;
  /** A size model file that overrides the one found with the model. */
  sizeModelPath?: string;
  threads?: number;
}

export interface OpenedModel extends SegmentationModel {
  resolved: ResolvedModel;
  sizeModelPath: string | null;
  fallbackReasons: ProviderFailure[];
  release(): Promise<void>;
}

/**
 * The size model, or why it cannot be used. Only estimating the diameter needs it, so a bad one is kept as its
 * error, raised when a diameter is to be estimated, and never stops a segmentation at a given diameter.
 */
async function readSizeModel(path: string): Promise<{ sizeModel?: SizeModel; sizeModelError?: CellDeskError }> {
  try {
    return { sizeModel: await inspectSizeModelFile(path, 'It is needed only to estimate the diameter: give the diameter instead, or replace the file.') };
  } catch (error) {
    if (!(error instanceof CellDeskError)) throw error;
    return { sizeModelError: error };
  }
}

export async function openModel(manager: ModelManager, backend: InferenceBackend, request: OpenModelRequest): Promise<OpenedModel> {
  const resolved = await manager.resolve(request.model);
  const network = await prepareNetwork(resolved.path, manager.paths.onnxDir);
  if (resolved.name !== null && resolved.onnxPath !== network.onnxPath) manager.registry.setOnnxPath(resolved.name, network.onnxPath);
  const sizeModelPath = request.sizeModelPath ?? resolved.sizeModelPath;
  const size = sizeModelPath === null ? {} : await readSizeModel(sizeModelPath);

  // Official Cellpose ignores a built-in model's stored diam_mean (17 for nuclei, 30 otherwise); the catalogue knows it.
  const architecture =
    resolved.source === 'catalogue' && resolved.diamMean !== null ? { ...network.architecture, diamMean: resolved.diamMean } : network.architecture;
  const session = await backend.createSession({ model: network.onnxPath, provider: request.provider, threads: request.threads });
  const styleSession =
    network.styleOnnxPath === network.onnxPath
      ? session
      : await backend.createSession({ model: network.styleOnnxPath, provider: session.executionProvider, threads: request.threads });
  return {
    session,
    styleSession,
    architecture,
    ...size,
    resolved,
    sizeModelPath,
    fallbackReasons: session.fallbackReasons,
    async release() {
      await session.release();
      if (styleSession !== session) await styleSession.release();
    },
  };
}
