// A stand-in for Electron's Linux build, which `npm run package:check` packages instead of the real one. Node side.
//
// [Note: stand-in Electron] npm's `electron` package holds only a script that downloads Electron's binary from
// GitHub (`install-electron`), and electron-builder would download the same archive; machines without internet (these
// and CI) have neither. electron-builder's `electronDist` option takes a folder holding Electron instead, so
// package:check builds one that holds what the packaging steps touch: an executable named `electron`, which
// electron-builder renames to the app's, carrying the fuse wire Electron 45 ships with, so that the fuses step runs on
// it and its result can be read back. The executable only says that it is a stand-in. Everything else Electron
// brings (Chromium's libraries, locales, resources.pak: about 250 MB) is absent, so the sizes package:check prints
// are CellDesk's own, and no window can start from its output.
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** @electron/fuses finds the wire after this marker (its constants.js); version 1, then one byte per fuse. */
export const FUSE_SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';

/**
 * Electron 45's fuses as it ships them, in @electron/fuses' V1 order: RunAsNode on, cookie encryption off,
 * NODE_OPTIONS on, --inspect on, ASAR integrity off, only-app.asar off, browser V8 snapshot off, file:// privileges on.
 */
export const ELECTRON_SHIPPED_FUSES = '10110001';

/** Writes the stand-in into `dir` (created if needed) and returns `dir`. */
export function createStandInElectron(dir: string): string {
  mkdirSync(dir, { recursive: true });
  const executable = join(dir, 'electron');
  const script = [
    '#!/bin/sh',
    '# A stand-in for Electron made by `npm run package:check` (packaging/standInElectron.ts): it cannot run CellDesk.',
    'echo "This is a stand-in for Electron, made to check CellDesk\'s packaging; it cannot start CellDesk." >&2',
    'exit 1',
    `# fuse wire: ${FUSE_SENTINEL}\u0001${String.fromCharCode(ELECTRON_SHIPPED_FUSES.length)}${ELECTRON_SHIPPED_FUSES}`,
    '',
  ].join('\n');
  writeFileSync(executable, script, 'latin1');
  chmodSync(executable, 0o755);
  writeFileSync(join(dir, 'LICENSE'), 'Stand-in for Electron (MIT, https://github.com/electron/electron); see packaging/standInElectron.ts.\n');
  return dir;
}
