// The engine worker's handlers for the model list and for importing model files, by path or as uploaded bytes.
// Node side (the engine worker; see [Note: engine worker] in ../engineService.ts).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, extname, join } from 'node:path';
import type { ModelChoice } from '../../../shared/contract';
import type { EngineWorkspace } from '../workspace';
import { handlerGroup } from './handlerGroup';

/**
 * Registers a model file under its file name, numbered when another file has that name (copied into the cache,
 * with its size model when beside it); importing the same file again gives the model it already is.
 */
async function importModel(workspace: EngineWorkspace, path: string): Promise<ModelChoice> {
  const record = await workspace.modelManager().importModel(path, { numberIfTaken: true });
  return { name: record.name, description: 'your model, imported', available: true, supported: true, unsupportedReason: null };
}

export const modelHandlers = handlerGroup((workspace) => ({
  'models:list': async () => {
    const { models } = await workspace.modelManager().list();
    return models.map((m) => ({
      name: m.name,
      description: m.description,
      available: m.record !== null,
      supported: m.supported,
      unsupportedReason: m.unsupportedReason,
    }));
  },

  'models:import': ({ path }) => importModel(workspace, path),

  /** A model file sent as its bytes (a browser upload): written to a private temporary folder, imported, removed. */
  'models:upload': async ({ name, bytes }) => {
    const fileName = basename(name.replaceAll('\\', '/'));
    const folder = await mkdtemp(join(tmpdir(), 'celldesk-upload-'));
    try {
      const path = join(folder, extname(fileName) === '' ? `${fileName}.pth` : fileName);
      await writeFile(path, bytes);
      return await importModel(workspace, path);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  },
}));
