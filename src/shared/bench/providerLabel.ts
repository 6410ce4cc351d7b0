// How an execution provider is named in the benchmark's tables and legends: with "(software GPU)" when it ran on a
// software adapter (see [Note: WebGPU adapter probe] in src/engine/backend/webgpuProbe.ts), so that a SwiftShader
// run is never read as a GPU's speed. Pure, runs anywhere.
import type { ProviderAdapter, ProviderResult } from '../benchTypes';
import type { ExecutionProvider } from '../engineTypes';

/** The provider's name, marked when its adapter is a software one. */
export function providerLabel(provider: ExecutionProvider, results: readonly Pick<ProviderResult, 'provider' | 'adapter'>[]): string {
  const adapter = results.find((result) => result.provider === provider)?.adapter;
  return adapter?.software === true ? `${provider} (software GPU)` : provider;
}

/** The adapter in words, for the lines that describe a provider's run. */
export function describeAdapter(adapter: ProviderAdapter): string {
  return adapter.software ? `${adapter.name}, a software GPU that runs on the CPU` : adapter.name;
}
