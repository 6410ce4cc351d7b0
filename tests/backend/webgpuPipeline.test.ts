// The whole pipeline with `celldesk segment --ep webgpu` gives the CPU provider's masks. The WebGPU run is a child
// process on the Vulkan of tests/helpers/vulkan.ts: SwiftShader where the machine has no GPU (see [Note: WebGPU in
// CI]); the crop is small because SwiftShader runs the network on the CPU, far slower than the CPU provider.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeImage } from '../../src/engine/image/decodeImage';
import { encodePng } from '../../src/engine/image/encodePng';
import { runCelldesk, tempDir } from '../helpers/cli';
import { DEMO_CHECKPOINT, loadSharedRaster } from '../helpers/demoModel';
import { REPO_ROOT } from '../helpers/shared';
import { runNode, vulkanForTests } from '../helpers/vulkan';

/** A 64 x 64 crop of the StarDist DSB2018 reference image around eight nuclei (its mask2d.tif), as a 16-bit PNG. */
async function referenceCrop(folder: string): Promise<string> {
  const image = await loadSharedRaster('images', 'stardist-dsb2018', 'img2d.tif');
  assert.equal(image.sampleType, 'uint16');
  const [left, top, side] = [32, 160, 64];
  const data = new Uint16Array(side * side);
  for (let y = 0; y < side; y++) data.set(image.data.subarray((top + y) * image.width + left, (top + y) * image.width + left + side), y * side);
  const path = join(folder, 'dsb2018-crop.png');
  writeFileSync(path, encodePng({ width: side, height: side, channels: 1, data }));
  return path;
}

async function labels(path: string): Promise<Uint8Array | Uint16Array | Uint32Array> {
  const raster = await decodeImage(new Uint8Array(readFileSync(path)));
  assert.ok(raster.sampleType === 'uint8' || raster.sampleType === 'uint16' || raster.sampleType === 'uint32');
  return raster.data as Uint8Array | Uint16Array | Uint32Array;
}

test('celldesk segment --ep webgpu on a crop of a reference image writes the same masks as the CPU provider', async (t) => {
  const folder = tempDir('webgpu-segment');
  const crop = await referenceCrop(folder);
  const common = ['segment', crop, '--model', DEMO_CHECKPOINT, '--channels', '0,0', '--diameter', '30', '--json', '--no-history'];

  const cpu = await runCelldesk([...common, '--ep', 'cpu', '--out', join(folder, 'cpu.tif')]);
  assert.equal(cpu.code, 0, cpu.stderr);
  const vulkan = await vulkanForTests();
  const gpu = await runNode([join(REPO_ROOT, 'bin', 'celldesk.js'), ...common, '--ep', 'webgpu', '--out', join(folder, 'webgpu.tif')], { ...vulkan.env, CELLDESK_HOME: tempDir('home') });
  assert.equal(gpu.code, 0, gpu.stderr);

  type Summary = { masks: number; executionProvider: string; adapter: { name: string } | null; timings: { total: number } };
  const [cpuRun, gpuRun] = [JSON.parse(cpu.stdout), JSON.parse(gpu.stdout)] as Summary[];
  t.diagnostic(`on ${vulkan.description} (${gpuRun!.adapter?.name}): ${gpuRun!.masks} masks on WebGPU in ${(gpuRun!.timings.total / 1000).toFixed(1)} s, ${cpuRun!.masks} on the CPU in ${(cpuRun!.timings.total / 1000).toFixed(1)} s`);
  assert.equal(cpuRun!.executionProvider, 'cpu');
  assert.equal(gpuRun!.executionProvider, 'webgpu');
  assert.equal(cpuRun!.adapter, null);
  assert.ok(gpuRun!.adapter !== null && gpuRun!.adapter.name !== '', 'the WebGPU run names its adapter');
  assert.ok(cpuRun!.masks >= 3, `only ${cpuRun!.masks} masks: the crop should hold several nuclei`);
  assert.equal(gpuRun!.masks, cpuRun!.masks);
  assert.deepEqual(await labels(join(folder, 'webgpu.tif')), await labels(join(folder, 'cpu.tif')));
});
