// The Segment view's settings: the model (chosen from the catalogue, or imported from a file), the provider,
// Cellpose's parameters and whether runs are recorded in the history (a remembered preference); a threshold change
// asks for a re-threshold. Renderer (DOM-free).
import { SEGMENT_DEFAULTS } from '../../../../shared/contract';
import type { EngineClient } from '../../engineClient';
import type { ModelCatalog } from '../modelCatalog';
import type { Runs } from './runs';
import { showError, type SegmentParameters, type SegmentStore } from './state';

export class Parameters {
  constructor(
    private readonly store: SegmentStore,
    private readonly client: EngineClient,
    private readonly catalog: ModelCatalog,
    private readonly runs: Runs,
  ) {}

  /** Reads the model list, and fills the model field if it is still empty. */
  async loadModels(): Promise<void> {
    try {
      await this.catalog.load();
      this.store.set(({ parameters }) => ({ parameters: { ...parameters, model: this.catalog.chosen(parameters.model) } }));
    } catch (error) {
      showError(this.store, error);
    }
  }

  set(change: Partial<SegmentParameters>): void {
    const before = this.store.get().parameters;
    const parameters = { ...before, ...change };
    this.store.set({ parameters });
    const thresholdsChanged =
      parameters.flowThreshold !== before.flowThreshold || parameters.cellprobThreshold !== before.cellprobThreshold || parameters.minSize !== before.minSize;
    if (thresholdsChanged) this.runs.thresholdsChanged();
    if (parameters.record !== before.record) {
      void this.client.call('preferences:set', { recordSegmentations: parameters.record }).catch((error: unknown) => showError(this.store, error));
    }
  }

  /** The remembered "Record in history" choice. */
  async loadPreferences(): Promise<void> {
    try {
      const { recordSegmentations } = await this.client.call('preferences:get');
      this.store.set(({ parameters }) => ({ parameters: { ...parameters, record: recordSegmentations } }));
    } catch (error) {
      showError(this.store, error);
    }
  }

  /** Puts the settings the view offers back to Cellpose's defaults (channels, diameter and model are kept). */
  resetToDefaults(): void {
    this.set({ ...SEGMENT_DEFAULTS });
  }

  /** Registers a model file, by its path or as uploaded bytes, and selects it; a refused file shows why. */
  async importModel(source: { path: string } | { name: string; bytes: Uint8Array }): Promise<void> {
    if (this.store.get().activity.kind !== 'idle') return;
    this.store.set({ activity: { kind: 'importing' }, error: null, notice: null });
    try {
      const model = 'path' in source ? await this.client.call('models:import', { path: source.path.trim() }) : await this.client.call('models:upload', source);
      await this.catalog.load();
      this.store.set(({ parameters }) => ({ parameters: { ...parameters, model: model.name }, notice: `Imported the model ${model.name}; it is now in the model list.` }));
    } catch (error) {
      showError(this.store, error);
    } finally {
      this.store.set({ activity: { kind: 'idle' } });
    }
  }

  /** The desktop app's dialog for a model file; nothing happens when the user cancels. */
  async chooseAndImportModel(): Promise<void> {
    try {
      const { path } = await this.client.call('models:choose');
      if (path !== null) await this.importModel({ path });
    } catch (error) {
      showError(this.store, error);
    }
  }
}
