// Answers `app:info`: CellDesk's version and the runtime and machine it runs on. Main process (or any Node process).
import { createRequire } from 'node:module';
import type { AppInfo } from '../../shared/contract';

const require = createRequire(import.meta.url);

/**
 * The installed onnxruntime-node's version, read from its package.json: the runtime itself is loaded only where
 * networks run, never on the main process just to name its version.
 */
function onnxRuntimeVersion(): string {
  const metadata: unknown = require('onnxruntime-node/package.json');
  const version = (metadata as { version?: unknown }).version;
  return typeof version === 'string' ? version : 'unknown';
}

export function readAppInfo(appVersion: string): AppInfo {
  return {
    version: appVersion,
    onnxruntime: onnxRuntimeVersion(),
    node: process.versions.node,
    electron: process.versions.electron ?? null,
    chrome: process.versions.chrome ?? null,
    platform: process.platform,
    arch: process.arch,
  };
}
