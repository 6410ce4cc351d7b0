// The engine's only importer of onnxruntime-node: sessions for the CPnet contract on a chosen execution provider.
// Runs in Node (CLI, Electron utility process, browser-mode server), never in the renderer.
import { createRequire } from 'node:module';
import * as ort from 'onnxruntime-node';
import { CellDeskError } from '../errors';
import { NETWORK_FLOWS, NETWORK_INPUT, NETWORK_STYLE } from '../onnx/cpnetGraph';
import {
  EXECUTION_PROVIDERS,
  type ExecutionProvider,
  type InferenceBackend,
  type NetworkOutput,
  type NetworkSession,
  type ProviderAdapter,
  type ProviderCheck,
  type ProviderFailure,
  type SessionRequest,
} from './types';
import { probeGraph, probeWebGpu, type WebGpuProbe } from './webgpuProbe';

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
  return undefined;
}

/** onnxruntime-node's entry file, which the WebGPU probe's child process loads (see [Note: WebGPU adapter probe]). */
const RUNTIME_ENTRY = createRequire(import.meta.url).resolve('onnxruntime-node');

/** Whether WebGPU starts here and on which adapter (see [Note: WebGPU adapter probe]); probed once per process. */
export function probeWebGpuAdapter(): Promise<WebGpuProbe> {
  return probeWebGpu(RUNTIME_ENTRY);
}

/**
 * The adapter WebGPU would run on, or why it cannot start, found before a session opens in this process. `auto`
 * passes over a software adapter: it runs WebGPU on the CPU, slower than the CPU provider; asked for by name, it is
 * used (that is how CI tests WebGPU on machines without a GPU).
 */
async function webGpuAdapter(choice: SessionRequest['provider']): Promise<{ adapter: ProviderAdapter | null } | { reason: string }> {
  const probe = await probeWebGpuAdapter();
  if (!probe.available) return { reason: probe.reason };
  if (choice === 'auto' && probe.adapter?.software === true) {
    return { reason: `only a software adapter (${probe.adapter.name}), which runs on the CPU and is slower than the CPU provider; choose webgpu by name to use it anyway` };
  }
  return { adapter: probe.adapter };
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
    readonly adapter: ProviderAdapter | null,
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
      let adapter: ProviderAdapter | null = null;
      if (provider === 'webgpu') {
        const found = await webGpuAdapter(request.provider);
        if ('reason' in found) {
          failures.push({ provider, reason: found.reason });
          continue;
        }
        adapter = found.adapter;
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
        return new OrtNetworkSession(session, provider, failures, adapter);
      } catch (error) {
        failures.push({ provider, reason: failureReason(provider, error) });
      }
    }
    throw new ExecutionProviderError(failures);
  },
};

/**
 * [Note: providers here] Whether each execution provider starts on this computer, found without a model: a session
 * on a one-node graph, on the provider alone (WebGPU in its child process, see [Note: WebGPU adapter probe]). That
 * takes milliseconds, so the Benchmark view can tick only what will run before a run is started; the answer is kept
 * for the life of the process, as drivers do not change under it. A session that starts can still fail on the
 * CPnet's kernels: the benchmark reports that provider as not available, with the reason.
 */
let providerChecks: Promise<ProviderCheck[]> | null = null;

export function checkProvidersHere(): Promise<ProviderCheck[]> {
  providerChecks ??= (async () => {
    const checks: ProviderCheck[] = [];
    for (const provider of EXECUTION_PROVIDERS) checks.push(await checkProvider(provider));
    return checks;
  })();
  return providerChecks;
}

async function checkProvider(provider: ExecutionProvider): Promise<ProviderCheck> {
  const reason = unavailableReason(provider);
  if (reason !== undefined) return { provider, available: false, reason, adapter: null };
  if (provider === 'webgpu') {
    const probe = await probeWebGpuAdapter();
    return probe.available ? { provider, available: true, reason: null, adapter: probe.adapter } : { provider, available: false, reason: probe.reason, adapter: null };
  }
  try {
    const session = await ort.InferenceSession.create(probeGraph(), { executionProviders: [provider], logSeverityLevel: 4 });
    await session.release();
    return { provider, available: true, reason: null, adapter: null };
  } catch (error) {
    return { provider, available: false, reason: failureReason(provider, error), adapter: null };
  }
}
