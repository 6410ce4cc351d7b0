// Starts a worker thread from a script that may be TypeScript (running from sources: CLI, tests) or the desktop app's
// bundled JavaScript. Node side.
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

/** A worker running `script` with `workerData`; a TypeScript script is loaded through tsx's loader, registered inside the worker. */
export function startWorker(script: string, workerData: unknown): Worker {
  if (!script.endsWith('.ts')) return new Worker(script, { workerData });
  const bootstrap = [
    `import { register } from ${JSON.stringify(import.meta.resolve('tsx/esm/api'))};`,
    'register();',
    `await import(${JSON.stringify(pathToFileURL(script).href)});`,
  ].join('\n');
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(bootstrap)}`), { workerData });
}
