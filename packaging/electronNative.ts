// `npm run native:electron` (and before `npm run dev`, `npm start`, `npm run dist`): builds better-sqlite3 for this
// machine's Electron into build/native/electron-v<ABI>-<platform>-<arch>/, from the sources npm installed, leaving
// node_modules' Node.js build to the tests and the CLI ([Note: two sqlite builds] in src/main/nativeModules.ts).
// Does nothing when that build is already there for the installed better-sqlite3. Needs internet the first time:
// @electron/rebuild fetches better-sqlite3's prebuilt binary for Electron, or Electron's headers to compile it.
// Node side.
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { rebuild } from '@electron/rebuild';
import { checkNativeModule, moduleAbiOf } from '../src/engine/storage/nativeModule';
import { electronSqliteDir, SQLITE_MODULE_FILE } from '../src/main/nativeModules';

const root = join(import.meta.dirname, '..');
const require = createRequire(import.meta.url);
const readJson = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as { version: string };

export interface ElectronTarget {
  version: string;
  abi: number;
}

/** The Electron this project packages: the `electron` devDependency, and its ABI as that package records it. */
export function installedElectron(): ElectronTarget {
  const packageDir = dirname(require.resolve('electron/package.json'));
  return { version: readJson(join(packageDir, 'package.json')).version, abi: Number(readFileSync(join(packageDir, 'abi_version'), 'utf8').trim()) };
}

/** Builds (when needed) and returns better-sqlite3's module for `electron` on this platform and architecture. */
export async function ensureElectronSqlite(electron: ElectronTarget = installedElectron()): Promise<string> {
  const sourceDir = dirname(require.resolve('better-sqlite3/package.json'));
  const sqliteVersion = readJson(join(sourceDir, 'package.json')).version;
  const targetDir = electronSqliteDir(root, electron.abi);
  const target = join(targetDir, SQLITE_MODULE_FILE);
  const stampFile = join(targetDir, 'build.json');
  const stamp = { betterSqlite3: sqliteVersion, electron: electron.version };
  const runtime = { name: `Electron ${electron.version}`, abi: electron.abi };
  if (existsSync(stampFile) && readFileSync(stampFile, 'utf8') === JSON.stringify(stamp)) {
    checkNativeModule(target, runtime);
    console.log(`better-sqlite3 ${sqliteVersion} for Electron ${electron.version} is built: ${target}`);
    return target;
  }

  console.log(`Building better-sqlite3 ${sqliteVersion} for Electron ${electron.version} (ABI ${electron.abi}, ${process.platform}-${process.arch})...`);
  // @electron/rebuild rebuilds a project's node_modules in place, so it is given a project of its own: a copy of
  // better-sqlite3's sources without the Node.js build.
  const scratch = mkdtempSync(join(tmpdir(), 'celldesk-electron-sqlite-'));
  try {
    const copy = join(scratch, 'node_modules', 'better-sqlite3');
    cpSync(sourceDir, copy, { recursive: true, filter: (path) => !path.startsWith(join(sourceDir, 'build')) });
    writeFileSync(join(scratch, 'package.json'), JSON.stringify({ name: 'celldesk-native', private: true, dependencies: { 'better-sqlite3': sqliteVersion } }));
    await rebuild({ buildPath: scratch, electronVersion: electron.version, arch: process.arch, onlyModules: ['better-sqlite3'], force: true });
    const built = join(copy, 'build', 'Release', SQLITE_MODULE_FILE);
    const abi = moduleAbiOf(readFileSync(built));
    if (abi.kind !== 'node' || abi.version !== electron.abi) {
      const what = abi.kind === 'node' ? `native-module version ${abi.version}` : 'no known native-module version';
      throw new Error(`the module built has ${what}, not Electron's ${electron.abi}: it was compiled against other headers than Electron's, which could not be downloaded.`);
    }
    mkdirSync(targetDir, { recursive: true });
    copyFileSync(built, target);
    writeFileSync(stampFile, JSON.stringify(stamp));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(
      `Could not build better-sqlite3 for Electron ${electron.version}: ${reason}\n` +
        "This needs internet access (better-sqlite3's prebuilt binary for Electron, or Electron's headers) and, to compile, " +
        "a C++ toolchain (node-gyp's requirements). The tests and the celldesk command do not need this build.",
      { cause: error },
    );
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  console.log(`Built ${target}`);
  return target;
}

if (import.meta.filename === process.argv[1]) {
  ensureElectronSqlite().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
