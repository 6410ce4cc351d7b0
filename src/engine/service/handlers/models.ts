// The engine worker's handlers for the model list, downloading official models, and importing model files, by path
// or as uploaded bytes. Node side (the engine worker; see [Note: engine worker] in ../engineService.ts).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, extname, join } from 'node:path';
import type { CatalogueEntry } from '../../models/catalogue';
import type { ModelListing } from '../../models/modelManager';
import type { ModelChoice } from '../../../shared/contract';
import type { EngineWorkspace } from '../workspace';
import { handlerGroup } from './handlerGroup';

/** What downloading a catalogue model brings, when each of its files has a published size. */
function publishedBytes(entry: CatalogueEntry | undefined): number | null {
  if (entry === undefined || !entry.supported) return null;
  const files = entry.sizeModel === null ? [entry.checkpoint] : [entry.checkpoint, entry.sizeModel];
  return files.every((file) => file.bytes !== undefined) ? files.reduce((sum, file) => sum + file.bytes!, 0) : null;
}

function toChoice(model: ModelListing, entry: CatalogueEntry | undefined): ModelChoice {
  const available = model.record !== null;
  return {
    name: model.name,
    description: model.description,
    available,
    supported: model.supported,
    unsupportedReason: model.unsupportedReason,
    downloadBytes: available ? null : publishedBytes(entry),
  };
}

async function listModels(workspace: EngineWorkspace): Promise<ModelChoice[]> {
  const manager = workspace.modelManager();
  const { models } = await manager.list();
  return models.map((model) => toChoice(model, manager.catalogueEntry(model.name)));
}

/**
 * Registers a model file under its file name, numbered when another file has that name (copied into the cache,
 * with its size model when beside it); importing the same file again gives the model it already is.
 */
async function importModel(workspace: EngineWorkspace, path: string): Promise<ModelChoice> {
  const record = await workspace.modelManager().importModel(path, { numberIfTaken: true });
  return { name: record.name, description: 'your model, imported', available: true, supported: true, unsupportedReason: null, downloadBytes: null };
}

export const modelHandlers = handlerGroup((workspace) => {
  /** The downloads running, by model name, each caller's own (see [Note: trustworthy downloads]: they share one transfer). */
  const downloads = new Map<string, Set<AbortController>>();
  return {
    'models:list': () => listModels(workspace),

    'models:download': async ({ name }, { signal, onProgress }) => {
      const controller = new AbortController();
      const stop = () => controller.abort();
      signal.addEventListener('abort', stop, { once: true });
      const running = downloads.get(name) ?? new Set();
      downloads.set(name, running.add(controller));
      try {
        await workspace.modelManager().download(name, {
          signal: controller.signal,
          onProgress: ({ url, receivedBytes, totalBytes }) => {
            void onProgress({ name, file: decodeURIComponent(url.slice(url.lastIndexOf('/') + 1)), receivedBytes, totalBytes });
          },
        });
        return (await listModels(workspace)).find((model) => model.name === name)!;
      } finally {
        signal.removeEventListener('abort', stop);
        running.delete(controller);
        if (running.size === 0) downloads.delete(name);
      }
    },

    'models:cancelDownload': ({ name }) => {
      const running = downloads.get(name);
      running?.forEach((controller) => controller.abort());
      return { cancelled: running !== undefined };
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
  };
});
