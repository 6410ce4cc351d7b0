// Unpacks what the dev dependency @sparticuz/chromium ships inside its npm package: a headless Chromium, the NSS
// libraries it links against, and SwiftShader (a Vulkan driver on the CPU, with a Vulkan loader). Tests and
// developer scripts only, in Node; the app never uses it.
//
// [Note: unpacking @sparticuz/chromium] The package inflates its archives into the temporary folder (/tmp/chromium,
// /tmp/libvk_swiftshader.so, /tmp/al2023/lib, ...) and takes a file that exists as done. Test files run in parallel
// processes, so a second one could launch a Chromium the first is still writing: unpacking holds a lock (a folder,
// created atomically) shared by every process of the machine, and a binary left half-written by a killed process is
// caught by running it once and unpacked again.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import chromium, { inflate } from '@sparticuz/chromium';

export interface UnpackedChromium {
  /** The headless Chromium binary. */
  executable: string;
  /** The NSS libraries it links against, for machines that have none (LD_LIBRARY_PATH). */
  libraryDir: string;
  /** libvk_swiftshader.so, vk_swiftshader_icd.json and the Vulkan loader libvulkan.so.1. */
  swiftshaderDir: string;
}

const LOCK_STALE_MS = 5 * 60_000;
const SWIFTSHADER_FILES = ['libvk_swiftshader.so', 'vk_swiftshader_icd.json', 'libvulkan.so.1'];

function packageBinDir(): string {
  return join(dirname(createRequire(import.meta.url).resolve('@sparticuz/chromium')), '..', 'bin');
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `work` while holding the machine-wide lock of [Note: unpacking @sparticuz/chromium]. */
async function withUnpackLock<T>(work: () => Promise<T>): Promise<T> {
  const lock = join(tmpdir(), 'celldesk-sparticuz-unpack.lock');
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    // A lock older than any unpacking takes was left by a killed process.
    const age = existsSync(lock) ? Date.now() - statSync(lock).mtimeMs : 0;
    if (age > LOCK_STALE_MS) rmSync(lock, { recursive: true, force: true });
    else await sleep(200);
  }
  try {
    return await work();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

function runs(executable: string, libraryDir: string): boolean {
  try {
    execFileSync(executable, ['--version'], { stdio: 'ignore', timeout: 60_000, env: withLibraryDir(process.env, libraryDir) });
    return true;
  } catch {
    return false;
  }
}

/** `env` with `dir` searched first for shared libraries. */
export function withLibraryDir(env: NodeJS.ProcessEnv, dir: string): NodeJS.ProcessEnv {
  return { ...env, LD_LIBRARY_PATH: [dir, ...(env.LD_LIBRARY_PATH ?? '').split(':').filter((d) => d !== '')].join(':') };
}

async function unpack(bin: string): Promise<UnpackedChromium> {
  const libraryDir = join(await inflate(join(bin, 'al2023.tar.br')), 'lib');
  let executable = await chromium.executablePath(bin);
  if (!runs(executable, libraryDir)) {
    rmSync(executable, { force: true });
    executable = await chromium.executablePath(bin);
  }
  // The package counts SwiftShader as unpacked when libGLESv2.so exists (its first file).
  let swiftshaderDir = await inflate(join(bin, 'swiftshader.tar.br'));
  if (!SWIFTSHADER_FILES.every((file) => existsSync(join(swiftshaderDir, file)))) {
    rmSync(join(swiftshaderDir, 'libGLESv2.so'), { force: true });
    swiftshaderDir = await inflate(join(bin, 'swiftshader.tar.br'));
  }
  return { executable, libraryDir, swiftshaderDir };
}

let unpacked: Promise<UnpackedChromium> | undefined;

/** Unpacks the package's files once per machine (see [Note: unpacking @sparticuz/chromium]). */
export function unpackSparticuzChromium(): Promise<UnpackedChromium> {
  unpacked ??= withUnpackLock(() => unpack(packageBinDir()));
  return unpacked;
}
