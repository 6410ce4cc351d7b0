// The pieces `npm run package:check` and `npm run dist` are built from (packaging/): reading a bundle's imports,
// ldd's report, the stand-in Electron's fuse wire, and signing read from the environment.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { FuseV1Options, flipFuses, FuseVersion, getCurrentFuseWire } from '@electron/fuses';
import { importedSpecifiers, isPackageSpecifier, parseLdd } from '../../packaging/inspect';
import { describeSigning, signingFromEnvironment } from '../../packaging/signing';
import { createStandInElectron, ELECTRON_SHIPPED_FUSES } from '../../packaging/standInElectron';
import { tempDir } from '../helpers/cli';
import { REPO_ROOT } from '../helpers/shared';

test('reads every module a bundle imports with a literal name, and only those', () => {
  const bundle = [
    'import { app, BrowserWindow } from "electron";',
    'import * as ort from "onnxruntime-node";',
    "import BetterSqlite3 from 'better-sqlite3';",
    'import "./chunks/side-effect.js";',
    'import{z as zod}from"zod";',
    'export { encode } from "fast-png";',
    'const worker = await import("./chunks/worker-2e3c528b.js");',
    'const fs = require("node:fs"), sqlite = require( "better-sqlite3" );',
    'const tsx = import.meta.resolve("tsx/esm/api");',
    'const dynamic = await import(name);',
    'const text = "import nothing from here";',
    "const handlers = { 'history:import': ({ name }) => load('x'), 'models:import': () => call()(strictObject({ a: 'b' })) };",
    'engine.import("not-a-module"); loader.require("neither");',
  ].join('\n');
  assert.deepEqual(importedSpecifiers(bundle), ['electron', 'onnxruntime-node', 'better-sqlite3', './chunks/side-effect.js', 'zod', 'fast-png', './chunks/worker-2e3c528b.js', 'node:fs']);
  assert.deepEqual(
    ['electron', 'node:fs', 'fs/promises', 'worker_threads', './a.js', '/abs.js', 'zod', '@scope/pkg/sub', 'onnxruntime-node'].filter(isPackageSpecifier),
    ['zod', '@scope/pkg/sub', 'onnxruntime-node'],
  );
});

test("reads ldd's report of the installed onnxruntime binding (Linux): libonnxruntime resolves beside it", () => {
  const binding = join(REPO_ROOT, 'node_modules/onnxruntime-node/bin/napi-v6/linux', process.arch, 'onnxruntime_binding.node');
  const links = parseLdd(execFileSync('ldd', [binding], { encoding: 'utf8' }));
  const onnxruntime = links.find((link) => link.library.startsWith('libonnxruntime.so'));
  assert.ok(onnxruntime !== undefined && onnxruntime.path !== null, JSON.stringify(links));
  assert.equal(dirname(onnxruntime.path), dirname(binding));
  assert.deepEqual(parseLdd('\tlinux-vdso.so.1 (0x00007ffd)\n\tlibmissing.so.2 => not found\n\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x1)\n'), [
    { library: 'libmissing.so.2', path: null },
    { library: 'libc.so.6', path: '/lib/x86_64-linux-gnu/libc.so.6' },
  ]);
});

test("the stand-in Electron carries Electron's shipped fuse wire, which @electron/fuses reads and flips", async () => {
  const executable = join(createStandInElectron(tempDir('stand-in')), 'electron');
  const shipped = (await getCurrentFuseWire(executable)) as unknown as Record<number, number>;
  assert.deepEqual(Object.values(shipped).filter((v) => typeof v === 'number').map((state) => String.fromCharCode(state)).join(''), ELECTRON_SHIPPED_FUSES);
  await flipFuses(executable, { version: FuseVersion.V1, [FuseV1Options.RunAsNode]: false, [FuseV1Options.OnlyLoadAppFromAsar]: true });
  const flipped = (await getCurrentFuseWire(executable)) as unknown as Record<number, number>;
  assert.equal(String.fromCharCode(flipped[FuseV1Options.RunAsNode]!), '0');
  assert.equal(String.fromCharCode(flipped[FuseV1Options.OnlyLoadAppFromAsar]!), '1');
  assert.equal(String.fromCharCode(flipped[FuseV1Options.EnableNodeCliInspectArguments]!), '1', 'fuses not asked for keep their state');
});

test('signs with what the environment provides and skips what it lacks', () => {
  assert.deepEqual(signingFromEnvironment({}), { mac: 'ad-hoc', notarize: false, windows: false });
  assert.deepEqual(signingFromEnvironment({ CSC_LINK: 'cert.p12', APPLE_ID: 'a@b.c', APPLE_APP_SPECIFIC_PASSWORD: 'x', APPLE_TEAM_ID: 'T' }), {
    mac: 'certificate',
    notarize: true,
    windows: true,
  });
  assert.deepEqual(signingFromEnvironment({ CSC_NAME: 'Developer ID', APPLE_API_KEY: 'k.p8', APPLE_API_KEY_ID: '' }), { mac: 'certificate', notarize: false, windows: false });
  assert.deepEqual(signingFromEnvironment({ WIN_CSC_LINK: 'cert.pfx' }), { mac: 'ad-hoc', notarize: false, windows: true });
  assert.match(describeSigning(signingFromEnvironment({}), 'darwin'), /signed ad hoc, not notarised/);
  assert.match(describeSigning(signingFromEnvironment({}), 'win32'), /unsigned/);
});
