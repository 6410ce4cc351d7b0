// The checks `npm run package:check` runs on an unpacked Linux app (electron-builder's `dir` output): what is in
// app.asar, what is unpacked beside it, what loads, and which fuses are set. Each check returns the problems it
// found, in words. Node side (packaging scripts); ldd makes it Linux-only.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, posix, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { extractAll, getRawHeader } from '@electron/asar';
import { FuseV1Options, getCurrentFuseWire } from '@electron/fuses';
import { moduleAbiOf } from '../src/engine/storage/nativeModule';

export interface AsarEntry {
  /** Path inside the archive, with forward slashes and no leading slash. */
  path: string;
  size: number;
  /** Kept outside the archive, in app.asar.unpacked. */
  unpacked: boolean;
}

interface HeaderNode {
  files?: Record<string, HeaderNode>;
  size?: number;
  unpacked?: boolean;
  link?: string;
}

/** Every file an asar archive lists, packed or unpacked. */
export function asarEntries(archive: string): AsarEntry[] {
  const entries: AsarEntry[] = [];
  const walk = (node: HeaderNode, prefix: string) => {
    for (const [name, child] of Object.entries(node.files ?? {})) {
      const path = prefix === '' ? name : `${prefix}/${name}`;
      if (child.files !== undefined) walk(child, path);
      else if (child.link === undefined) entries.push({ path, size: child.size ?? 0, unpacked: child.unpacked === true });
    }
  };
  walk(getRawHeader(archive).header as HeaderNode, '');
  return entries;
}

