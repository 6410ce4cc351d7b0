// Which runtime a native module (.node file) was built for, read from the file without loading it, and the typed
// error CellDesk raises when its database library does not fit the runtime loading it. Node side (CLI, workers,
// Electron main).
//
// [Note: native module ABI] better-sqlite3 is compiled against one runtime's C++ ABI ("NODE_MODULE_VERSION": 115 for
// Node.js 20, 150 for Electron 45). Loaded by another runtime it fails before any database file is touched, so that
// failure must never be reported as a damaged database, whose advice is to move the file aside. A module built on
// Node's C++ API exports `node_register_module_v<ABI>`; one built on Node-API (onnxruntime-node) exports
// `napi_register_module_v1` and loads in any runtime. Reading that name from the file tells which runtime a module
// is for without loading it. Which build each runtime loads: [Note: two sqlite builds] in src/main/nativeModules.ts.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { CellDeskError } from '../errors';

/** Set by the desktop app to the better-sqlite3 build for its Electron; unset, better-sqlite3 finds its own. */
export const SQLITE_BINDING_ENV = 'CELLDESK_SQLITE_BINDING';

/** What a native module's file says it needs. */
export type ModuleAbi = { kind: 'node'; version: number } | { kind: 'napi' } | { kind: 'unknown' };

/** The runtime loading native modules: its name as a user knows it and its NODE_MODULE_VERSION. */
export interface Runtime {
  name: string;
  abi: number;
}

const NODE_MARKER = Buffer.from('node_register_module_v');
const NAPI_MARKER = Buffer.from('napi_register_module_v');

/** The ABI a native module's bytes declare (ELF, PE and Mach-O all keep exported names as plain text). */
export function moduleAbiOf(bytes: Uint8Array): ModuleAbi {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const at = buffer.indexOf(NODE_MARKER);
  if (at >= 0) {
    let end = at + NODE_MARKER.length;
    while (end < buffer.length && buffer[end]! >= 0x30 && buffer[end]! <= 0x39) end++;
    const version = Number(buffer.subarray(at + NODE_MARKER.length, end).toString('latin1'));
    if (end > at + NODE_MARKER.length && Number.isSafeInteger(version)) return { kind: 'node', version };
  }
  return buffer.includes(NAPI_MARKER) ? { kind: 'napi' } : { kind: 'unknown' };
}

/** This process: Electron when it runs inside Electron, else Node.js. */
export function currentRuntime(): Runtime {
  const electron = process.versions['electron'];
  return { name: electron === undefined ? `Node.js ${process.versions.node}` : `Electron ${electron}`, abi: Number(process.versions.modules) };
}

/** What a user does to get a database library that fits `runtime`; `packaged`: an installed desktop app. */
export function nativeModuleFix(runtime: Runtime, packaged = false): string {
  if (packaged) return 'Reinstall CellDesk from its installer.';
  if (runtime.name.startsWith('Electron')) return "Run `npm run native:electron` in CellDesk's folder, which builds it for Electron.";
  return "Run `npm rebuild better-sqlite3` in CellDesk's folder, which builds it for this Node.js.";
}

type Problem = { kind: 'mismatch'; built: number } | { kind: 'missing' } | { kind: 'unloadable'; reason: string };

function describe(file: string, runtime: Runtime, problem: Problem): string {
  switch (problem.kind) {
    case 'mismatch':
      return `CellDesk's database library (${file}) was built for native-module version ${problem.built}, but ${runtime.name} needs version ${runtime.abi}.`;
    case 'missing':
      return `CellDesk's database library is missing (${file}).`;
    case 'unloadable':
      return `CellDesk could not load its database library ${file} (${problem.reason}).`;
  }
}

/** The database library (better-sqlite3's native module) cannot be loaded by this runtime. See [Note: native module ABI]. */
export class NativeModuleError extends CellDeskError {
  constructor(file: string, runtime: Runtime, problem: Problem, fix: string, cause?: unknown) {
    const code = problem.kind === 'mismatch' ? 'NATIVE_MODULE_MISMATCH' : problem.kind === 'missing' ? 'NATIVE_MODULE_MISSING' : 'NATIVE_MODULE_UNLOADABLE';
    super(
      code,
      `${describe(file, runtime, problem)} Your images, models and history are not affected. ${fix}`,
      { file, runtime: runtime.name, runtimeAbi: runtime.abi, ...(problem.kind === 'mismatch' ? { moduleAbi: problem.built } : {}) },
      cause === undefined ? undefined : { cause },
    );
  }
}

/** The problem with `file` for `runtime`, read from the file; null when it fits. */
function inspect(file: string, runtime: Runtime): Problem | null {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT' || code === 'ENOTDIR' ? { kind: 'missing' } : { kind: 'unloadable', reason: `it cannot be read: ${code ?? 'unknown reason'}` };
  }
  const abi = moduleAbiOf(bytes);
  if (abi.kind === 'node' && abi.version !== runtime.abi) return { kind: 'mismatch', built: abi.version };
  if (abi.kind === 'unknown') return { kind: 'unloadable', reason: 'it is not a native module' };
  return null;
}

/** Throws NativeModuleError when the native module `file` is missing or built for another runtime than `runtime`. */
export function checkNativeModule(file: string, runtime: Runtime = currentRuntime(), fix: string = nativeModuleFix(runtime)): void {
  const problem = inspect(file, runtime);
  if (problem !== null) throw new NativeModuleError(file, runtime, problem, fix);
}

/** The better-sqlite3 module this process loads: the desktop app's choice, else the package's own Release build. */
export function sqliteBindingPath(env: NodeJS.ProcessEnv = process.env): string {
  const chosen = env[SQLITE_BINDING_ENV];
  if (chosen !== undefined && chosen !== '') return chosen;
  const packageDir = dirname(createRequire(import.meta.url).resolve('better-sqlite3/package.json'));
  return join(packageDir, 'build', 'Release', 'better_sqlite3.node');
}

/**
 * Whether an error from `new Database(...)` is better-sqlite3's native module failing to load, before any database
 * file is touched: the module is required there, and nothing else is (its JavaScript was loaded on import).
 */
export function isNativeLoadFailure(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ERR_DLOPEN_FAILED' || code === 'MODULE_NOT_FOUND') return true;
  return error instanceof Error && error.message.startsWith('Could not locate the bindings file');
}

/** The typed error for a native-module load failure of `file`: mismatch or missing when the file says so, else its reason. */
export function explainNativeLoadFailure(file: string, error: unknown, runtime: Runtime = currentRuntime()): NativeModuleError {
  const reason = (error instanceof Error ? error.message : String(error)).split('\n')[0]!;
  const problem = inspect(file, runtime) ?? { kind: 'unloadable', reason };
  return new NativeModuleError(file, runtime, problem, nativeModuleFix(runtime), error);
}
