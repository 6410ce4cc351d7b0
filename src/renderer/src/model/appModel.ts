// The renderer's state in one plain store outside React, a slice per view, and the models that act on it (STYLE.md
// 4): main.tsx creates them over the engine client it picked, Node's tests over an in-process one. Views read a
// slice through useStore and call the models. Renderer (DOM-free).
import { createStore, type Store } from '../../../shared/viewer/store';
import type { EngineClient } from '../engineClient';
import { BatchModel, initialBatchState, type BatchState } from './batch';
import { BenchmarkModel, initialBenchmarkState, type BenchmarkState } from './benchmark';
import { HistoryModel, initialHistoryState, type HistoryState } from './history';
import { initialCatalogState, ModelCatalog, type CatalogState } from './modelCatalog';
import { createSegmentModel, type SegmentModel, type SegmentTiming } from './segment/segmentModel';
import { initialSegmentState, type SegmentState } from './segment/state';

export interface AppState {
  catalog: CatalogState;
  segment: SegmentState;
  benchmark: BenchmarkState;
  batch: BatchState;
  history: HistoryState;
}

export interface AppModel {
  store: Store<AppState>;
  catalog: ModelCatalog;
  segment: SegmentModel;
  benchmark: BenchmarkModel;
  batch: BatchModel;
  history: HistoryModel;
}

/**
 * The part of `store` under `key`, as a store of its own: a change merges into that part, and its subscribers hear
 * only of changes to it.
 */
export function sliceOf<State extends object, K extends keyof State>(store: Store<State>, key: K): Store<State[K]> {
  type Slice = State[K];
  const current = () => store.get()[key] as Slice;
  return {
    get: current,
    set(change) {
      store.set((state) => {
        const part = state[key] as Slice;
        return { [key]: { ...part, ...(typeof change === 'function' ? change(part) : change) } } as unknown as Partial<State>;
      });
    },
    subscribe(listener) {
      let seen = current();
      return store.subscribe(() => {
        if (current() === seen) return;
        seen = current();
        listener();
      });
    },
  };
}

export function createAppModel(client: EngineClient, timing?: SegmentTiming): AppModel {
  const store = createStore<AppState>({
    catalog: initialCatalogState(),
    segment: initialSegmentState(),
    benchmark: initialBenchmarkState(),
    batch: initialBatchState(),
    history: initialHistoryState(),
  });
  const catalog = new ModelCatalog(client, sliceOf(store, 'catalog'));
  const history = new HistoryModel(client, sliceOf(store, 'history'));
  const segment = createSegmentModel(client, sliceOf(store, 'segment'), catalog, timing);
  return {
    store,
    catalog,
    segment,
    // A finished benchmark run is in the history: the History view lists it without being reopened.
    benchmark: new BenchmarkModel(client, sliceOf(store, 'benchmark'), catalog, () => void history.refresh()),
    // Batches segment with the Segment view's settings, and open their results in it.
    batch: new BatchModel(client, sliceOf(store, 'batch'), segment, () => void history.refresh()),
    history,
  };
}
