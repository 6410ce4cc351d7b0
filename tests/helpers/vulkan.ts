// Test helper: a Vulkan driver for the WebGPU tests on any machine, and child processes that run with it.
//
// [Note: WebGPU in CI] onnxruntime-node's WebGPU provider runs on Dawn, which on Linux runs on Vulkan. A machine
// without a GPU still gets a real WebGPU through SwiftShader, a Vulkan driver that runs on the CPU, shipped inside
// the dev dependency @sparticuz/chromium with a Vulkan loader (tests/helpers/sparticuz.ts unpacks it). The Vulkan
// loader reads its driver list only when a process starts (VK_ICD_FILENAMES / VK_DRIVER_FILES name the driver's
// manifest; LD_LIBRARY_PATH finds the loader where the system has none), so the WebGPU provider runs in a child
// process started with that environment. The manifest is copied with its library_path made absolute, which every
// loader version reads the same way. On a machine whose own Vulkan offers a real GPU the parity tests run on that
// GPU; the tests about software adapters always take SwiftShader. Dawn refuses Debian's Mesa llvmpipe (a missing
// Vulkan feature), so it cannot stand in for SwiftShader.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { probeWebGpuAdapter } from '../../src/engine/backend/onnxruntime';
import { REPO_ROOT } from './shared';
import { unpackSparticuzChromium, withLibraryDir } from './sparticuz';

export interface VulkanDriver {
  /** What the tests run on, for messages: "SwiftShader (from @sparticuz/chromium)" or "this machine's Vulkan". */
  description: string;
  /** The environment of a process that runs WebGPU on it. */
  env: NodeJS.ProcessEnv;
}

export interface ChildRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node args...` (tsx loaded, so .ts files run) in the repository with the given environment. */
export function runNode(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 10 * 60_000): Promise<ChildRun> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', ...args], { cwd: REPO_ROOT, env, timeout: timeoutMs, maxBuffer: 256 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : null, stdout, stderr });
    });
  });
}

/** A job for tests/helpers/webgpuChild.ts, run in a child with `env`; its JSON answer. */
export async function runWebGpuJob<T>(job: object, env: NodeJS.ProcessEnv): Promise<T> {
  const run = await runNode([join(REPO_ROOT, 'tests', 'helpers', 'webgpuChild.ts'), JSON.stringify(job)], env);
  if (run.code !== 0) throw new Error(`The WebGPU child process failed (exit ${run.code}):\n${run.stderr.slice(-4000)}`);
  return JSON.parse(run.stdout) as T;
}

/** An environment in which the Vulkan loader finds no driver at all (a manifest that does not exist). */
export function withMissingDriver(env: NodeJS.ProcessEnv, loaderDir: string): NodeJS.ProcessEnv {
  const missing = join(tmpdir(), 'celldesk-no-such-vulkan-driver', 'icd.json');
  return { ...withLibraryDir(env, loaderDir), VK_ICD_FILENAMES: missing, VK_DRIVER_FILES: missing };
}

/**
 * Writes SwiftShader's manifest, with an absolute library_path, and a link to its Vulkan loader into `dir`; returns
 * the environment that runs WebGPU on it.
 */
export async function writeSwiftShaderDriver(dir: string): Promise<NodeJS.ProcessEnv> {
  const { swiftshaderDir } = await unpackSparticuzChromium();
  const manifest = JSON.parse(readFileSync(join(swiftshaderDir, 'vk_swiftshader_icd.json'), 'utf8')) as { ICD: { library_path: string } };
  manifest.ICD.library_path = join(swiftshaderDir, 'libvk_swiftshader.so');
  const icd = join(dir, 'vk_swiftshader_icd.json');
  writeFileSync(icd, JSON.stringify(manifest));
  const loader = join(dir, 'libvulkan.so.1');
  rmSync(loader, { force: true });
  symlinkSync(join(swiftshaderDir, 'libvulkan.so.1'), loader);
  const runtimeDir = join(dir, 'runtime');
  mkdirSync(runtimeDir, { recursive: true, mode: 0o700 });
  return { VK_ICD_FILENAMES: icd, VK_DRIVER_FILES: icd, LD_LIBRARY_PATH: dir, XDG_RUNTIME_DIR: runtimeDir };
}

let swiftShaderDriver: Promise<VulkanDriver & { loaderDir: string }> | undefined;

/**
 * SwiftShader in a folder of this process's own, for the tests about software adapters whatever GPU the machine
 * has. Linux x64, as the npm package's binaries.
 */
export function swiftShaderForTests(): Promise<VulkanDriver & { loaderDir: string }> {
  swiftShaderDriver ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), 'celldesk-vulkan-'));
    const { LD_LIBRARY_PATH: loaderDir, ...driver } = await writeSwiftShaderDriver(dir);
    return { description: 'SwiftShader (from @sparticuz/chromium)', env: { ...withLibraryDir(process.env, loaderDir!), ...driver }, loaderDir: loaderDir! };
  })();
  return swiftShaderDriver;
}

let chosen: Promise<VulkanDriver> | undefined;

/** The Vulkan the WebGPU parity tests run on (see [Note: WebGPU in CI]): a real GPU where the machine has one. */
export function vulkanForTests(): Promise<VulkanDriver> {
  chosen ??= (async () => {
    const system = await probeWebGpuAdapter();
    if (system.available && system.adapter !== null && !system.adapter.software) {
      return { description: `this machine's Vulkan (${system.adapter.name})`, env: process.env };
    }
    return swiftShaderForTests();
  })();
  return chosen;
}
