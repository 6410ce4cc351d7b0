// Which adapter WebGPU runs on and what CellDesk says about it: a software adapter (SwiftShader) is named and
// passed over by `auto`, and a missing Vulkan driver gives the remedy. Each case runs the real provider in a child
// process started with its Vulkan environment (see [Note: WebGPU in CI]).
import { test } from 'node:test';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { prepareNetwork } from '../../src/engine/io/networkFiles';
import { adapterFromLoaderLog, noAdapterReason } from '../../src/engine/backend/webgpuProbe';
import type { ProviderAdapter, ProviderFailure } from '../../src/engine/backend/types';
import { tempDir } from '../helpers/cli';
import { DEMO_CHECKPOINT } from '../helpers/demoModel';
import { runWebGpuJob, swiftShaderForTests, withMissingDriver } from '../helpers/vulkan';

type SessionAnswer =
  | { executionProvider: string; adapter: ProviderAdapter | null; fallbackReasons: ProviderFailure[]; error?: undefined }
  | { error: { code: string; message: string } };

const model = (async () => (await prepareNetwork(DEMO_CHECKPOINT, tempDir('webgpu-provider'))).onnxPath)();

async function openSession(provider: string, env: NodeJS.ProcessEnv): Promise<SessionAnswer> {
  return runWebGpuJob<SessionAnswer>({ kind: 'session', model: await model, provider }, env);
}

test('webgpu asked for by name runs on SwiftShader and says it is a software adapter', async () => {
  const { env } = await swiftShaderForTests();
  const answer = await openSession('webgpu', env);
  assert.equal(answer.error, undefined, JSON.stringify(answer.error));
  if (answer.error !== undefined) return;
  assert.equal(answer.executionProvider, 'webgpu');
  assert.match(answer.adapter!.name, /^SwiftShader Device/);
  assert.equal(answer.adapter!.software, true);
  assert.match(answer.adapter!.driver!, /libvk_swiftshader\.so$/);
});

test('auto never picks a software adapter over the CPU, and says why it passed it over', async () => {
  const { env } = await swiftShaderForTests();
  const answer = await openSession('auto', env);
  assert.equal(answer.error, undefined, JSON.stringify(answer.error));
  if (answer.error !== undefined) return;
  assert.equal(answer.executionProvider, 'cpu');
  assert.equal(answer.adapter, null);
  const webgpu = answer.fallbackReasons.find((f) => f.provider === 'webgpu');
  assert.match(webgpu!.reason, /only a software adapter \(SwiftShader Device[^)]*\)\), which runs on the CPU and is slower than the CPU provider/);
});

