// `celldesk serve [--port N]`: the desktop app's window in a web browser, for remote lab machines and browser tests.
// Builds the renderer when its build is missing or older than its sources, then serves it and the app's calls on
// 127.0.0.1 (see [Note: browser mode] in src/host/browserServer.ts). The first line of output is the URL.
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InvalidSettingError } from '../../engine/errors';
import { ENGINE_VERSION } from '../../engine/version';
import { createHandlers } from '../../host/router';
import { DesktopOnlyError, startBrowserServer } from '../../host/browserServer';
import { closeEngineServices, createEngineServices, relayEvents } from '../../host/engineServices';
import { parseCommandLine, print, type CliIO, type CommandHandler } from '../io';

const USAGE = 'celldesk serve [--port <number>, default: a free port]';

const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const RENDERER_DIR = join(REPO_ROOT, 'out', 'renderer');
/** What the renderer bundle is made from (src/renderer imports src/shared, which imports the engine's errors and pure core). */
const RENDERER_SOURCES = ['src/renderer', 'src/shared', 'src/engine/errors.ts', 'src/engine/core', 'electron.vite.config.ts', 'package-lock.json'];

async function modifiedTime(path: string): Promise<number> {
  try {
    return (await stat(path)).mtimeMs;
  } catch {
    return 0;
  }
}

async function newestModification(path: string): Promise<number> {
  const info = await stat(path);
  if (!info.isDirectory()) return info.mtimeMs;
  let newest = info.mtimeMs;
  for (const entry of await readdir(path, { recursive: true })) newest = Math.max(newest, await modifiedTime(join(path, entry)));
  return newest;
}

/** Whether out/renderer is missing or older than a source it is built from. */
async function rendererNeedsBuild(): Promise<boolean> {
  const built = await modifiedTime(join(RENDERER_DIR, 'index.html'));
  if (built === 0) return true;
  for (const source of RENDERER_SOURCES) {
    const path = join(REPO_ROOT, source);
    if ((await modifiedTime(path)) !== 0 && (await newestModification(path)) > built) return true;
  }
  return false;
}

/**
 * Builds the renderer alone with the app's own electron-vite configuration, into a folder of its own that then
 * replaces out/renderer, so a server already running keeps whole files.
 */
async function buildRenderer(io: CliIO): Promise<void> {
  print(io.stderr, 'Building the CellDesk page (once after each change to its sources)...');
  const { resolveConfig } = await import('electron-vite');
  const { build } = await import('vite');
  const resolved = await resolveConfig({ root: REPO_ROOT, logLevel: 'warn' }, 'build', 'production');
  const renderer = resolved.config?.renderer;
  if (renderer === undefined) throw new Error('electron.vite.config.ts declares no renderer');
  const staging = join(REPO_ROOT, 'out', `.renderer-${process.pid}`);
  const previous = join(REPO_ROOT, 'out', `.renderer-old-${process.pid}`);
  await build({ ...renderer, logLevel: 'warn', build: { ...renderer.build, outDir: staging, emptyOutDir: true } });
  await mkdir(dirname(RENDERER_DIR), { recursive: true });
  await rename(RENDERER_DIR, previous).catch(() => undefined);
  await rename(staging, RENDERER_DIR);
  await rm(previous, { recursive: true, force: true });
}

function portOption(text: string | undefined): number {
  if (text === undefined) return 0;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InvalidSettingError(`--port takes a whole number from 0 to 65535; got '${text}'.`);
  return port;
}

/** Resolves on Ctrl+C or a termination request. */
function untilStopped(): Promise<string> {
  return new Promise((resolve) => {
    const stop = (signal: string) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve(signal);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

export const serveCommand: CommandHandler = async (argv, io) => {
  const { values } = parseCommandLine({ args: argv, strict: true, allowPositionals: false, options: { port: { type: 'string' } } }, USAGE);
  const port = portOption(values.port);
  if (await rendererNeedsBuild()) await buildRenderer(io);

  const services = createEngineServices({ env: io.env });
  const handlers = createHandlers({
    version: ENGINE_VERSION,
    ...services,
    chooseImageFile: () => Promise.reject(new DesktopOnlyError('Choosing a file with a dialog')),
    chooseModelFile: () => Promise.reject(new DesktopOnlyError('Choosing a model file with a dialog', "type the model file's path or upload it")),
    chooseExportFolder: () => Promise.reject(new DesktopOnlyError('Choosing a folder with a dialog', "type the folder's full path")),
    chooseBatchImages: () => Promise.reject(new DesktopOnlyError('Choosing images with a dialog', "type the full paths of the images or their folder, one per line")),
  });
  const server = await startBrowserServer({
    handlers,
    subscribe: (emit) => relayEvents(services, emit),
    rendererDir: RENDERER_DIR,
    port,
  });
  print(io.stdout, server.url);
  print(io.stderr, 'CellDesk is serving on this computer only (127.0.0.1). Open the address above; press Ctrl+C to stop.');
  await untilStopped();
  await server.close();
  await closeEngineServices(services);
  return 0;
};
