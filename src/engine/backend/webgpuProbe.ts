// Whether WebGPU can start on this computer, on which adapter, and whether that adapter is a real GPU or a software
// one; found in a child process before any WebGPU session opens in this one. Node side (CLI, Electron utility
// process, browser-mode server).
//
// [Note: WebGPU adapter probe] onnxruntime-node 1.30 does not say which adapter its WebGPU provider (Dawn) picked:
// its Node binding has sessions and nothing else, its verbose log names the WebGPU instance and device by pointer
// only, and a session profile holds kernel timings. Dawn writes its own warnings straight to the process's stderr,
// where JavaScript cannot read them. So a child process opens a WebGPU session on a one-node graph and runs it, with
// the Vulkan loader's driver and error log on (VK_LOADER_DEBUG=error,driver), and its stderr is read here. On Linux
// the loader names the device Dawn created (`Using "SwiftShader Device (Subzero)" with driver:
// "/tmp/libvk_swiftshader.so"`), and when there is none the loader's and Dawn's warnings say why. A device of a
// Vulkan driver that runs on the CPU (SwiftShader, Mesa's llvmpipe/lavapipe) is a software adapter: a correct WebGPU,
// slower than the CPU provider.
// On Windows and macOS Dawn runs on Direct3D 12 and Metal, which log nothing of the kind: there the probe tells
// only whether WebGPU starts, and the adapter stays unknown (null). The child also keeps a driver that crashes from
// taking this process with it. The answer is kept for the life of the process: drivers do not change under it.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { GraphBuilder } from '../onnx/graphBuilder';
import { ENGINE_VERSION } from '../version';
import type { ProviderAdapter } from './types';

export type WebGpuProbe = { available: true; adapter: ProviderAdapter | null } | { available: false; reason: string };

const PROBE_TIMEOUT_MS = 90_000;
const SOFTWARE_ADAPTER = /swiftshader|llvmpipe|lavapipe|softpipe|microsoft basic render/i;

/** Whether an adapter of this name (or driver library) runs on the CPU. */
export function isSoftwareAdapter(name: string, driver: string | null = null): boolean {
  return SOFTWARE_ADAPTER.test(name) || /libvk_swiftshader|libvulkan_lvp/.test(driver ?? '');
}

/** A graph whose output is Relu of its input, [4] floats: the least a session can compile and run. */
export function probeGraph(): Uint8Array {
  const graph = new GraphBuilder();
  graph.node('Relu', ['x'], 'y');
  return graph.encode({ graphName: 'webgpu-probe', inputs: [{ name: 'x', dims: [4] }], outputs: [{ name: 'y', dims: [4] }], opset: 17, producerVersion: ENGINE_VERSION, metadata: {} });
}

// Runs in the child (`node -e`): argv[1] is onnxruntime-node's entry, argv[2] the graph in base64. It prints one
// JSON line: {ran: true} when the session ran and gave Relu's answer, else {error}.
const CHILD_SOURCE = `
const ort = require(process.argv[1]);
ort.env.logLevel = 'fatal';
const say = (value) => process.stdout.write(JSON.stringify(value));
ort.InferenceSession.create(Buffer.from(process.argv[2], 'base64'), { executionProviders: ['webgpu'], logSeverityLevel: 4 })
  .then((session) => session.run({ x: new ort.Tensor('float32', Float32Array.from([1, -2, 3, -4]), [4]) }))
  .then((out) => say(Array.from(out.y.data).join(',') === '1,0,3,0' ? { ran: true } : { error: 'the test graph gave a wrong answer: ' + Array.from(out.y.data).join(',') }))
  .catch((error) => say({ error: String((error && error.message) || error).split('\\n')[0] }));
`;

interface ChildRun {
  stdout: string;
  stderr: string;
  /** Set when the child did not end by itself: killed by a signal (a crash) or by the time limit. */
  signal: NodeJS.Signals | null;
  timedOut: boolean;
}

