// Lint rules, including the layer rules of ../shared/STYLE.md: what each folder of src/ (and packaging/) may import,
// written once in LAYERS below (CONTRIBUTING.md's layout table says the same in words), and checked on every import.
import { isBuiltin } from 'node:module';
import { dirname, relative, resolve } from 'node:path';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const ROOT = import.meta.dirname;

/**
 * [Note: layers] The folders of src/ form layers, each importing only the ones below it: the pure leaves (the
 * engine's numeric core and its error classes), then src/shared (the contract and pure helpers), then the rest of the
 * engine, then src/host (what hosts the engine for a window: router, browser-mode server, services), then the
 * programs (src/main, src/cli). The preload sees only the contract; the renderer only the contract and the pure leaves.
 * A file belongs to the longest `folder` that holds it; `imports` are folders or files of the repository (a folder
 * covers everything under it), `packages` are npm packages and Node built-ins ('node:*'), '*' ending a name matches
 * any rest.
 */
export const LAYERS = [
  { folder: 'src/engine/errors.ts', imports: [], packages: [] },
  { folder: 'src/engine/core', imports: ['src/engine/core', 'src/engine/errors.ts'], packages: [] },
  { folder: 'src/shared', imports: ['src/shared', 'src/engine/core', 'src/engine/errors.ts'], packages: ['zod'] },
  {
    folder: 'src/engine',
    imports: ['src/engine', 'src/shared', 'package.json'],
    packages: ['node:*', 'zod', 'better-sqlite3', 'onnxruntime-node', 'fflate', 'fast-png', 'jpeg-js', 'protobufjs'],
  },
  { folder: 'src/host', imports: ['src/host', 'src/engine', 'src/shared'], packages: ['node:*'] },
  { folder: 'src/main', imports: ['src/main', 'src/host', 'src/engine', 'src/shared'], packages: ['node:*', 'electron', 'zod'] },
  { folder: 'src/cli', imports: ['src/cli', 'src/host', 'src/engine', 'src/shared'], packages: ['node:*', 'vite', 'electron-vite'] },
  { folder: 'src/preload', imports: ['src/preload', 'src/shared'], packages: ['electron'] },
  {
    folder: 'src/renderer',
    imports: ['src/renderer', 'src/shared', 'src/engine/core', 'src/engine/errors.ts'],
    packages: ['react', 'react-dom', '@mantine/*', 'plotly.js-dist-min'],
  },
  // The installers' scripts (run with tsx, never bundled): the app's names and native-module rules, and the build tools.
  {
    folder: 'packaging',
    imports: ['packaging', 'src/engine', 'src/main'],
    packages: ['node:*', 'electron-builder', '@electron/*', 'playwright-core'],
  },
];

const withoutTs = (path) => path.replace(/\.ts$/, '');
const inside = (path, folder) => path === withoutTs(folder) || path.startsWith(`${withoutTs(folder)}/`);

/** The package an import names ('react-dom/client' -> 'react-dom', 'fs' -> 'node:fs'), or null for a relative one. */
function packageOf(source) {
  if (source.startsWith('.') || source.startsWith('/')) return null;
  if (isBuiltin(source)) return source.startsWith('node:') ? source : `node:${source}`;
  const parts = source.split('/');
  return source.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

const allows = (patterns, name) => patterns.some((pattern) => (pattern.endsWith('*') ? name.startsWith(pattern.slice(0, -1)) : name === pattern));

const layerRule = {
  meta: { type: 'problem', schema: [], docs: { description: 'Each folder of src/ imports only what LAYERS in eslint.config.js allows it.' } },
  create(context) {
    const file = relative(ROOT, context.filename).split('\\').join('/');
    const layer = LAYERS.filter((l) => inside(withoutTs(file), l.folder)).sort((a, b) => b.folder.length - a.folder.length)[0];
    if (layer === undefined) return {};
    const check = (node) => {
      if (node.source?.type !== 'Literal' || typeof node.source.value !== 'string') return;
      const source = node.source.value.replace(/\?.*$/, '');
      const name = packageOf(source);
      if (name !== null) {
        if (!allows(layer.packages, name)) {
          context.report({ node, message: `${layer.folder} may not import the package ${name}; it may import ${layer.packages.join(', ') || 'no package'} (see LAYERS in eslint.config.js).` });
        }
        return;
      }
      const target = withoutTs(relative(ROOT, resolve(dirname(context.filename), source)).split('\\').join('/'));
      if (!layer.imports.some((folder) => inside(target, folder))) {
        context.report({ node, message: `${layer.folder} may not import ${target}; it may import ${layer.imports.join(', ') || 'nothing of the repository'} (see LAYERS in eslint.config.js).` });
      }
    };
    return { ImportDeclaration: check, ExportNamedDeclaration: check, ExportAllDeclaration: check, ImportExpression: check };
  },
};

const PURE_STAGE_IO = ['fs', 'node:fs', 'fs/promises', 'node:fs/promises', 'http', 'node:http', 'https', 'node:https', 'child_process', 'node:child_process'];

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', '.celldesk-home/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  { files: ['**/*.{js,mjs,cjs}'], languageOptions: { globals: globals.node } },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/**/*.{ts,tsx}', 'packaging/**/*.ts'],
    plugins: { celldesk: { rules: { layers: layerRule } } },
    rules: { 'celldesk/layers': 'error' },
  },
  {
    // Within the engine's layer: one module talks to the runtime, and the pure stages do no I/O.
    files: ['src/engine/**/*.ts'],
    ignores: ['src/engine/backend/onnxruntime.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['onnxruntime-node', 'onnxruntime-common'].map((name) => ({ name, message: 'Only src/engine/backend/onnxruntime.ts imports onnxruntime.' })),
        },
      ],
    },
  },
  {
    files: ['src/engine/core/**/*.ts', 'src/engine/checkpoint/**/*.ts', 'src/engine/formats/**/*.ts', 'src/engine/image/**/*.ts', 'src/engine/onnx/**/*.ts', 'src/engine/sessionFile/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'onnxruntime-node', message: 'Pure stages never touch the runtime.' },
            ...PURE_STAGE_IO.map((name) => ({ name, message: 'Pure stages do no I/O; read files in src/engine/io.' })),
          ],
        },
      ],
    },
  },
);
