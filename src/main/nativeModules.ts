// Which better-sqlite3 build the desktop app loads, and the start-up check that it fits this Electron. Pure (paths
// and the check), so tests and the packaging scripts use it without Electron.
//
// [Note: two sqlite builds] better-sqlite3 is a native module built for one runtime ABI (see [Note: native module
// ABI] in src/engine/storage/nativeModule.ts). `npm install` builds it for Node.js, in node_modules, and `npm test`
// and the `celldesk` CLI load that build. The desktop app loads a second build, made for its Electron and kept
// apart: `npm run native:electron` (run before `npm run dev`, `npm start` and `npm run dist`) writes it to
// build/native/electron-v<ABI>-<platform>-<arch>/ from the same sources with @electron/rebuild, never touching
// node_modules, and the installers ship it as resources/native/better_sqlite3.node. The main process names the build
// in CELLDESK_SQLITE_BINDING before the engine starts, and the engine passes it to better-sqlite3 (its
// `nativeBinding` option). electron-builder's own rebuild step stays off: it rebuilds node_modules in place, which
// would leave the tests and the CLI with a module they cannot load.
import { join } from 'node:path';
import { checkNativeModule, nativeModuleFix, type Runtime } from '../engine/storage/nativeModule';

export const SQLITE_MODULE_FILE = 'better_sqlite3.node';

/** Where in a packaged app's resources folder the installers put the Electron build. */
export const PACKAGED_SQLITE_DIR = 'native';

/** The folder `npm run native:electron` writes the Electron build of better-sqlite3 into, under the project root. */
export function electronSqliteDir(projectRoot: string, abi: number | string, platform: string = process.platform, arch: string = process.arch): string {
  return join(projectRoot, 'build', 'native', `electron-v${abi}-${platform}-${arch}`);
}

export interface AppLayout {
  /** Whether this is an installed app (Electron's app.isPackaged). */
  packaged: boolean;
  /** process.resourcesPath */
  resourcesPath: string;
  /** Electron's app.getAppPath(): the project root when run from the sources. */
  appPath: string;
}

/** The better-sqlite3 build this desktop app loads (see [Note: two sqlite builds]). */
export function electronSqliteBinding(layout: AppLayout, runtime: Runtime): string {
  const dir = layout.packaged ? join(layout.resourcesPath, PACKAGED_SQLITE_DIR) : electronSqliteDir(layout.appPath, runtime.abi);
  return join(dir, SQLITE_MODULE_FILE);
}

/** Throws NativeModuleError, with the fix for this kind of install, unless `binding` loads in `runtime`. */
export function checkSqliteBinding(binding: string, runtime: Runtime, packaged: boolean): void {
  checkNativeModule(binding, runtime, nativeModuleFix(runtime, packaged));
}
