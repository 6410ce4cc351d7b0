// Entry of the engine's host: answers the engine service's calls with the engine handlers over one EngineWorkspace,
// in whichever host the service started it: a worker thread (the CLI's and the browser mode's), an Electron utility
// process (the desktop app's) or a Node child process. See [Note: engine host] in engineService.ts.
import { createEngineHandlers } from './engineHandlers';
import { hostSide } from './hostSide';
import { serveCalls } from './rpc';
import { EngineWorkspace } from './workspace';

const host = hostSide('src/engine/service/engineHost.ts');
const workspace = new EngineWorkspace(host.env);
const stop = serveCalls(createEngineHandlers(workspace), host.transport, async () => {
  await workspace.close().catch((error: unknown) => console.error('CellDesk: the engine did not release everything as it stopped:', error));
  host.exit();
});
host.onParentGone(stop);
