// Bundles the `celldesk` command and the GPU run's Node scripts into plain ES modules for the device machine, which
// has no Node.js toolchain and takes at most 64 MiB of files: tsx and esbuild (which run the TypeScript sources
// here) would cost 13 MB there, so the sources are bundled here instead, with esbuild, and only the native packages
// (onnxruntime-node, better-sqlite3) stay outside, loaded from a pruned node_modules beside the bundles. The
// command is bin/celldesk.js itself, its tsx hook made a no-op. Run by stage.sh (Node, here).
//   node bench/gpu/bundle.mjs <out dir>
import { build } from 'esbuild';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const [outdir] = process.argv.slice(2);
if (outdir === undefined) throw new Error('bundle.mjs needs the output folder');

/** bin/celldesk.js registers tsx before importing the TypeScript CLI; in a bundle the CLI is already JavaScript. */
const noTsx = {
  name: 'no-tsx',
  setup(b) {
    b.onResolve({ filter: /^tsx\/esm\/api$/ }, () => ({ path: 'tsx-register', namespace: 'no-tsx' }));
    b.onLoad({ filter: /.*/, namespace: 'no-tsx' }, () => ({ contents: 'export function register() {}', loader: 'js' }));
  },
};

const result = await build({
  absWorkingDir: root,
  entryPoints: {
    celldesk: 'bin/celldesk.js',
    celldeskFacts: 'bench/gpu/celldeskFacts.ts',
    webgpuChecks: 'bench/gpu/webgpuChecks.ts',
    syntheticImageNpy: 'bench/gpu/syntheticImageNpy.ts',
    runReport: 'bench/gpu/runReport.ts',
  },
  outdir,
  outExtension: { '.js': '.mjs' },
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // `celldesk serve` builds the renderer with electron-vite and vite, imported when it starts; the device run never
  // serves, so they stay out (serve fails there, saying which package is missing).
  external: ['onnxruntime-node', 'better-sqlite3', 'electron-vite', 'vite'],
  plugins: [noTsx],
  legalComments: 'none',
  // Every 100 KB counts against the call's 64 MiB; names stay, so a stack trace from the device still reads.
  minifyWhitespace: true,
  minifySyntax: true,
  // Bundled CommonJS packages call require(), which an ES module lacks.
  banner: { js: "import { createRequire as __celldeskRequire } from 'node:module'; const require = __celldeskRequire(import.meta.url);" },
  logLevel: 'warning',
  metafile: true,
});
const bytes = Object.values(result.metafile.outputs).reduce((sum, output) => sum + output.bytes, 0);
process.stdout.write(`bundled ${Object.keys(result.metafile.outputs).length} files, ${(bytes / 1e6).toFixed(2)} MB, into ${outdir}\n`);