function runChild(runtimePath: string): Promise<ChildRun> {
  const env: NodeJS.ProcessEnv = { ...process.env, ELECTRON_RUN_AS_NODE: '1', VK_LOADER_DEBUG: 'error,driver' };
  const args = ['-e', CHILD_SOURCE, runtimePath, Buffer.from(probeGraph()).toString('base64')];
  return new Promise((resolve) => {
    execFile(process.execPath, args, { env, timeout: PROBE_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024, windowsHide: true }, (error, stdout, stderr) => {
      const killed = error !== null && (error as { killed?: boolean }).killed === true;
      resolve({ stdout, stderr, signal: (error as { signal?: NodeJS.Signals } | null)?.signal ?? null, timedOut: killed });
    });
  });
}

/** The device the Vulkan loader says it created, the last one named (see [Note: WebGPU adapter probe]). */
export function adapterFromLoaderLog(stderr: string): ProviderAdapter | null {
  const used = [...stderr.matchAll(/Using "([^"\n]+)" with driver: "([^"\n]*)"/g)].at(-1);
  if (used === undefined) return null;
  const [, name, driver] = used;
  return { name: name!, driver: driver || null, software: isSoftwareAdapter(name!, driver) };
}

const LINUX_DRIVERS = 'your GPU\'s Vulkan driver (NVIDIA: the proprietary driver; AMD and Intel: Mesa, e.g. Debian/Ubuntu\'s mesa-vulkan-drivers)';

/**
 * A driver whose manifest the loader read but whose library it could not load, with the system's own reason; null
 * when the log shows none. Seen on an NVIDIA H200 in a container: the manifest names libGLX_nvidia.so.0, which
 * loads libglvnd's libGLdispatch.so.0, which the image lacked.
 */
function driverLoadFailures(stderr: string): string | null {
  const drivers = [...new Set([...stderr.matchAll(/Failed loading library associated with ICD JSON (\S+?)\.? Ignoring/g)].map((m) => m[1]!))];
  const reasons = [...new Set([...stderr.matchAll(/ERROR:\s+(\S+: (?:cannot open shared object file|file too short|invalid ELF header|wrong ELF class)[^\n]*)/g)].map((m) => m[1]!.trim()))];
  if (drivers.length === 0 && reasons.length === 0) return null;
  const missing = reasons.map((reason) => reason.slice(0, reason.indexOf(':')));
  const named = drivers.length > 0 ? drivers.join(', ') : 'a Vulkan driver';
  let remedy = `reinstall ${LINUX_DRIVERS}`;
  if (missing.some((lib) => /^lib(GLdispatch|GLX|EGL|OpenGL)\.so/.test(lib))) {
    remedy = "NVIDIA's Vulkan driver needs libglvnd: install it (Debian/Ubuntu: libglvnd0, libglx0, libegl1)";
  } else if (missing.some((lib) => drivers.includes(lib))) {
    remedy = `its manifest is installed but not the library: reinstall ${LINUX_DRIVERS}; in a container, NVIDIA's driver needs NVIDIA_DRIVER_CAPABILITIES to include graphics`;
  }
  return `no Vulkan driver could be loaded: the Vulkan loader found ${named} but could not load it${reasons.length > 0 ? ` (${reasons.join('; ')})` : ''}; ${remedy}`;
}

