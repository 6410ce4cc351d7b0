// `npm run dist` (after `npm run build`): builds better-sqlite3 for Electron, then this platform's installers with
// electron-builder into dist/: Linux AppImage and deb, Windows NSIS (per user), macOS DMG (Apple silicon). Signing
// uses what the environment provides (signing.ts). Runs on the platform it builds for, with internet (Electron, the
// packaging tools and better-sqlite3's Electron binary are downloaded); the release workflow runs it on all three.
// Node side.
import { join } from 'node:path';
import { build, Platform } from 'electron-builder';
import { builderConfig } from './config';
import { ensureElectronSqlite } from './electronNative';
import { describeSigning, signingFromEnvironment } from './signing';

const PLATFORMS: Partial<Record<NodeJS.Platform, Platform>> = { linux: Platform.LINUX, win32: Platform.WINDOWS, darwin: Platform.MAC };

async function main(): Promise<void> {
  const platform = PLATFORMS[process.platform];
  if (platform === undefined) throw new Error(`CellDesk has no installer for ${process.platform}.`);
  const signing = signingFromEnvironment(process.env);
  console.log(describeSigning(signing, process.platform));
  const sqliteModule = await ensureElectronSqlite();
  const artifacts = await build({ projectDir: join(import.meta.dirname, '..'), targets: platform.createTarget(), config: builderConfig({ sqliteModule, signing }) });
  console.log(`Installers:\n${artifacts.map((file) => `  ${file}`).join('\n')}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
