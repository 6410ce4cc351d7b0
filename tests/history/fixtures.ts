// Test fixtures: a benchmark run and a segmentation run as a real machine would record them.
import type { DeviceFingerprint } from '../../src/engine/bench/fingerprint';
import { deviceId } from '../../src/engine/bench/fingerprint';
import type { BenchmarkRunExport } from '../../src/engine/history/historyExport';
import type { SegmentationRunRecord } from '../../src/engine/history/records';

export const FINGERPRINT: DeviceFingerprint = {
  hardware: { platform: 'linux', arch: 'x64', cpuModel: 'Test CPU 9000', cpuCores: 8, memoryBytes: 32 * 1024 ** 3, gpus: ['Test GPU'] },
  os: { name: 'Debian GNU/Linux 12 (bookworm)', release: '6.1.0' },
  gpuDrivers: [{ name: 'Test GPU', driver: '550.1' }],
  appVersion: '0.1.0',
  onnxRuntimeVersion: '1.30.0',
  nodeVersion: '20.19.0',
  modelSha256: 'ef'.repeat(32),
};

const SHA = 'ab'.repeat(32);

export function benchmarkRun(uuid = '0b0e6f3e-0d8c-4a5e-9a55-6f2d2a1c7e01'): BenchmarkRunExport {
  const sample = (provider: 'cpu' | 'webgpu', side: number, iteration: number, totalMs: number) => ({
    provider,
    size: side,
    width: side,
    height: side,
    iteration,
    totalMs,
    stages: { normalize: 1, network: totalMs - 11, masks: 10 },
    maskCount: 40,
    diameter: 25.5,
    measuredAt: `2025-03-11T10:0${iteration}:00.000Z`,
  });
  return {
    uuid,
    deviceId: deviceId(FINGERPRINT.hardware),
    startedAt: '2025-03-11T10:00:00.000Z',
    fingerprint: FINGERPRINT,
    model: { name: 'cyto3', sha256: FINGERPRINT.modelSha256! },
    image: { name: 'synthetic-cells-v1', sha256: SHA, width: 2560, height: 2160 },
    protocol: { sizes: [224], iterations: 2, providers: ['cpu', 'webgpu'], estimateDiameter: true, channels: [1, 2] },
    status: 'completed',
    finishedAt: '2025-03-11T10:09:00.000Z',
    error: null,
    providers: [
      { provider: 'cpu', available: true, reason: null, sessionMs: 120, firstRunMs: 900, adapter: null },
      { provider: 'webgpu', available: true, reason: null, sessionMs: 800, firstRunMs: 2000, adapter: { name: 'NVIDIA GeForce RTX 4070', software: false, driver: '/usr/lib/x86_64-linux-gnu/libGLX_nvidia.so.0' } },
    ],
    samples: [sample('cpu', 224, 1, 1000), sample('cpu', 224, 2, 1200), sample('webgpu', 224, 3, 250), sample('webgpu', 224, 4, 150)],
  };
}

export function segmentationRun(uuid = '5e3c9b1a-7f00-4c1e-8d2b-0a9b8c7d6e5f'): SegmentationRunRecord {
  return {
    uuid,
    deviceId: deviceId(FINGERPRINT.hardware),
    recordedAt: '2025-03-12T09:00:00.000Z',
    fingerprint: FINGERPRINT,
    image: { name: 'cells.tif', sha256: SHA, width: 512, height: 384, channels: 2 },
    model: { name: 'cyto3', sha256: FINGERPRINT.modelSha256! },
    settings: { channels: [2, 1], diameter: 0, flowThreshold: 0.4 },
    provider: 'cpu',
    diameter: 31.2,
    maskCount: 57,
    timings: { normalize: 10, network: 900, masks: 90, total: 1000 },
  };
}
