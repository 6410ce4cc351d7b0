// The device machine's facts in one JSON file (facts.json of a GPU run): what CellDesk itself sees (its WebGPU
// adapter probe, [Note: WebGPU adapter probe], and the device fingerprint the benchmark records), next to what
// run-on-device.sh gathered before it (nvidia-smi, vulkanFacts.py, the Vulkan loader's driver log, the Vulkan
// environment it settled on). Node; run on the device machine and in the rehearsal here.
//   celldeskFacts.ts --out facts.json [--nvidia-smi F] [--vulkan F] [--loader-log F] [--vulkan-attempts F]
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { onnxRuntimeBackend, probeWebGpuAdapter } from '../../src/engine/backend/onnxruntime';
import { collectFingerprint, deviceId, describeDevice } from '../../src/engine/bench/fingerprint';
import { ENGINE_VERSION } from '../../src/engine/version';

/** The loader log can run long; its head says which manifests were read, its tail which device was used. */
const LOG_LIMIT = 24_000;

function fileText(path: string | undefined): string | null {
  return path !== undefined && existsSync(path) ? readFileSync(path, 'utf8') : null;
}

function jsonFile(path: string | undefined): unknown {
  const text = fileText(path);
  if (text === null || text.trim() === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return { unreadable: text.slice(0, 2000) };
  }
}

function clipped(text: string | null): string | null {
  if (text === null || text.length <= LOG_LIMIT) return text;
  return `${text.slice(0, LOG_LIMIT / 2)}\n[... ${text.length - LOG_LIMIT} characters left out ...]\n${text.slice(-LOG_LIMIT / 2)}`;
}

const { values } = parseArgs({
  options: {
    out: { type: 'string' },
    'nvidia-smi': { type: 'string' },
    vulkan: { type: 'string' },
    'loader-log': { type: 'string' },
    'vulkan-attempts': { type: 'string' },
  },
});
if (values.out === undefined) throw new Error('celldeskFacts.ts needs --out FILE');

const started = performance.now();
const probe = await probeWebGpuAdapter();
const probeMs = performance.now() - started;
const fingerprint = await collectFingerprint({ onnxRuntimeVersion: onnxRuntimeBackend.version, modelSha256: null });
const environment = Object.fromEntries(
  ['VK_DRIVER_FILES', 'VK_ICD_FILENAMES', '__EGL_VENDOR_LIBRARY_FILENAMES', 'LD_LIBRARY_PATH', 'XDG_RUNTIME_DIR'].map((name) => [name, process.env[name] ?? null]),
);
const facts = {
  recordedAt: new Date().toISOString(),
  celldesk: { version: ENGINE_VERSION, onnxRuntime: onnxRuntimeBackend.version, node: process.versions.node },
  webgpuProbe: { ...probe, ms: Math.round(probeMs) },
  device: { id: deviceId(fingerprint.hardware), description: describeDevice(fingerprint.hardware), fingerprint },
  nvidiaSmi: fileText(values['nvidia-smi'])?.trim() ?? null,
  vulkan: jsonFile(values.vulkan),
  vulkanAttempts: fileText(values['vulkan-attempts'])?.trim().split('\n') ?? [],
  vulkanEnvironment: environment,
  loaderLog: clipped(fileText(values['loader-log'])),
};
writeFileSync(values.out, `${JSON.stringify(facts, null, 1)}\n`);
const adapter = probe.available ? (probe.adapter === null ? 'an adapter it cannot name' : `${probe.adapter.name}${probe.adapter.software ? ' (software)' : ''}`) : `none: ${probe.reason}`;
process.stdout.write(`CellDesk ${ENGINE_VERSION}, ONNX Runtime ${onnxRuntimeBackend.version}, Node ${process.versions.node}\n`);
process.stdout.write(`Device ${describeDevice(fingerprint.hardware)}\n`);
process.stdout.write(`WebGPU adapter: ${adapter} (probe ${(probeMs / 1000).toFixed(1)} s)\n`);
