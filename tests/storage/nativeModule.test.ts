// The database library's native module, checked against the runtime loading it ([Note: native module ABI] in
// src/engine/storage/nativeModule.ts, [Note: two sqlite builds] in src/main/nativeModules.ts): the ABI read from the
// real better-sqlite3 and onnxruntime-node files, a mismatch told as such with its fix, and a module that does not
// load never reported as a damaged database.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase } from '../../src/engine/storage/database';
import {
  checkNativeModule,
  currentRuntime,
  moduleAbiOf,
  NativeModuleError,
  SQLITE_BINDING_ENV,
  sqliteBindingPath,
} from '../../src/engine/storage/nativeModule';
import { checkSqliteBinding, electronSqliteBinding } from '../../src/main/nativeModules';
import { tempDir } from '../helpers/cli';
import { rejectsWithCode } from '../helpers/errors';
import { REPO_ROOT } from '../helpers/shared';

const NODE_SQLITE = sqliteBindingPath({});
const ORT_BINDING = join(REPO_ROOT, 'node_modules/onnxruntime-node/bin/napi-v6', process.platform, process.arch, 'onnxruntime_binding.node');
const ELECTRON_45 = { name: 'Electron 45.4.1', abi: 150 };

/** A copy of the installed better-sqlite3 module whose exported registration names another ABI, as a build for another runtime does. */
function moduleBuiltFor(abi: number): string {
  const bytes = readFileSync(NODE_SQLITE);
  const from = Buffer.from(`node_register_module_v${process.versions.modules}`);
  const to = Buffer.from(`node_register_module_v${abi}`);
  assert.equal(from.length, to.length, 'the test swaps names of equal length');
  for (let at = bytes.indexOf(from); at >= 0; at = bytes.indexOf(from, at + 1)) to.copy(bytes, at);
  const file = join(tempDir('native-abi'), 'better_sqlite3.node');
  writeFileSync(file, bytes);
  return file;
}

test("reads the ABI the installed better-sqlite3 was built for: this Node.js's", () => {
  assert.deepEqual(moduleAbiOf(readFileSync(NODE_SQLITE)), { kind: 'node', version: Number(process.versions.modules) });
  assert.doesNotThrow(() => checkNativeModule(NODE_SQLITE, currentRuntime()));
});

test('onnxruntime-node is a Node-API module, which loads in any runtime, Electron included', () => {
  assert.deepEqual(moduleAbiOf(readFileSync(ORT_BINDING)), { kind: 'napi' });
  assert.doesNotThrow(() => checkNativeModule(ORT_BINDING, ELECTRON_45));
});

test('the Node.js build under Electron is a mismatch, told with both versions and how to fix it, not as a damaged database', () => {
  const runtime = ELECTRON_45;
  assert.throws(
    () => checkSqliteBinding(NODE_SQLITE, runtime, false),
    (error: unknown) => {
      assert.ok(error instanceof NativeModuleError);
      assert.equal(error.code, 'NATIVE_MODULE_MISMATCH');
      assert.equal(
        error.message,
        `CellDesk's database library (${NODE_SQLITE}) was built for native-module version ${process.versions.modules}, but Electron 45.4.1 needs version 150. ` +
          "Your images, models and history are not affected. Run `npm run native:electron` in CellDesk's folder, which builds it for Electron.",
      );
      assert.deepEqual(error.details, { file: NODE_SQLITE, runtime: 'Electron 45.4.1', runtimeAbi: 150, moduleAbi: Number(process.versions.modules) });
      assert.doesNotMatch(error.message, /move it aside|damaged/);
      return true;
    },
  );
  assert.throws(() => checkSqliteBinding(NODE_SQLITE, runtime, true), /Reinstall CellDesk from its installer\.$/);
});

test('a build for Electron, checked under Node.js, is a mismatch the other way round', () => {
  const electronBuild = moduleBuiltFor(150);
  assert.deepEqual(moduleAbiOf(readFileSync(electronBuild)), { kind: 'node', version: 150 });
  assert.throws(() => checkNativeModule(electronBuild, currentRuntime()), (error: unknown) => {
    assert.ok(error instanceof NativeModuleError && error.code === 'NATIVE_MODULE_MISMATCH', String(error));
    assert.match(error.message, /built for native-module version 150, but Node\.js .* needs version \d+\./);
    assert.match(error.message, /npm rebuild better-sqlite3/);
    return true;
  });
  assert.doesNotThrow(() => checkNativeModule(electronBuild, ELECTRON_45));
});

test('a missing build or a file that is not a native module is reported as such', () => {
  const missing = join(tempDir('native-missing'), 'better_sqlite3.node');
  assert.throws(() => checkNativeModule(missing, ELECTRON_45), (error: unknown) => error instanceof NativeModuleError && error.code === 'NATIVE_MODULE_MISSING');
  const text = join(tempDir('native-text'), 'better_sqlite3.node');
  writeFileSync(text, 'not a library');
  assert.throws(() => checkNativeModule(text, ELECTRON_45), /could not load its database library .*it is not a native module/);
});

test('the desktop app loads its own Electron build: from the installed resources, or from build/native when run from the sources', () => {
  const layout = { resourcesPath: '/opt/CellDesk/resources', appPath: '/home/dev/celldesk' };
  assert.equal(electronSqliteBinding({ ...layout, packaged: true }, ELECTRON_45), join('/opt/CellDesk/resources', 'native', 'better_sqlite3.node'));
  assert.equal(
    electronSqliteBinding({ ...layout, packaged: false }, ELECTRON_45),
    join('/home/dev/celldesk', 'build', 'native', `electron-v150-${process.platform}-${process.arch}`, 'better_sqlite3.node'),
  );
});

test('opening the database with a database library that does not load says so and leaves the database file alone', async () => {
  const home = tempDir('native-db');
  const file = join(home, 'celldesk.db');
  const broken = join(home, 'better_sqlite3.node');
  writeFileSync(broken, 'not a library');
  const unloadable = await rejectsWithCode(() => openDatabase(file, undefined, { [SQLITE_BINDING_ENV]: broken }), 'NATIVE_MODULE_UNLOADABLE');
  assert.match(unloadable.message, /^CellDesk could not load its database library .*better_sqlite3\.node \(.+\)\. Your images, models and history are not affected\./);
  const missing = await rejectsWithCode(() => openDatabase(file, undefined, { [SQLITE_BINDING_ENV]: join(home, 'absent.node') }), 'NATIVE_MODULE_MISSING');
  assert.doesNotMatch(missing.message, /move it aside/);
  assert.throws(() => readFileSync(file), { code: 'ENOENT' }, 'no database file was created or touched');

  // The same database opens with the module this Node.js loads.
  copyFileSync(NODE_SQLITE, join(home, 'good.node'));
  const db = openDatabase(file, undefined, { [SQLITE_BINDING_ENV]: join(home, 'good.node') });
  db.close();
});
