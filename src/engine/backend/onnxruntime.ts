// The engine's only importer of onnxruntime-node: sessions for the CPnet contract on a chosen execution provider.
// Runs in Node (CLI, Electron utility process, browser-mode server), never in the renderer.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { CellDeskError } from '../errors';
import { NETWORK_FLOWS, NETWORK_INPUT, NETWORK_STYLE } from '../onnx/cpnetGraph';
import type {
  ExecutionProvider,
  InferenceBackend,
  NetworkOutput,
  NetworkSession,
  ProviderFailure,
  SessionRequest,
} from './types';

// Provider probing fails on purpose on most machines; the reasons are collected and shown by CellDesk instead of
// the runtime's own red log lines.
ort.env.logLevel = 'fatal';

/** No requested execution provider could start a session. */
export class ExecutionProviderError extends CellDeskError {
  constructor(failures: ProviderFailure[]) {
    super(
      'EXECUTION_PROVIDER_UNAVAILABLE',
      `Could not start the network on ${failures.map((f) => `${f.provider} (${f.reason})`).join('; ')}.`,
      { failures },
    );
  }
}

/** [Note: provider order] `auto` tries the fastest provider a platform can have first and ends on the CPU. */
export function autoProviderOrder(platform: NodeJS.Platform): ExecutionProvider[] {
  switch (platform) {
    case 'darwin':
      return ['coreml', 'webgpu', 'cpu'];
    case 'win32':
      return ['cuda', 'dml', 'webgpu', 'cpu'];
    default:
      return ['cuda', 'webgpu', 'cpu'];
  }
}

const PLATFORM_OF: Partial<Record<ExecutionProvider, NodeJS.Platform[]>> = {
  coreml: ['darwin'],
  dml: ['win32'],
  cuda: ['linux', 'win32'],
};

/** Why a provider cannot work here before even trying, or undefined when it is worth a try. */
function unavailableReason(provider: ExecutionProvider): string | undefined {
  const platforms = PLATFORM_OF[provider];
  if (platforms !== undefined && !platforms.includes(process.platform)) {
    return `not available on ${process.platform}`;
  }
  if (!ort.listSupportedBackends().some((b) => b.name === provider)) return 'not built into this ONNX Runtime';
  if (provider === 'webgpu' && process.platform === 'linux' && !vulkanLoaderPresent()) {
    return 'no Vulkan loader (libvulkan.so.1) found: install your GPU driver with its Vulkan support (Debian/Ubuntu: libvulkan1)';
  }
  return undefined;
}

const LINUX_LIBRARY_DIRS = ['/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib64', '/usr/lib', '/lib/x86_64-linux-gnu', '/lib64', '/lib', '/usr/local/lib'];

/**
 * WebGPU on Linux runs on Vulkan. Without the loader, Dawn prints its own warning to the terminal and fails; checking
 * first gives the user the actual remedy instead.
 */
function vulkanLoaderPresent(): boolean {
  const dirs = [...(process.env.LD_LIBRARY_PATH ?? '').split(':').filter((d) => d !== ''), ...LINUX_LIBRARY_DIRS];
  return dirs.some((dir) => existsSync(join(dir, 'libvulkan.so.1')));
}

/** The runtime's first error line, with a hint where the usual cause is a missing optional install. */
function failureReason(provider: ExecutionProvider, error: unknown): string {
  const text = (error instanceof Error ? error.message : String(error)).split('\n')[0]!.slice(0, 300);
  const unbundled = ort.listSupportedBackends().some((b) => b.name === provider && !b.bundled);
  return unbundled ? `${text} (its provider libraries are installed separately: see README, "GPU acceleration")` : text;
}

function outputData(result: ort.InferenceSession.OnnxValueMapType, name: string): Float32Array {
  const tensor = result[name];
  if (tensor === undefined || !(tensor.data instanceof Float32Array)) {
    throw new Error(`The model has no float32 output named '${name}'; it does not follow the CPnet contract.`);
  }
  return tensor.data;
}

class OrtNetworkSession implements NetworkSession {
  constructor(
    private readonly session: ort.InferenceSession,
    readonly executionProvider: ExecutionProvider,
    readonly fallbackReasons: ProviderFailure[],
  ) {}

  async run(batch: Float32Array, n: number, height: number, width: number): Promise<NetworkOutput> {
    const result = await this.session.run({ [NETWORK_INPUT]: new ort.Tensor('float32', batch, [n, 2, height, width]) });
    return { flows: outputData(result, NETWORK_FLOWS), style: outputData(result, NETWORK_STYLE) };
  }

  async runStyle(batch: Float32Array, n: number, height: number, width: number): Promise<Float32Array> {
    const input = new ort.Tensor('float32', batch, [n, 2, height, width]);
    return outputData(await this.session.run({ [NETWORK_INPUT]: input }, [NETWORK_STYLE]), NETWORK_STYLE);
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}

export const onnxRuntimeBackend: InferenceBackend = {
  name: 'onnxruntime-node',
  version: ort.env.versions.node ?? 'unknown',

  async createSession(request: SessionRequest): Promise<NetworkSession> {
    const candidates = request.provider === 'auto' ? autoProviderOrder(process.platform) : [request.provider];
    const failures: ProviderFailure[] = [];
    for (const provider of candidates) {
      const reason = unavailableReason(provider);
      if (reason !== undefined) {
        failures.push({ provider, reason });
        continue;
      }
      try {
        const options: ort.InferenceSession.SessionOptions = {
          executionProviders: [provider],
          graphOptimizationLevel: 'all',
          logSeverityLevel: 4,
          intraOpNumThreads: request.threads ?? 0,
        };
        const session =
          typeof request.model === 'string'
            ? await ort.InferenceSession.create(request.model, options)
            : await ort.InferenceSession.create(request.model, options);
        return new OrtNetworkSession(session, provider, failures);
      } catch (error) {
        failures.push({ provider, reason: failureReason(provider, error) });
      }
    }
    throw new ExecutionProviderError(failures);
  },
};
