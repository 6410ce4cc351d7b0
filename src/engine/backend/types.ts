// What the engine needs from an inference runtime: sessions that run the CPnet contract (see [Note: network
// contract] in src/engine/onnx/cpnetGraph.ts). Runtime-free, so the pipeline can be tested and reused anywhere.
import type { ProviderAdapter } from '../../shared/benchTypes';
import type { ExecutionProvider, ExecutionProviderChoice } from '../../shared/engineTypes';

export type { ProviderAdapter, ProviderCheck } from '../../shared/benchTypes';

export { EXECUTION_PROVIDERS, type ExecutionProvider, type ExecutionProviderChoice } from '../../shared/engineTypes';

export interface NetworkOutput {
  /** [n, 3, height, width]: dY, dX, cell probability logit. */
  flows: Float32Array;
  /** [n, 256], each row L2-normalised. */
  style: Float32Array;
}

export interface NetworkSession {
  readonly executionProvider: ExecutionProvider;
  /** Why `auto` (or a requested provider) ended up on this provider; empty when it is what was asked for. */
  readonly fallbackReasons: ProviderFailure[];
  /** The GPU adapter the session runs on, where known (see [Note: WebGPU adapter probe]); null on the CPU. */
  readonly adapter: ProviderAdapter | null;
  /** Runs a batch [n, 2, height, width]; height and width are multiples of 8. */
  run(batch: Float32Array, n: number, height: number, width: number): Promise<NetworkOutput>;
  /** Style only: works on full and style-only models (see [Note: style-only network]). */
  runStyle(batch: Float32Array, n: number, height: number, width: number): Promise<Float32Array>;
  release(): Promise<void>;
}

export interface ProviderFailure {
  provider: ExecutionProvider;
  reason: string;
}

export interface SessionRequest {
  /** ONNX model bytes or a path to an .onnx file. */
  model: Uint8Array | string;
  provider: ExecutionProviderChoice;
  /** CPU threads; 0 lets the runtime decide. */
  threads?: number;
}

export interface InferenceBackend {
  readonly name: string;
  readonly version: string;
  createSession(request: SessionRequest): Promise<NetworkSession>;
}
