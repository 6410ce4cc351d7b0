// React's view of a store (src/shared/viewer/store.ts): a component re-renders when its selected value changes.
import { useSyncExternalStore } from 'react';
import type { Store } from '../../shared/viewer/store';

export function useStore<State, Selected>(store: Store<State>, select: (state: State) => Selected): Selected {
  return useSyncExternalStore(store.subscribe, () => select(store.get()));
}
