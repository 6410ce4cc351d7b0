// Answers `app:info`: CellDesk's version and the runtime and machine it runs on. Main process (or any Node process).
import { installedOnnxRuntimeVersion } from '../engine/version';
import type { AppInfo } from '../shared/contract';

export function readAppInfo(appVersion: string): AppInfo {
  return {
    version: appVersion,
    onnxruntime: installedOnnxRuntimeVersion(),
    node: process.versions.node,
    electron: process.versions.electron ?? null,
    chrome: process.versions.chrome ?? null,
    platform: process.platform,
    arch: process.arch,
  };
}
