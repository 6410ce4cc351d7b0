// Test helper: waiting for a model's store to reach a state, for actions that end later (a call in flight, a
// delayed re-threshold or draft save), without sleeping for a guessed time.
import type { Store } from '../../src/shared/viewer/store';

/** Resolves with the state once `reached` holds (at once if it already does); fails after `timeoutMs` saying `what`. */
export function until<State>(store: Store<State>, reached: (state: State) => boolean, what: string, timeoutMs = 120_000): Promise<State> {
  return new Promise((resolve, reject) => {
    if (reached(store.get())) return resolve(store.get());
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`waited ${timeoutMs / 1000} s for ${what}; the state is ${JSON.stringify(store.get(), (_key, value: unknown) => (ArrayBuffer.isView(value) ? `[${value.constructor.name}]` : value instanceof Set ? [...value] : value))}`));
    }, timeoutMs);
    const stop = store.subscribe(() => {
      if (!reached(store.get())) return;
      clearTimeout(timer);
      stop();
      resolve(store.get());
    });
  });
}
