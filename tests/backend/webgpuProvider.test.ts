// Which adapter WebGPU runs on and what CellDesk says about it: a software adapter (SwiftShader) is named and
// passed over by `auto`, and a missing Vulkan driver gives the remedy. Each case runs the real provider in a child
// process started with its Vulkan environment (see [Note: WebGPU in CI]).
import { test } from 'node:test';
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
  assert.match(noAdapterReason('', {}, 'win32'), /Direct3D 12 on Windows; install the graphics driver from NVIDIA, AMD or Intel/);
  assert.match(noAdapterReason('', {}, 'darwin'), /Metal/);
});