test('without a Vulkan driver WebGPU is unavailable with the remedy, and auto goes on to the CPU', async () => {
  const { loaderDir } = await swiftShaderForTests();
  const env = withMissingDriver(process.env, loaderDir);
  const missing = env.VK_ICD_FILENAMES!;
  const refused = await openSession('webgpu', env);
  assert.ok(refused.error !== undefined, 'a session was created without any Vulkan driver');
  assert.equal(refused.error.code, 'EXECUTION_PROVIDER_UNAVAILABLE');
  assert.match(refused.error.message, /webgpu \(no Vulkan driver: the Vulkan loader found no GPU driver \(ICD\); install your GPU's Vulkan driver \(NVIDIA: .*mesa-vulkan-drivers\)/);
  assert.ok(refused.error.message.includes(`VK_DRIVER_FILES and VK_ICD_FILENAMES names ${missing}, which cannot be read`), refused.error.message);

  const fallback = await openSession('auto', env);
  assert.equal(fallback.error, undefined);
  if (fallback.error !== undefined) return;
  assert.equal(fallback.executionProvider, 'cpu');
  assert.match(fallback.fallbackReasons.find((f) => f.provider === 'webgpu')!.reason, /^no Vulkan driver/);
});

test('a driver whose manifest is installed but whose library is not is named, with the reason and the remedy', async () => {
  const { loaderDir } = await swiftShaderForTests();
  const manifest = join(tempDir('webgpu-unloadable-driver'), 'icd.json');
  writeFileSync(manifest, JSON.stringify({ file_format_version: '1.0.0', ICD: { library_path: 'libvk_celldesk_not_installed.so', api_version: '1.3.0' } }));
  const refused = await openSession('webgpu', { ...withMissingDriver(process.env, loaderDir), VK_ICD_FILENAMES: manifest, VK_DRIVER_FILES: manifest });
  assert.ok(refused.error !== undefined, 'a session was created on a driver that cannot load');
  assert.match(refused.error.message, /no Vulkan driver could be loaded: the Vulkan loader found libvk_celldesk_not_installed\.so but could not load it \(libvk_celldesk_not_installed\.so: cannot open shared object file/);
  assert.match(refused.error.message, /its manifest is installed but not the library: reinstall your GPU's Vulkan driver .*NVIDIA_DRIVER_CAPABILITIES to include graphics/);
});

// What the Vulkan loader and Dawn print in the cases a test machine cannot stage (copied from real runs).
test('the loader log names the device Dawn created; Mesa llvmpipe and real GPUs are told apart', () => {
  const log = [
    '[Vulkan Loader] INFO | DRIVER:             [0] SwiftShader Device (Subzero)',
    '[Vulkan Loader] DRIVER:                Using "SwiftShader Device (Subzero)" with driver: "/tmp/libvk_swiftshader.so"',
  ].join('\n');
  assert.deepEqual(adapterFromLoaderLog(log), { name: 'SwiftShader Device (Subzero)', driver: '/tmp/libvk_swiftshader.so', software: true });
  const llvmpipe = 'Using "llvmpipe (LLVM 15.0.6, 256 bits)" with driver: "/usr/lib/x86_64-linux-gnu/libvulkan_lvp.so"';
  assert.equal(adapterFromLoaderLog(llvmpipe)!.software, true);
  const nvidia = 'Using "NVIDIA GeForce RTX 4070" with driver: "/usr/lib/x86_64-linux-gnu/libGLX_nvidia.so.0"';
  assert.deepEqual(adapterFromLoaderLog(nvidia), { name: 'NVIDIA GeForce RTX 4070', driver: '/usr/lib/x86_64-linux-gnu/libGLX_nvidia.so.0', software: false });
  assert.equal(adapterFromLoaderLog('no device line'), null);
});

test('each platform gets its own remedy; XDG_RUNTIME_DIR is said to be harmless, and a refused device is quoted', () => {
  const noLoader = "Warning: Couldn't load Vulkan: libvulkan.so.1: cannot open shared object file: No such file or directory";
  assert.match(noAdapterReason(noLoader, {}, 'linux'), /^no Vulkan loader \(libvulkan\.so\.1\) could be loaded: install the Vulkan loader \(Debian\/Ubuntu: libvulkan1\)/);
  const noDriver = 'Warning: vkCreateInstance: Found no drivers!\nerror: XDG_RUNTIME_DIR is invalid or not set in the environment.';
  const reason = noAdapterReason(noDriver, {}, 'linux');
  assert.match(reason, /^no Vulkan driver/);
  assert.match(reason, /the warning about XDG_RUNTIME_DIR is harmless here/);
  const refused = 'Warning: Vulkan feature robustBufferAccess2 is not supported by device llvmpipe\n';
  assert.match(noAdapterReason(refused, {}, 'linux'), /^no WebGPU adapter: Vulkan started, but no device .*; the driver said: Vulkan feature robustBufferAccess2 is not supported by device llvmpipe$/);
  // NVIDIA's driver library present but libglvnd missing (the H200 run of bench/results, call 1).
  const noGlvnd = [
    '[Vulkan Loader] DEBUG | DRIVER: Searching for ICD drivers named libGLX_nvidia.so.0',
    '[Vulkan Loader] ERROR:          libGLdispatch.so.0: cannot open shared object file: No such file or directory',
    '[Vulkan Loader] ERROR | DRIVER: loader_icd_scan: Failed loading library associated with ICD JSON libGLX_nvidia.so.0. Ignoring this JSON',
    '[Vulkan Loader] ERROR | DRIVER: vkCreateInstance: Found no drivers!',
  ].join('\n');
  assert.equal(
    noAdapterReason(noGlvnd, { VK_DRIVER_FILES: '/usr/share/vulkan/icd.d/nvidia_icd.json' }, 'linux'),
    "no Vulkan driver could be loaded: the Vulkan loader found libGLX_nvidia.so.0 but could not load it (libGLdispatch.so.0: cannot open shared object file: No such file or directory); NVIDIA's Vulkan driver needs libglvnd: install it (Debian/Ubuntu: libglvnd0, libglx0, libegl1)",
  );
  assert.match(noAdapterReason('', {}, 'win32'), /Direct3D 12 on Windows; install the graphics driver from NVIDIA, AMD or Intel/);
  assert.match(noAdapterReason('', {}, 'darwin'), /Metal/);
});
