// The models the Segment and Benchmark views offer (catalogue, registered and imported), one list for both views,
// reloaded after an import or a download so that both list the new model; and the download of an official model,
// with its progress and cancel. Renderer (DOM-free).
import type { ModelChoice, ModelDownloadProgress } from '../../../shared/contract';
import type { Store } from '../../../shared/viewer/store';
import type { EngineClient } from '../engineClient';
import { codeOf, messageOf } from '../errorText';

/** A download asked for: the model, and how far its current file has got (null before the first bytes). */
export interface ModelDownload {
  name: string;
  progress: ModelDownloadProgress | null;
  cancelling: boolean;
}

export interface CatalogState {
  models: ModelChoice[];
  download: ModelDownload | null;
  /** How the last download ended, in a sentence, for the model it was for; null while none has ended. */
  downloadOutcome: { name: string; ok: boolean; message: string } | null;
}

export function initialCatalogState(): CatalogState {
  return { models: [], download: null, downloadOutcome: null };
}

export class ModelCatalog {
  constructor(
    private readonly client: EngineClient,
    readonly store: Store<CatalogState>,
  ) {
    client.on('models:progress', (progress) => {
      const { download } = this.store.get();
      if (download?.name === progress.name) this.store.set({ download: { ...download, progress } });
    });
  }

  /** Asks the engine for the list again; a failure is thrown for the view that asked to say. */
  async load(): Promise<ModelChoice[]> {
    const models = await this.client.call('models:list');
    this.store.set({ models });
    return models;
  }

  /** The list, asked for the first time it is needed. */
  async loaded(): Promise<ModelChoice[]> {
    const { models } = this.store.get();
    return models.length > 0 ? models : this.load();
  }

  /**
   * What a view's model field holds once the list is known: what the user chose, or (when empty) the first model
   * ready to use, else cyto3, which the engine downloads on first use.
   */
  chosen(current: string): string {
    if (current !== '') return current;
    const { models } = this.store.get();
    return (models.find((m) => m.available && m.supported) ?? models.find((m) => m.name === 'cyto3'))?.name ?? '';
  }

  /** Brings an official model onto this computer (one download at a time); the outcome is said in `downloadOutcome`. */
  async download(name: string): Promise<void> {
    if (this.store.get().download !== null) return;
    this.store.set({ download: { name, progress: null, cancelling: false }, downloadOutcome: null });
    try {
      const model = await this.client.call('models:download', { name });
      this.store.set(({ models }) => ({
        models: models.map((m) => (m.name === name ? model : m)),
        downloadOutcome: { name, ok: true, message: `Downloaded ${name}; it is on this computer now.` },
      }));
    } catch (error) {
      const message = codeOf(error) === 'DOWNLOAD_CANCELLED' ? `The download of ${name} was cancelled.` : messageOf(error);
      this.store.set({ downloadOutcome: { name, ok: false, message } });
    } finally {
      this.store.set({ download: null });
    }
  }

  async cancelDownload(): Promise<void> {
    const { download } = this.store.get();
    if (download === null || download.cancelling) return;
    this.store.set({ download: { ...download, cancelling: true } });
    await this.client.call('models:cancelDownload', { name: download.name });
  }
}