// `import`, `export` and `require` as statements or calls of their own, not parts of other names ('history:import',
// x.require); module names hold no quotes or white space.
const IMPORT_PATTERNS = [
  /(?<![\w$.:'"])import\s*(?:[\w*${}\s,]+?\s*from\s*)?["']([^"'\s]+)["']/g,
  /(?<![\w$.:'"])export\s*(?:\*(?:\s*as\s+\w+)?|\{[^}]*\})\s*from\s*["']([^"'\s]+)["']/g,
  /(?<![\w$.:'"])import\s*\(\s*["']([^"'\s]+)["']\s*\)/g,
  /(?<![\w$.:'"])require\s*\(\s*["']([^"'\s]+)["']\s*\)/g,
];

/** The module specifiers a built JavaScript file imports or requires with a literal name, in order, each once. */
export function importedSpecifiers(source: string): string[] {
  const found = IMPORT_PATTERNS.flatMap((pattern) => [...source.matchAll(pattern)].map((match) => ({ at: match.index, specifier: match[1]! })));
  return [...new Set(found.sort((a, b) => a.at - b.at).map((entry) => entry.specifier))];
}

/** Whether a specifier names a package to find in node_modules (not a relative file, a Node built-in or Electron). */
export function isPackageSpecifier(specifier: string): boolean {
  if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('node:') || specifier === 'electron') return false;
  return !builtinModules.includes(specifier.split('/')[0]!);
}

/** The shared libraries ldd lists for a file: name, and where it resolved (null: not found). */
export function parseLdd(output: string): { library: string; path: string | null }[] {
  return output
    .split('\n')
    .map((line) => /^\s*(\S+)\s+=>\s+(not found|\S+)/.exec(line))
    .filter((match): match is RegExpExecArray => match !== null)
    .map((match) => ({ library: match[1]!, path: match[2] === 'not found' ? null : match[2]! }));
}

export interface UnpackedApp {
  /** The folder electron-builder wrote (linux-unpacked). */
  dir: string;
  executable: string;
  resources: string;
  asar: string;
  entries: AsarEntry[];
  /** A copy of the archive's contents, unpacked files included, to read and load from; removed by close(). */
  extracted: string;
  close(): void;
}

export function openUnpackedApp(dir: string, executableName: string): UnpackedApp {
  const resources = join(dir, 'resources');
  const asar = join(resources, 'app.asar');
  const extracted = mkdtempSync(join(tmpdir(), 'celldesk-asar-'));
  extractAll(asar, extracted);
  const close = () => rmSync(extracted, { recursive: true, force: true });
  return { dir, executable: join(dir, executableName), resources, asar, entries: asarEntries(asar), extracted, close };
}

/** The app's entry points: package.json's main, the preload, and the page with every asset it names. */
export function checkEntryPoints(app: UnpackedApp): string[] {
  const listed = new Set(app.entries.map((entry) => entry.path));
  const main = (JSON.parse(readFileSync(join(app.extracted, 'package.json'), 'utf8')) as { main?: string }).main ?? '';
  const wanted = [posix.normalize(main), 'out/preload/index.cjs', 'out/renderer/index.html'];
  if (listed.has('out/renderer/index.html')) {
    const page = readFileSync(join(app.extracted, 'out/renderer/index.html'), 'utf8');
    wanted.push(...[...page.matchAll(/(?:src|href)="\.\/([^"]+)"/g)].map((match) => `out/renderer/${match[1]!}`));
  }
  return wanted.filter((path) => !listed.has(path)).map((path) => `app.asar lacks ${path}, which the app loads`);
}

/**
 * Every module the built main process, preload and workers import: relative files must be in the archive, and
 * packages must resolve inside the archive (not in this repository's node_modules) and load under plain Node.js
 * from its extracted copy. Returns the packages it loaded and the problems.
 */
export function checkImports(app: UnpackedApp): { packages: string[]; problems: string[] } {
  const problems: string[] = [];
  const listed = new Set(app.entries.map((entry) => entry.path));
  const built = app.entries.filter((entry) => /^out\/(main|preload)\/.+\.(c|m)?js$/.test(entry.path));
  const packages = new Set<string>();
  for (const file of built) {
    for (const specifier of importedSpecifiers(readFileSync(join(app.extracted, file.path), 'utf8'))) {
      if (specifier.startsWith('.')) {
        const target = posix.normalize(posix.join(posix.dirname(file.path), specifier));
        if (!listed.has(target)) problems.push(`${file.path} imports ${specifier}, which app.asar lacks`);
      } else if (isPackageSpecifier(specifier)) {
        packages.add(specifier);
      }
    }
  }
  const sorted = [...packages].sort();
  problems.push(...loadPackages(app.extracted, sorted));
  return { packages: sorted, problems };
}

/** Imports each package from the extracted archive's out/main, in a fresh Node.js that sees nothing outside it. */
function loadPackages(root: string, packages: string[]): string[] {
  const probe = join(root, 'out', 'main', 'package-check-probe.mjs');
  writeFileSync(
    probe,
    [
      'const problems = [];',
      `const root = ${JSON.stringify(pathToFileURL(root).href)};`,
      `for (const name of ${JSON.stringify(packages)}) {`,
      '  try {',
      '    const url = import.meta.resolve(name);',
      '    if (!url.startsWith(root + "/")) problems.push(`${name} resolves outside the app, to ${url}`);',
      '    else await import(name);',
      '  } catch (error) {',
      '    problems.push(`${name} does not load from the app: ${String(error?.message ?? error).split("\\n")[0]}`);',
      '  }',
      '}',
      'console.log(JSON.stringify(problems));',
    ].join('\n'),
  );
  const run = spawnSync(process.execPath, [probe], { cwd: root, encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '', HOME: root } });
  if (run.status !== 0) return [`the import probe failed: ${run.stderr.trim()}`];
  return JSON.parse(run.stdout.trim().split('\n').at(-1)!) as string[];
}

/**
 * Every native module of the app (.node files in app.asar, and the database library in resources/native) lies
 * unpacked on disk, links only libraries found beside it or on the system, and loads in plain Node.js from there
 * (package:check ships this Node's better-sqlite3 build in place of the Electron one). Returns what it loaded.
 */
export function checkNativeModules(app: UnpackedApp): { modules: string[]; problems: string[] } {
  const problems: string[] = [];
  const inArchive = app.entries.filter((entry) => entry.path.endsWith('.node'));
  for (const entry of inArchive.filter((e) => !e.unpacked)) problems.push(`${entry.path} is inside app.asar; native modules must be unpacked`);
  for (const entry of app.entries.filter((e) => /\.(so(\.\d+)*|dylib|dll)$/.test(e.path) && !e.unpacked)) {
    problems.push(`${entry.path} is inside app.asar; the libraries native modules load must be unpacked beside them`);
  }
  const files = [
    ...inArchive.filter((entry) => entry.unpacked).map((entry) => join(`${app.asar}.unpacked`, entry.path)),
    join(app.resources, 'native', 'better_sqlite3.node'),
  ];
  for (const file of files) {
    const name = relative(app.dir, file);
    if (!existsSync(file)) {
      problems.push(`${name} is missing`);
      continue;
    }
    const abi = moduleAbiOf(readFileSync(file));
    if (abi.kind === 'unknown') problems.push(`${name} is not a Node.js native module`);
    const ldd = spawnSync('ldd', [file], { encoding: 'utf8' });
    if (ldd.status !== 0) {
      problems.push(`${name} is not a library of this system (ldd: ${(ldd.stdout + ldd.stderr).trim()})`);
      continue;
    }
    const links = parseLdd(ldd.stdout);
    for (const link of links.filter((l) => l.path === null)) problems.push(`${name} links ${link.library}, which is neither beside it nor on the system`);
    const shipped = links.filter((l) => l.path !== null && l.path.startsWith(app.dir));
    for (const link of shipped.filter((l) => dirname(l.path!) !== dirname(file))) {
      problems.push(`${name} loads ${link.library} from ${relative(app.dir, link.path!)}, not from beside it`);
    }
    const load = spawnSync(process.execPath, ['-e', 'require(process.argv[1])', file], { cwd: tmpdir(), encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '' } });
    if (load.status !== 0) problems.push(`${name} does not load in Node.js: ${load.stderr.trim().split('\n').find((line) => line.includes('Error')) ?? load.stderr.trim()}`);
  }
  return { modules: files.map((file) => relative(app.dir, file)), problems };
}

/** Only the target's onnxruntime-node binaries are in the app: its bin folder holds exactly `<platform>/<arch>`. */
export function checkOnnxRuntimeBinaries(app: UnpackedApp, platform: string, arch: string): { folders: string[]; problems: string[] } {
  const prefix = 'node_modules/onnxruntime-node/bin/napi-v6/';
  const folders = [...new Set(app.entries.filter((e) => e.path.startsWith(prefix)).map((e) => e.path.slice(prefix.length).split('/').slice(0, 2).join('/')))].sort();
  const expected = `${platform}/${arch}`;
  const problems = folders.filter((folder) => folder !== expected).map((folder) => `onnxruntime-node's ${folder} binaries are packaged for a ${expected} app`);
  if (!folders.includes(expected)) problems.push(`onnxruntime-node's ${expected} binaries are missing`);
  return { folders, problems };
}

/** The fuses [Note: fuses] in packaging/config.ts asks for, read back from the packaged executable. */
export async function checkFuses(app: UnpackedApp): Promise<string[]> {
  const wire = await getCurrentFuseWire(app.executable);
  const ENABLE = 49;
  const DISABLE = 48;
  const wanted: [FuseV1Options, number, string][] = [
    [FuseV1Options.RunAsNode, DISABLE, 'RunAsNode off'],
    [FuseV1Options.EnableCookieEncryption, ENABLE, 'cookie encryption on'],
    [FuseV1Options.EnableNodeOptionsEnvironmentVariable, DISABLE, 'NODE_OPTIONS off'],
    [FuseV1Options.EnableEmbeddedAsarIntegrityValidation, ENABLE, 'ASAR integrity validation on'],
    [FuseV1Options.OnlyLoadAppFromAsar, ENABLE, 'only-load-app-from-asar on'],
    [FuseV1Options.GrantFileProtocolExtraPrivileges, DISABLE, 'file:// extra privileges off'],
  ];
  const fuses = wire as unknown as Record<number, number>;
  return wanted.filter(([fuse, state]) => fuses[fuse] !== state).map(([, , name]) => `the packaged executable's fuses lack ${name}`);
}

/** Bytes of every file under `dir`. */
export function folderSize(dir: string): number {
  const sizes = execFileSync('find', [dir, '-type', 'f', '-printf', '%s\\n'], { encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
  return sizes.split('\n').reduce((sum, line) => sum + (line === '' ? 0 : Number(line)), 0);
}
