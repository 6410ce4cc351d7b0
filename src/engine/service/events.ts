// The contract's events as a service publishes them (the engine's progress, the benchmark's samples): listeners per
// event name, as the renderer's engine client offers them. Runs on the thread that answers calls.
import type { EngineEvents, EventListener, EventName } from '../../shared/contract';

export class EventHub {
  private readonly listeners = new Map<EventName, Set<(payload: never) => void>>();

  /** Calls `listener` with each `name` event; returns the function that stops it. */
  on<E extends EventName>(name: E, listener: EventListener<E>): () => void {
    const set = this.listeners.get(name) ?? new Set();
    this.listeners.set(name, set);
    set.add(listener);
    return () => set.delete(listener);
  }

  emit<E extends EventName>(name: E, payload: EngineEvents[E]): void {
    this.listeners.get(name)?.forEach((listener) => (listener as EventListener<E>)(payload));
  }
}
