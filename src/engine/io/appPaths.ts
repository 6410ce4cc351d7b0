// Where CellDesk keeps its per-user data (model cache, database); Node side (CLI, Electron main, workers).
// [Note: data folder] The folder is the one Electron's app.getPath('userData') gives an app named CellDesk, so the
// CLI and the desktop app share one model cache and one database. CELLDESK_HOME overrides it (tests, portable
// installs, several users on one account).
import { homedir } from 'node:os';
import { join, resolve, win32 } from 'node:path';

export const APP_NAME = 'CellDesk';

export interface AppPaths {
  /** The per-user data folder. */
  dataDir: string;
  /** Model files CellDesk downloaded or imported itself. */
  modelsDir: string;
  /** ONNX conversions, one file per checkpoint sha256. */
  onnxDir: string;
  /** The SQLite database (models, and later run history). */
  databaseFile: string;
}

export interface PlatformContext {
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  home: string;
}

/** This process's platform and home, with `env` (default: its own environment). */
function currentPlatform(env: NodeJS.ProcessEnv = process.env): PlatformContext {
  return { env, platform: process.platform, home: homedir() };
}

/** The data folder: CELLDESK_HOME, else the platform's application-data folder for CellDesk. */
export function appDataDir(context: PlatformContext = currentPlatform()): string {
  const { env, platform, home } = context;
  const override = env.CELLDESK_HOME;
  if (override !== undefined && override !== '') return resolve(override);
  switch (platform) {
    case 'win32':
      return win32.join(env.APPDATA ?? win32.join(home, 'AppData', 'Roaming'), APP_NAME);
    case 'darwin':
      return join(home, 'Library', 'Application Support', APP_NAME);
    default: {
      const config = env.XDG_CONFIG_HOME;
      return join(config !== undefined && config !== '' ? config : join(home, '.config'), APP_NAME);
    }
  }
}

/** Every fixed location under a data folder (default: the current user's). */
export function appPaths(dataDir: string = appDataDir()): AppPaths {
  const modelsDir = join(dataDir, 'models');
  return { dataDir, modelsDir, onnxDir: join(modelsDir, 'onnx'), databaseFile: join(dataDir, 'celldesk.db') };
}

/** The data folder's locations for a process environment (CELLDESK_HOME, XDG_CONFIG_HOME, APPDATA), on this computer. */
export function appPathsFor(env: NodeJS.ProcessEnv): AppPaths {
  return appPaths(appDataDir(currentPlatform(env)));
}
