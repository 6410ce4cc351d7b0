// Test helper: waiting for a model's store to reach a state, for actions that end later (a call in flight, a
// delayed re-threshold or draft save), without sleeping for a guessed time.
import type { Store } from '../../src/shared/viewer/store';

/** The state as JSON, typed arrays and lists of more than 10 items summarized, cut at 2,000 characters. */
function describe(state: unknown): string {
  const json = JSON.stringify(state, (_key, value: unknown) => {
    if (ArrayBuffer.isView(value)) return `[${value.constructor.name}]`;
    const items = value instanceof Set ? [...value] : value;
    return Array.isArray(items) && items.length > 10 ? `[${items.length} items]` : items;
  });
  return json.length > 2000 ? `${json.slice(0, 2000)}…` : json;
}

/** Resolves with the state once `reached` holds (at once if it already does); fails after `timeoutMs` saying `what`. */
export function until<State>(store: Store<State>, reached: (state: State) => boolean, what: string, timeoutMs = 120_000): Promise<State> {
  return new Promise((resolve, reject) => {
    if (reached(store.get())) return resolve(store.get());
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`waited ${timeoutMs / 1000} s for ${what}; the state begins ${describe(store.get())}`));
    }, timeoutMs);
    const stop = store.subscribe(() => {
      if (!reached(store.get())) return;
      clearTimeout(timer);
      stop();
      resolve(store.get());
    });
  });
}
