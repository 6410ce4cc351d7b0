// The benchmark's provider probe on WebGPU: under SwiftShader (a Vulkan driver on the CPU, see [Note: WebGPU in
// CI]) WebGPU is available, and the adapter's name and kind are recorded with it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ProviderProbe } from '../../src/engine/bench/providers';
import { tempDir } from '../helpers/cli';
import { DEMO_CHECKPOINT } from '../helpers/demoModel';
import { runWebGpuJob, swiftShaderForTests } from '../helpers/vulkan';

test('provider discovery finds WebGPU available under SwiftShader and records its adapter as a software one', async () => {
  const { env } = await swiftShaderForTests();
  const probes = await runWebGpuJob<ProviderProbe[]>({ kind: 'discover', model: DEMO_CHECKPOINT, providers: ['cpu', 'webgpu'], home: tempDir('bench-home') }, env);
  assert.deepEqual(probes.map((p) => [p.provider, p.available, p.reason]), [['cpu', true, null], ['webgpu', true, null]]);
  const [cpu, webgpu] = probes;
  assert.equal(cpu!.adapter, null);
  assert.ok(webgpu!.sessionMs! > 0);
  assert.match(webgpu!.adapter!.name, /^SwiftShader Device/);
  assert.equal(webgpu!.adapter!.software, true);
});
