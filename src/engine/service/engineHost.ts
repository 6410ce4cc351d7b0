// Entry of the engine's host: answers the engine service's calls with the engine handlers over one EngineWorkspace,
// in whichever host the service started it: a worker thread (the CLI's and the browser mode's), an Electron utility
// process (the desktop app's) or a Node child process. See [Note: engine host] in engineService.ts.
import type { EngineCall, WorkerHandlers } from '../../shared/contract';
import { createEngineHandlers } from './engineHandlers';
import { hostSide } from './hostSide';
import { serveCalls } from './rpc';
import { EngineWorkspace } from './workspace';

const host = hostSide('src/engine/service/engineHost.ts');
const workspace = new EngineWorkspace(host.env);
/** The handlers, answering with label images as runs (see [Note: label runs] in src/shared/arrayRuns.ts). */
function answeringWithRuns(handlers: WorkerHandlers<EngineCall>): WorkerHandlers<EngineCall> {
  const packed: Record<string, (input: never, hooks: never) => Promise<unknown>> = {};
  for (const [name, handler] of Object.entries(handlers)) {
    packed[name] = async (input, hooks) => workspace.runsAhead.pack(await (handler as (input: never, hooks: never) => unknown)(input, hooks));
  }
  return packed as unknown as WorkerHandlers<EngineCall>;
}

const stop = serveCalls(answeringWithRuns(createEngineHandlers(workspace)), host.transport, async () => {
  await workspace.close().catch((error: unknown) => console.error('CellDesk: the engine did not release everything as it stopped:', error));
  host.exit();
});
host.onParentGone(stop);
