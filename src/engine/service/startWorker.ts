// Starts a worker thread from a script that may be TypeScript (running from sources: CLI, tests) or the desktop app's
// bundled JavaScript, and adapts worker threads' ports to the RPC's Transport (rpc.ts). Node side.
import { pathToFileURL } from 'node:url';
import { Worker, type MessagePort } from 'node:worker_threads';
import type { WorkerStart } from '../../shared/workerMessages';
import type { Transport } from './rpc';

/** A service's worker running `script` with its start-up data (see startScriptWorker). */
export function startWorker(script: string, start: WorkerStart): Worker {
  return startScriptWorker(script, start);
}

/** A worker thread running `script` with `workerData`; a TypeScript script is loaded through tsx, registered inside the worker. */
export function startScriptWorker(script: string, workerData: unknown): Worker {
  if (!script.endsWith('.ts')) return new Worker(script, { workerData });
  const bootstrap = [
    `import { register } from ${JSON.stringify(import.meta.resolve('tsx/esm/api'))};`,
    'register();',
    `await import(${JSON.stringify(pathToFileURL(script).href)});`,
  ].join('\n');
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(bootstrap)}`), { workerData });
}

/** Either end of a worker thread as the RPC's transport. */
export function portTransport(port: Worker | MessagePort): Transport {
  return {
    postMessage: (message) => port.postMessage(message),
    onMessage: (listener) => {
      port.on('message', listener);
      return () => port.off('message', listener);
    },
  };
}
