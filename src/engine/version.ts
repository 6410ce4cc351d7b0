// The engine's version (the app's), written into converted models and run records, and the installed runtime's.
import { createRequire } from 'node:module';
import packageJson from '../../package.json';

export const ENGINE_VERSION: string = packageJson.version;

const require = createRequire(import.meta.url);

/**
 * The installed onnxruntime-node's version, read from its package.json: the runtime itself is loaded only where
 * networks run, never on the main process just to name its version.
 */
export function installedOnnxRuntimeVersion(): string {
  const metadata: unknown = require('onnxruntime-node/package.json');
  const version = (metadata as { version?: unknown }).version;
  return typeof version === 'string' ? version : 'unknown';
}
