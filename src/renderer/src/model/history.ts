// The History view's state and actions, outside React (views subscribe to `store`): the recorded runs, the ones
// picked to overlay on the charts (loaded in full), and export, import and delete. Talks to the engine only through
// an EngineClient. Renderer (DOM-free).
import type { BenchmarkReport, HistoryExportFormat, HistoryListing, ImportResult } from '../../../shared/contract';
import type { Store } from '../../../shared/viewer/store';
import type { EngineClient } from '../engineClient';
import { messageOf } from '../errorText';
import { plural } from '../wording';

export interface HistoryState {
  listing: HistoryListing | null;
  /** Benchmark runs picked, in the order picked. */
  picked: string[];
  /** The picked runs in full, to overlay; follows `picked` once loaded. */
  reports: BenchmarkReport[];
  busy: 'export' | 'import' | 'delete' | null;
  error: string | null;
  /** What the last action did, in a sentence. */
  notice: string | null;
}

function describeImport(result: ImportResult): string {
  const skipped = result.skipped > 0 ? `; ${plural(result.skipped, 'run')} already in the history left as they were` : '';
  return `Imported ${plural(result.benchmarkRuns, 'benchmark run')} and ${plural(result.segmentationRuns, 'segmentation run')}${skipped}.`;
}

export function initialHistoryState(): HistoryState {
  return { listing: null, picked: [], reports: [], busy: null, error: null, notice: null };
}

export class HistoryModel {
  /** Tells apart overlapping loads of the picked runs, so that only the latest one shows. */
  private loadSerial = 0;

  constructor(
    private readonly client: EngineClient,
    readonly store: Store<HistoryState>,
  ) {}

  async refresh(): Promise<void> {
    try {
      const listing = await this.client.call('history:list');
      const known = new Set(listing.benchmarkRuns.map((run) => run.uuid));
      const picked = this.store.get().picked.filter((uuid) => known.has(uuid));
      this.store.set({ listing, picked });
      await this.loadPicked();
    } catch (error) {
      this.store.set({ error: messageOf(error) });
    }
  }

  async toggle(uuid: string): Promise<void> {
    this.store.set(({ picked }) => ({ picked: picked.includes(uuid) ? picked.filter((p) => p !== uuid) : [...picked, uuid] }));
    await this.loadPicked();
  }

  /** The picked runs' file, JSON (to import on another computer) or CSV (for a spreadsheet); null on failure. */
  async exportPicked(format: HistoryExportFormat): Promise<{ fileName: string; bytes: Uint8Array } | null> {
    const { picked } = this.store.get();
    if (picked.length === 0) return null;
    this.store.set({ busy: 'export', error: null });
    try {
      const file = await this.client.call('history:export', { uuids: picked, format });
      this.store.set({ notice: `Exported ${plural(picked.length, 'run')} as ${file.fileName}.` });
      return file;
    } catch (error) {
      this.store.set({ error: messageOf(error) });
      return null;
    } finally {
      this.store.set({ busy: null });
    }
  }

  /** Imports a history export; a damaged file is refused whole by the engine, and its message is shown. */
  async importFile(name: string, bytes: Uint8Array): Promise<void> {
    this.store.set({ busy: 'import', error: null, notice: null });
    try {
      const result = await this.client.call('history:import', { name, bytes });
      // Said once the list shows it.
      await this.refresh();
      this.store.set({ notice: describeImport(result) });
    } catch (error) {
      this.store.set({ error: `${name} was not imported: ${messageOf(error)}` });
    } finally {
      this.store.set({ busy: null });
    }
  }

  async deletePicked(): Promise<void> {
    const { picked } = this.store.get();
    if (picked.length === 0) return;
    this.store.set({ busy: 'delete', error: null });
    try {
      const { deleted } = await this.client.call('history:delete', { uuids: picked });
      this.store.set({ picked: [], reports: [] });
      // Said once the list shows it.
      await this.refresh();
      this.store.set({ notice: `Deleted ${plural(deleted, 'run')}.` });
    } catch (error) {
      this.store.set({ error: messageOf(error) });
    } finally {
      this.store.set({ busy: null });
    }
  }

  dismissError(): void {
    this.store.set({ error: null });
  }

  private async loadPicked(): Promise<void> {
    const serial = ++this.loadSerial;
    const { picked } = this.store.get();
    try {
      const reports = picked.length === 0 ? [] : await this.client.call('history:runs', { uuids: picked });
      if (serial !== this.loadSerial) return;
      const order = new Map(picked.map((uuid, k) => [uuid, k]));
      this.store.set({ reports: [...reports].sort((a, b) => (order.get(a.uuid) ?? 0) - (order.get(b.uuid) ?? 0)) });
    } catch (error) {
      if (serial === this.loadSerial) this.store.set({ error: messageOf(error) });
    }
  }
}
