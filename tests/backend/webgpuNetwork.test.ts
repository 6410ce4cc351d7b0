// The network on the WebGPU provider gives the CPU provider's numbers. WebGPU runs in a child process on the Vulkan
// of tests/helpers/vulkan.ts: SwiftShader where the machine has no GPU (see [Note: WebGPU in CI]).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { onnxRuntimeBackend } from '../../src/engine/backend/onnxruntime';
import { prepareNetwork } from '../../src/engine/io/networkFiles';
import { tempDir } from '../helpers/cli';
import { DEMO_CHECKPOINT } from '../helpers/demoModel';
import { runWebGpuJob, vulkanForTests } from '../helpers/vulkan';

const TOLERANCE = 1e-4;

/** A cell-like input: smooth blobs in both channels plus a fixed pseudo-random texture, about Cellpose's 0..1 range. */
function cellLikeBatch(n: number, height: number, width: number): Float32Array {
  const data = new Float32Array(n * 2 * height * width);
  let seed = 12345;
  const noise = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31 - 0.5) * 0.1;
  for (let b = 0; b < n; b++) {
    for (let c = 0; c < 2; c++) {
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
          const blobs = Math.max(0, Math.sin((x + 7 * b) / 5) * Math.sin((y + 3 * c) / 6));
          data[((b * 2 + c) * height + y) * width + x] = blobs + noise();
        }
      }
    }
  }
  return data;
}

function maxAbsDifference(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

test('the network on WebGPU matches the CPU provider within 1e-4 on a batch of two 64 x 64 inputs', async (t) => {
  const [n, height, width] = [2, 64, 64];
  const folder = tempDir('webgpu-network');
  const { onnxPath } = await prepareNetwork(DEMO_CHECKPOINT, folder);
  const input = cellLikeBatch(n, height, width);
  writeFileSync(join(folder, 'input.f32'), input);

  const vulkan = await vulkanForTests();
  const answer = await runWebGpuJob<{ executionProvider: string; adapter: { name: string } | null; ms: number }>(
    { kind: 'network', model: onnxPath, input: join(folder, 'input.f32'), output: join(folder, 'output.f32'), n, height, width },
    vulkan.env,
  );
  assert.equal(answer.executionProvider, 'webgpu');
  const bytes = readFileSync(join(folder, 'output.f32'));
  const gpu = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  const flowCount = n * 3 * height * width;

  const cpuSession = await onnxRuntimeBackend.createSession({ model: onnxPath, provider: 'cpu' });
  const cpu = await cpuSession.run(input, n, height, width);
  await cpuSession.release();
  assert.equal(gpu.length, flowCount + cpu.style.length);
  const flows = maxAbsDifference(gpu.subarray(0, flowCount), cpu.flows);
  const style = maxAbsDifference(gpu.subarray(flowCount), cpu.style);
  t.diagnostic(`on ${vulkan.description}, adapter ${answer.adapter?.name ?? 'unknown'}: max |WebGPU - CPU| flows ${flows.toExponential(2)}, style ${style.toExponential(2)}; WebGPU run ${answer.ms.toFixed(0)} ms`);
  // The outputs differ between the two images of the batch, so a provider that mixed them up would fail.
  assert.ok(maxAbsDifference(cpu.flows.subarray(0, flowCount / 2), cpu.flows.subarray(flowCount / 2)) > 0.01);
  assert.ok(flows < TOLERANCE, `flows differ by ${flows}`);
  assert.ok(style < TOLERANCE, `style differs by ${style}`);
});
