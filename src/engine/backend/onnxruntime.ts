// The engine's only importer of onnxruntime-node: sessions for the CPnet contract on a chosen execution provider.
// Runs in Node (CLI, Electron utility process, browser-mode server), never in the renderer.
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

/** The runtime's first error line, with a hint where the usual cause is a missing optional install. */
function failureReason(provider: ExecutionProvider, error: unknown): string {
  const text = (error instanceof Error ? error.message : String(error)).split('\n')[0]!.slice(0, 300);
  const unbundled = ort.listSupportedBackends().some((b) => b.name === provider && !b.bundled);
  return unbundled ? `${text} (its provider libraries are installed separately: see README, "GPU acceleration")` : text;
}

class OrtNetworkSession implements NetworkSession {
  constructor(
    private readonly session: ort.InferenceSession,
    readonly executionProvider: ExecutionProvider,
    readonly fallbackReasons: ProviderFailure[],
  ) {}

  async run(batch: Float32Array, n: number, height: number, width: number): Promise<NetworkOutput> {
    const input = new ort.Tensor('float32', batch, [n, 2, height, width]);
    const result = await this.session.run({ [NETWORK_INPUT]: input });
    const flows = result[NETWORK_FLOWS];
    const style = result[NETWORK_STYLE];
    if (flows === undefined || style === undefined) throw new Error('The network did not produce flows and style');
    return { flows: flows.data as Float32Array, style: style.data as Float32Array };
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
