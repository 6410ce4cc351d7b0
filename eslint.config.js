// Lint rules, including the layer rules of ../shared/STYLE.md: the engine imports nothing above it.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const engineBans = {
  paths: [
    { name: 'electron', message: 'The engine runs without Electron; put Electron glue in src/main.' },
    { name: 'react', message: 'The engine knows nothing of the UI.' },
  ],
  patterns: [
    { group: ['**/main/**', '**/renderer/**', '**/preload/**', '**/cli/**'], message: 'The engine imports nothing above it.' },
  ],
};

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
    files: ['src/engine/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          ...engineBans,
          paths: [
            ...engineBans.paths,
            { name: 'onnxruntime-node', message: 'Only src/engine/backend/onnxruntime.ts imports onnxruntime.' },
            { name: 'onnxruntime-common', message: 'Only src/engine/backend/onnxruntime.ts imports onnxruntime.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/engine/backend/onnxruntime.ts'],
    rules: { 'no-restricted-imports': ['error', engineBans] },
  },
  {
    // Pure stages: no file system, no network, no processes.
    files: ['src/engine/core/**/*.ts', 'src/engine/checkpoint/**/*.ts', 'src/engine/formats/**/*.ts', 'src/engine/image/**/*.ts', 'src/engine/onnx/**/*.ts', 'src/engine/sessionFile/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          ...engineBans,
          paths: [
            ...engineBans.paths,
            { name: 'onnxruntime-node', message: 'Pure stages never touch the runtime.' },
            ...['fs', 'node:fs', 'fs/promises', 'node:fs/promises', 'http', 'node:http', 'https', 'node:https', 'child_process', 'node:child_process'].map((name) => ({
              name,
              message: 'Pure stages do no I/O; read files in src/engine/io.',
            })),
          ],
        },
      ],
    },
  },
);
