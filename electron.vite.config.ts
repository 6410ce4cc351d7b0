// Build of the desktop app with electron-vite: main process, preload script and React renderer, into out/.
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';
import type { Plugin, Rollup } from 'vite';

/**
 * zod's sources carry comments Rollup cannot attach (INVALID_ANNOTATION) and drops; harmless, and a dozen lines of
 * them per build would bury the warnings that matter.
 */
function onwarn(warning: Rollup.RollupLog, warn: Rollup.LoggingFunction): void {
  if (warning.code === 'INVALID_ANNOTATION' && warning.id?.includes('/node_modules/zod/')) return;
  warn(warning);
}

/**
 * Under `electron-vite dev` only: lets the page run the inline script and inline styles Vite's dev server injects
 * (React Fast Refresh preamble, hot-reloaded CSS). The built app keeps index.html's strict policy.
 */
function devServerContentSecurityPolicy(): Plugin {
  return {
    name: 'celldesk:dev-server-csp',
    apply: 'serve',
    transformIndexHtml(html) {
      const relaxed = html
        .replace("script-src 'self'", "script-src 'self' 'unsafe-inline'")
        .replace("style-src 'self'", "style-src 'self' 'unsafe-inline'");
      if (relaxed === html) throw new Error("index.html's Content-Security-Policy no longer has the expected directives");
      return relaxed;
    },
  };
}

export default defineConfig({
  main: {
    // Dependencies stay in node_modules and are loaded at run time: native modules (onnxruntime-node,
    // better-sqlite3) cannot be bundled.
    build: { externalizeDeps: true },
  },
  preload: {
    build: {
      // [Note: sandboxed preload] A sandboxed preload is one CommonJS script that can require only `electron` and a
      // few Node built-ins, so its dependencies (zod, through the contract) are bundled in and the output is CJS
      // even though the package is ESM.
      externalizeDeps: false,
      rollupOptions: { output: { format: 'cjs', entryFileNames: '[name].cjs' }, onwarn },
    },
  },
  renderer: {
    plugins: [react(), devServerContentSecurityPolicy()],
    build: { rollupOptions: { onwarn } },
  },
});
