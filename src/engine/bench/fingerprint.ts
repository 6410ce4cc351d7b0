// What machine and software a run was measured on, and a stable id for the machine; Node side (CLI, Electron main).
// [Note: device fingerprint] The hardware part (platform, architecture, CPU model, logical cores, memory, GPU names)
// identifies a device: its hash is the device id, so two runs on the same computer share it across OS updates,
// driver updates and CellDesk versions, which are recorded beside it (the software part) to explain differences.
// Memory enters the id rounded to whole GiB, because the total the kernel reports moves by a few MiB between boots
// and kernels. GPU details come from optional tools (nvidia-smi, lspci, system_profiler, PowerShell), each given a
// few seconds; a tool missing or failing only leaves its part empty and never stops a run.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import { ENGINE_VERSION } from '../version';

import type { DeviceHardware, DeviceFingerprint, GpuAdapter } from '../../shared/benchTypes';

export type { DeviceFingerprint, DeviceHardware, GpuAdapter } from '../../shared/benchTypes';

const TOOL_TIMEOUT_MS = 4000;

/** A tool's standard output, or null when it is missing, fails or takes too long. */
function toolOutput(command: string, args: string[]): Promise<string | null> {
  return new Promise((resolve) => {
    execFile(command, args, { timeout: TOOL_TIMEOUT_MS, encoding: 'utf8', windowsHide: true }, (error, stdout) => resolve(error === null ? stdout : null));
  });
}

async function fileText(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return null;
  }
}

/** `lspci -mm` lines: slot "class" "vendor" "device" ...; display controllers only. */
function parseLspci(text: string): GpuAdapter[] {
  const adapters: GpuAdapter[] = [];
  for (const line of text.split('\n')) {
    const fields = [...line.matchAll(/"([^"]*)"/g)].map((m) => m[1]!);
    if (fields.length >= 3 && /VGA|3D|Display/i.test(fields[0]!)) adapters.push({ name: `${fields[1]} ${fields[2]}`, driver: null });
  }
  return adapters;
}

async function linuxGpus(): Promise<GpuAdapter[]> {
  const [smi, lspci, nvidiaProc] = await Promise.all([
    toolOutput('nvidia-smi', ['--query-gpu=name,driver_version', '--format=csv,noheader']),
    toolOutput('lspci', ['-mm']),
    fileText('/proc/driver/nvidia/version'),
  ]);
  const nvidia = (smi ?? '')
    .split('\n')
    .map((line) => line.split(',').map((f) => f.trim()))
    .filter((f) => f.length >= 2 && f[0] !== '')
    .map(([name, driver]) => ({ name: name!, driver: driver ?? null }));
  const procDriver = /Kernel Module\s+(?:for\s+\S+\s+)?([\d.]+)/.exec(nvidiaProc ?? '')?.[1] ?? null;
  const pci = parseLspci(lspci ?? '').map((a) => (/nvidia/i.test(a.name) ? { ...a, driver: procDriver } : a));
  // nvidia-smi names NVIDIA GPUs best; lspci adds the others (integrated graphics, other vendors).
  return nvidia.length > 0 ? [...nvidia, ...pci.filter((a) => !/nvidia/i.test(a.name))] : pci;
}

async function macGpus(): Promise<GpuAdapter[]> {
  const text = await toolOutput('system_profiler', ['SPDisplaysDataType', '-json']);
  if (text === null) return [];
  const parsed = JSON.parse(text) as { SPDisplaysDataType?: { sppci_model?: string; spdisplays_mtlgpufamilysupport?: string }[] };
  return (parsed.SPDisplaysDataType ?? []).flatMap((d) => (d.sppci_model === undefined ? [] : [{ name: d.sppci_model, driver: d.spdisplays_mtlgpufamilysupport ?? null }]));
}

async function windowsGpus(): Promise<GpuAdapter[]> {
  const text = await toolOutput('powershell.exe', ['-NoProfile', '-Command', 'Get-CimInstance Win32_VideoController | Select-Object Name,DriverVersion | ConvertTo-Json']);
  if (text === null || text.trim() === '') return [];
  const parsed = JSON.parse(text) as { Name?: string; DriverVersion?: string } | { Name?: string; DriverVersion?: string }[];
  return (Array.isArray(parsed) ? parsed : [parsed]).flatMap((g) => (g.Name === undefined ? [] : [{ name: g.Name, driver: g.DriverVersion ?? null }]));
}

async function gpuAdapters(): Promise<GpuAdapter[]> {
  try {
    if (process.platform === 'linux') return await linuxGpus();
    if (process.platform === 'darwin') return await macGpus();
    if (process.platform === 'win32') return await windowsGpus();
  } catch {
    // A tool printed something unexpected: the GPU part stays empty (see [Note: device fingerprint]).
  }
  return [];
}

async function osName(): Promise<string> {
  if (process.platform === 'linux') {
    const pretty = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec((await fileText('/etc/os-release')) ?? '')?.[1];
    if (pretty !== undefined) return pretty;
  }
  if (process.platform === 'darwin') {
    const version = await toolOutput('sw_vers', ['-productVersion']);
    if (version !== null) return `macOS ${version.trim()}`;
  }
  return os.version();
}

export interface FingerprintRequest {
  onnxRuntimeVersion: string;
  modelSha256: string | null;
}

/** This computer's fingerprint (see [Note: device fingerprint]). */
export async function collectFingerprint(request: FingerprintRequest): Promise<DeviceFingerprint> {
  const [gpus, name] = await Promise.all([gpuAdapters(), osName()]);
  const cpus = os.cpus();
  return {
    hardware: {
      platform: process.platform,
      arch: process.arch,
      cpuModel: cpus[0]?.model.trim() ?? 'unknown',
      cpuCores: cpus.length,
      memoryBytes: os.totalmem(),
      gpus: gpus.map((g) => g.name),
    },
    os: { name, release: os.release() },
    gpuDrivers: gpus,
    appVersion: ENGINE_VERSION,
    onnxRuntimeVersion: request.onnxRuntimeVersion,
    nodeVersion: process.versions.node,
    modelSha256: request.modelSha256,
  };
}

const GIB = 1024 ** 3;

/** 16 hex digits of the sha256 of the hardware part (see [Note: device fingerprint]). */
export function deviceId(hardware: DeviceHardware): string {
  const canonical = JSON.stringify([
    hardware.platform,
    hardware.arch,
    hardware.cpuModel,
    hardware.cpuCores,
    Math.round(hardware.memoryBytes / GIB),
    [...hardware.gpus].sort(),
  ]);
  return createHash('sha256').update(canonical).digest('hex').slice(0, 16);
}

/** One line naming the device for tables: CPU, cores, memory and GPUs. */
export function describeDevice(hardware: DeviceHardware): string {
  const gpus = hardware.gpus.length === 0 ? '' : `, ${hardware.gpus.join(' + ')}`;
  return `${hardware.cpuModel} (${hardware.cpuCores} cores), ${(hardware.memoryBytes / GIB).toFixed(0)} GiB, ${hardware.platform}-${hardware.arch}${gpus}`;
}
