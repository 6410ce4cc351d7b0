// The one way the browser tests, `npm run bench:viewer` and the screenshot script find and start a headless
// Chromium: CHROMIUM_PATH if set, else a system Chromium or Chrome, else the one @sparticuz/chromium ships inside its
// npm package, so `npm install && npm test` needs no browser installed by hand. Node side.
import { accessSync, closeSync, constants, openSync, readSync, realpathSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { unpackSparticuzChromium, withLibraryDir } from './sparticuz';

/** CHROMIUM_PATH's value that asks for the npm package's Chromium even where a system one exists. */
export const NPM_CHROMIUM = '@sparticuz/chromium';

export interface ChromiumExecutable {
  path: string;
  /** Where it was found, for messages. */
  source: 'CHROMIUM_PATH' | 'system' | typeof NPM_CHROMIUM;
  /** Environment the browser needs (the npm package's NSS libraries). */
  env?: NodeJS.ProcessEnv;
}

const SYSTEM_NAMES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable', 'chrome'];

function systemPaths(env: NodeJS.ProcessEnv): string[] {
  if (process.platform === 'darwin') {
    return ['/Applications/Chromium.app/Contents/MacOS/Chromium', '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome'];
  }
  if (process.platform === 'win32') {
    const roots = [env['PROGRAMFILES'], env['PROGRAMFILES(X86)'], env['LOCALAPPDATA']].filter((root) => root !== undefined);
    return roots.flatMap((root) => [join(root, 'Google', 'Chrome', 'Application', 'chrome.exe'), join(root, 'Chromium', 'Application', 'chrome.exe')]);
  }
  const onPath = (env.PATH ?? '').split(delimiter).filter((dir) => dir !== '').flatMap((dir) => SYSTEM_NAMES.map((name) => join(dir, name)));
  return [...onPath, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/opt/google/chrome/chrome'];
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Ubuntu's chromium-browser is a snap behind a wrapper script; a snap's confinement keeps Playwright's profile
 * folder in /tmp out of reach, so such a browser is passed over.
 */
function snapBrowser(path: string): boolean {
  try {
    if (realpathSync(path).startsWith('/snap/')) return true;
    const fd = openSync(path, 'r');
    try {
      const head = Buffer.alloc(4096);
      const text = head.subarray(0, readSync(fd, head, 0, head.length, 0)).toString('latin1');
      return text.startsWith('#!') && text.includes('/snap/');
    } finally {
      closeSync(fd);
    }
  } catch {
    return false;
  }
}

/** Where the Chromium is (see the file's opening line); throws only when CHROMIUM_PATH names nothing runnable. */
export async function findChromium(env: NodeJS.ProcessEnv = process.env): Promise<ChromiumExecutable> {
  const chosen = env.CHROMIUM_PATH;
  if (chosen !== undefined && chosen !== '' && chosen !== NPM_CHROMIUM) {
    if (!executable(chosen)) throw new Error(`CHROMIUM_PATH is ${chosen}, which is not an executable file.`);
    return { path: chosen, source: 'CHROMIUM_PATH' };
  }
  if (chosen !== NPM_CHROMIUM) {
    const system = systemPaths(env).find((path) => executable(path) && !snapBrowser(path));
    if (system !== undefined) return { path: system, source: 'system' };
  }
  const unpacked = await unpackSparticuzChromium();
  return { path: unpacked.executable, source: NPM_CHROMIUM, env: withLibraryDir(process.env, unpacked.libraryDir) };
}

/**
 * A headless Chromium with Playwright's own switches and nothing more: the tests check the page's
 * Content-Security-Policy and the server's origin checks, which flags such as --disable-web-security would hide. The
 * sandbox stays off (Playwright's default): the tests run as root in CI and load only the local server's pages.
 */
export async function launchChromium(): Promise<Browser> {
  const found = await findChromium();
  return chromium.launch({ executablePath: found.path, headless: true, chromiumSandbox: false, env: found.env });
}
