// The models the Segment and Benchmark views offer (catalogue, registered and imported), one list for both views,
// reloaded after an import so that both list the new model. Renderer (DOM-free).
import type { ModelChoice } from '../../../shared/contract';
import type { Store } from '../../../shared/viewer/store';
import type { EngineClient } from '../engineClient';

export interface CatalogState {
  models: ModelChoice[];
}

export function initialCatalogState(): CatalogState {
  return { models: [] };
}

export class ModelCatalog {
  constructor(
    private readonly client: EngineClient,
    readonly store: Store<CatalogState>,
  ) {}

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
}
