// Runs every tests/**/*.test.ts (or those under the folders given) with Node's test runner and tsx.
// Node 20 neither expands globs nor finds .ts tests by itself, hence this script.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const roots = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['tests'];
const files = roots
  .flatMap((root) => (root.endsWith('.test.ts') ? [root] : readdirSync(root, { recursive: true }).map((f) => join(root, String(f)))))
  .filter((f) => f.endsWith('.test.ts'))
  .sort();
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', ...files], { stdio: 'inherit' });
process.exit(result.status ?? 1);