/** Why no adapter was found, with what to do about it, from the child's stderr (see [Note: WebGPU adapter probe]). */
export function noAdapterReason(stderr: string, env: NodeJS.ProcessEnv, platform: NodeJS.Platform): string {
  if (platform === 'win32') {
    return 'no WebGPU adapter: WebGPU runs on Direct3D 12 on Windows; install the graphics driver from NVIDIA, AMD or Intel (remote desktop sessions and virtual machines often have no Direct3D 12 GPU)';
  }
  if (platform === 'darwin') return 'no WebGPU adapter: WebGPU runs on Metal, and this Mac offered no Metal device (macOS in a virtual machine often has none)';
  const parts: string[] = [];
  if (/Couldn't load Vulkan/.test(stderr)) {
    parts.push(`no Vulkan loader (libvulkan.so.1) could be loaded: install the Vulkan loader (Debian/Ubuntu: libvulkan1) and ${LINUX_DRIVERS}`);
  } else if (/Found no drivers|VK_ERROR_INCOMPATIBLE_DRIVER/.test(stderr)) {
    const unreadable = [...new Set([...stderr.matchAll(/Failed to open JSON file (\S+)/g)].map((m) => m[1]!))];
    const named = ['VK_DRIVER_FILES', 'VK_ICD_FILENAMES'].filter((name) => (env[name] ?? '') !== '');
    const unloadable = driverLoadFailures(stderr);
    if (unloadable !== null) parts.push(unloadable);
    else {
      parts.push(`no Vulkan driver: the Vulkan loader found no GPU driver (ICD); install ${LINUX_DRIVERS}`);
      if (unreadable.length > 0) parts.push(`${named.join(' and ') || 'a driver list'} names ${unreadable.join(', ')}, which cannot be read`);
      else if (named.length > 0) parts.push(`${named.join(' and ')} (${named.map((name) => env[name]).join('; ')}) limits the search to the drivers named there`);
    }
  } else {
    const dawn = [...stderr.matchAll(/^Warning: (.+)$/gm)].map((m) => m[1]!.trim()).slice(0, 3);
    parts.push(
      'no WebGPU adapter: Vulkan started, but no device it offers has what WebGPU needs (an old GPU or driver; Mesa\'s llvmpipe is refused)' +
        (dawn.length > 0 ? `; the driver said: ${dawn.join('; ')}` : ''),
    );
  }
  // Vulkan drivers complain when XDG_RUNTIME_DIR is unset (SSH logins, containers, services); it matters for
  // drawing to a screen, never for WebGPU's computing, so the user is told it is not the cause.
  if (/XDG_RUNTIME_DIR/.test(stderr)) parts.push('the warning about XDG_RUNTIME_DIR is harmless here (it matters only for drawing on a screen)');
  return parts.join('; ');
}

function probeAnswer(run: ChildRun): WebGpuProbe {
  if (run.timedOut) return { available: false, reason: `WebGPU did not start within ${PROBE_TIMEOUT_MS / 1000} s (a graphics driver that hangs)` };
  if (run.signal !== null) return { available: false, reason: `the graphics driver crashed while WebGPU started (${run.signal}); updating the GPU driver usually cures this` };
  let answer: { ran?: boolean; error?: string };
  try {
    answer = JSON.parse(run.stdout) as { ran?: boolean; error?: string };
  } catch {
    return { available: false, reason: `the WebGPU check ended without an answer: ${run.stderr.trim().split('\n').at(-1) ?? ''}` };
  }
  if (answer.ran === true) return { available: true, adapter: adapterFromLoaderLog(run.stderr) };
  const error = answer.error ?? 'unknown error';
  if (/adapter/i.test(error)) return { available: false, reason: noAdapterReason(run.stderr, process.env, process.platform) };
  return { available: false, reason: `WebGPU started but could not run: ${error}` };
}

const LINUX_LIBRARY_DIRS = ['/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib64', '/usr/lib', '/lib/x86_64-linux-gnu', '/lib64', '/lib', '/usr/local/lib'];

/** WebGPU on Linux runs on Vulkan; without its loader there is nothing to probe, and a child process is spared. */
function vulkanLoaderPresent(env: NodeJS.ProcessEnv): boolean {
  const dirs = [...(env.LD_LIBRARY_PATH ?? '').split(':').filter((d) => d !== ''), ...LINUX_LIBRARY_DIRS];
  return dirs.some((dir) => existsSync(join(dir, 'libvulkan.so.1')));
}

let probed: Promise<WebGpuProbe> | undefined;

/** The probe of [Note: WebGPU adapter probe], run once per process; `runtimePath` is onnxruntime-node's entry file. */
export function probeWebGpu(runtimePath: string): Promise<WebGpuProbe> {
  if (process.platform === 'linux' && !vulkanLoaderPresent(process.env)) {
    return Promise.resolve({ available: false, reason: noAdapterReason("Couldn't load Vulkan", process.env, 'linux') });
  }
  probed ??= runChild(runtimePath).then(probeAnswer);
  return probed;
}
