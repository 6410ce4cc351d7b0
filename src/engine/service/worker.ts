// Entry of the engine's worker thread: answers the service's calls with the engine handlers, over one
// EngineWorkspace per worker. See [Note: engine worker] in engineService.ts.
import { createEngineHandlers } from './engineHandlers';
import { serveCalls } from './rpc';
import { portTransport, workerSide } from './startWorker';
import { EngineWorkspace } from './workspace';

const { start, port } = workerSide('src/engine/service/worker.ts');
const workspace = new EngineWorkspace(start.env);
serveCalls(createEngineHandlers(workspace), portTransport(port));
port.on('close', () => void workspace.close());
