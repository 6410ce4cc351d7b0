// The benchmark's crops, summaries and device ids: the published protocol's sizes, centre crops, sample SD,
// speed-ups against the CPU, and ids that survive software updates but not a hardware change.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cropImage, defaultCropSizes, planCrops } from '../../src/engine/bench/protocol';
import { mean, median, sampleSd, summarize, type TimedSample } from '../../src/shared/bench/statistics';
import { collectFingerprint, deviceId, type DeviceHardware } from '../../src/engine/bench/fingerprint';

test('default sizes are the published steps of 224 up to the largest square that fits, then the full image', () => {
  // The published image (2040 x 1536, as ../shared/reference/official-timings-cpu.json) and the synthetic one.
  assert.deepEqual(defaultCropSizes(2040, 1536), [224, 448, 672, 896, 1120, 1344, 'full']);
  assert.deepEqual(defaultCropSizes(2560, 2160), [224, 448, 672, 896, 1120, 1344, 1568, 1792, 2016, 'full']);
  assert.deepEqual(defaultCropSizes(200, 300), ['full']);
});

test('crops are centred, keep every channel, and a size larger than the image is refused', () => {
  const [crop, full] = planCrops(21, 19, [16, 'full']);
  assert.deepEqual(crop, { size: 16, width: 16, height: 16, left: 2, top: 1 });
  assert.deepEqual(full, { size: 'full', width: 21, height: 19, left: 0, top: 0 });
  // Pixel value = its index in the source, so each cropped value says where it came from.
  const data = Float32Array.from({ length: 2 * 21 * 19 }, (_, i) => i);
  const cropped = cropImage({ width: 21, height: 19, channels: 2, data }, crop!);
  assert.equal(cropped.data.length, 2 * 16 * 16);
  for (const [c, y, x] of [[0, 0, 0], [0, 15, 15], [1, 0, 0], [1, 7, 9]] as const) {
    assert.equal(cropped.data[(c * 16 + y) * 16 + x], (c * 19 + y + 1) * 21 + x + 2);
  }
  assert.throws(() => planCrops(2560, 2160, [2240]), /2240 px does not fit the 2560 x 2160 image; the largest square crop is 2160 px/);
  assert.throws(() => planCrops(2560, 2160, [224, 224]), /listed twice/);
});

test('summaries give mean, median, sample SD (n - 1) and n, and speed-up and improvement against the CPU', () => {
  assert.equal(mean([1, 2, 3, 4]), 2.5);
  assert.ok(Math.abs(sampleSd([1, 2, 3, 4])! - 1.2909944487358056) < 1e-12);
  assert.equal(sampleSd([5]), null);
  assert.equal(median([9, 1, 5]), 5);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  const sample = (provider: TimedSample['provider'], side: number, totalMs: number): TimedSample => ({ provider, size: side, width: side, height: side, totalMs });
  const rows = summarize([
    sample('webgpu', 448, 400),
    sample('cpu', 448, 3000),
    sample('cpu', 448, 5000),
    sample('webgpu', 448, 600),
    sample('cpu', 224, 1000),
    sample('cuda', 224, 250),
  ]);
  assert.deepEqual(
    rows.map((r) => [r.size, r.provider, r.n, r.meanMs, r.speedup, r.improvementPct]),
    [
      [224, 'cpu', 1, 1000, null, null],
      [224, 'cuda', 1, 250, 4, 75],
      [448, 'cpu', 2, 4000, null, null],
      [448, 'webgpu', 2, 500, 8, 87.5],
    ],
  );
  assert.ok(Math.abs(rows[2]!.sdMs! - Math.SQRT2 * 1000) < 1e-9);
});

test('the device id depends on the hardware only, with memory rounded to whole GiB', () => {
  const hardware: DeviceHardware = { platform: 'linux', arch: 'x64', cpuModel: 'AMD EPYC', cpuCores: 16, memoryBytes: 128 * 1024 ** 3, gpus: ['NVIDIA H100'] };
  const id = deviceId(hardware);
  assert.match(id, /^[0-9a-f]{16}$/);
  assert.equal(deviceId({ ...hardware, memoryBytes: hardware.memoryBytes - 3 * 1024 ** 2 }), id);
  assert.notEqual(deviceId({ ...hardware, gpus: [] }), id);
  assert.notEqual(deviceId({ ...hardware, cpuCores: 8 }), id);
});

test('the fingerprint describes this computer and names the software and model measured', async () => {
  const fingerprint = await collectFingerprint({ onnxRuntimeVersion: '1.2.3', modelSha256: 'ab'.repeat(32) });
  assert.equal(fingerprint.hardware.platform, process.platform);
  assert.ok(fingerprint.hardware.cpuCores >= 1);
  assert.ok(fingerprint.hardware.memoryBytes > 2 ** 28);
  assert.equal(fingerprint.onnxRuntimeVersion, '1.2.3');
  assert.equal(fingerprint.modelSha256, 'ab'.repeat(32));
  assert.notEqual(fingerprint.os.name, '');
  assert.deepEqual(fingerprint.hardware.gpus, fingerprint.gpuDrivers.map((g) => g.name));
  const again = await collectFingerprint({ onnxRuntimeVersion: '9.9.9', modelSha256: null });
  assert.equal(deviceId(again.hardware), deviceId(fingerprint.hardware));
});
