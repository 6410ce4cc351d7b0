// How a file of engine handlers declares them: one function per contract call, keyed by the call's name and typed
// from its declaration, over the worker's one EngineWorkspace. Node side (the engine worker).
import type { EngineCall, WorkerHandlers } from '../../../shared/contract';
import type { EngineWorkspace } from '../workspace';

export type EngineHandlers = WorkerHandlers<EngineCall>;

/** The handlers of one job; `build` returns them as an object whose keys are the calls they answer. */
export function handlerGroup<K extends EngineCall>(build: (workspace: EngineWorkspace) => WorkerHandlers<K>) {
  return build;
}
