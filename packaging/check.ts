// `npm run package:check`: packages the built app (out/) for Linux with electron-builder's `dir` target, exactly as
// `npm run dist` configures it, and checks the result (packaging/inspect.ts). It runs where Electron cannot be
// downloaded: electron-builder packages a stand-in Electron ([Note: stand-in Electron] in standInElectron.ts), and
// the rebuild step is off, so the app ships this Node.js's better-sqlite3 build where an installer ships the Electron
// one, and every native module can be loaded here. Ends with `packaging ok: <size> MB unpacked`. Linux only.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Arch, build, Platform } from 'electron-builder';
import { sqliteBindingPath } from '../src/engine/storage/nativeModule';
import { SQLITE_MODULE_FILE } from '../src/main/nativeModules';
import { builderConfig, LINUX_EXECUTABLE } from './config';
import { checkEntryPoints, checkFuses, checkImports, checkNativeModules, checkOnnxRuntimeBinaries, folderSize, openUnpackedApp } from './inspect';
import { signingFromEnvironment } from './signing';
import { createStandInElectron } from './standInElectron';

const root = join(import.meta.dirname, '..');

/** A finding that fails the check, in words. */
class PackageCheckError extends Error {}

async function packageAndCheck(work: string, appDir: string): Promise<void> {
  const output = join(work, 'dist');
  const nativeDir = join(work, 'native');
  mkdirSync(nativeDir);
  const sqliteModule = join(nativeDir, SQLITE_MODULE_FILE);
  copyFileSync(sqliteBindingPath({}), sqliteModule);
  const config = builderConfig({ sqliteModule, signing: signingFromEnvironment({}), electronDist: createStandInElectron(join(work, 'electron')), output });
  console.log('== electron-builder --linux dir (stand-in Electron, rebuild off)');
  await build({ projectDir: root, config, targets: Platform.LINUX.createTarget('dir', process.arch === 'x64' ? Arch.x64 : Arch.arm64) });

  const app = openUnpackedApp(appDir, LINUX_EXECUTABLE);
  try {
    const problems: string[] = [...checkEntryPoints(app)];
    const imports = checkImports(app);
    console.log(`\n== imports of out/main and out/preload, loaded from app.asar: ${imports.packages.join(', ')}`);
    problems.push(...imports.problems);
    const native = checkNativeModules(app);
    console.log(`== native modules, unpacked and loaded in Node.js ${process.version}:\n${native.modules.map((m) => `   ${m}`).join('\n')}`);
    problems.push(...native.problems);
    const onnx = checkOnnxRuntimeBinaries(app, 'linux', process.arch);
    console.log(`== onnxruntime-node binaries packaged: ${onnx.folders.join(', ')}`);
    problems.push(...onnx.problems);
    const fuses = await checkFuses(app);
    console.log('== fuses read back from the packaged executable: RunAsNode off, cookie encryption on, NODE_OPTIONS off, ASAR integrity on, only app.asar, no file:// privileges');
    problems.push(...fuses);
    if (problems.length > 0) throw new PackageCheckError(`the package has ${problems.length} problem(s):\n${problems.map((p) => `  - ${p}`).join('\n')}`);

    const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
    const asar = app.entries.filter((e) => !e.unpacked).reduce((sum, e) => sum + e.size, 0);
    const unpacked = folderSize(`${app.asar}.unpacked`);
    const total = folderSize(app.dir);
    console.log(`== size: app.asar ${mb(asar)} MB, app.asar.unpacked ${mb(unpacked)} MB, whole app ${mb(total)} MB; Electron's own files (absent from the stand-in) come on top`);
    console.log(`packaging ok: ${mb(total)} MB unpacked`);
  } finally {
    app.close();
  }
}

async function main(): Promise<void> {
  if (process.platform !== 'linux') throw new PackageCheckError('it packages and loads a Linux app, so it runs on Linux only.');
  if (process.arch !== 'x64' && process.arch !== 'arm64') throw new PackageCheckError(`onnxruntime-node has no Linux ${process.arch} build.`);
  if (!existsSync(join(root, 'out', 'main', 'index.js'))) throw new PackageCheckError('out/ has no built app: run `npm run build` first.');
  const work = mkdtempSync(join(tmpdir(), 'celldesk-package-check-'));
  const appDir = join(work, 'dist', process.arch === 'x64' ? 'linux-unpacked' : `linux-${process.arch}-unpacked`);
  try {
    await packageAndCheck(work, appDir);
    rmSync(work, { recursive: true, force: true });
  } catch (error) {
    if (existsSync(appDir)) console.error(`package:check: the packaged app is kept for inspection in ${appDir}`);
    throw error;
  }
}

main().catch((error: unknown) => {
  console.error(`package:check: ${error instanceof PackageCheckError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 1;
});
