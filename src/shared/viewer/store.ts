// A minimal observable store: the renderer's state lives in one, outside React; views subscribe to it (STYLE.md 4).
// Pure, runs anywhere.
//
// [Note: viewer helpers in src/shared] The viewer's pure helpers (this store, undo, label edits, colours, layer
// rendering, viewport) are DOM-free and used only by the renderer, but live in src/shared/viewer because they need
// unit tests: tests are compiled by tsconfig.node.json, which includes src/shared and not src/renderer, and a
// composite project refuses imports from outside its includes.

export interface Store<State> {
  get(): State;
  /** Merges `change` (or what `update` returns for the current state) into the state and notifies subscribers. */
  set(change: Partial<State> | ((state: State) => Partial<State>)): void;
  /** Calls `listener` after every change; returns the function that unsubscribes. */
  subscribe(listener: () => void): () => void;
}

export function createStore<State extends object>(initial: State): Store<State> {
  let state = initial;
  const listeners = new Set<() => void>();
  return {
    get: () => state,
    set(change) {
      const patch = typeof change === 'function' ? change(state) : change;
      state = { ...state, ...patch };
      for (const listener of [...listeners]) listener();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
