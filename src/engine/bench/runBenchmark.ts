// The one-click benchmark: the protocol of [Note: benchmark protocol] on each requested execution provider, every
// sample handed to the recorder as soon as it is measured; cancellable. Node side (CLI, Electron worker).
import { randomUUID } from 'node:crypto';
import { EXECUTION_PROVIDERS, type ExecutionProvider, type InferenceBackend } from '../backend/types';
import type { ChannelChoice } from '../core/channels';
import type { PlanarImage } from '../core/image';
import { InvalidSettingError } from '../errors';
import type { ModelManager } from '../models/modelManager';
import { segmentImage, type SegmentationModel } from '../pipeline/segment';
import type { SegmentSettingsInput } from '../pipeline/settings';
import { collectFingerprint, deviceId } from './fingerprint';
import { cropImage, defaultCropSizes, DEFAULT_ITERATIONS, planCrops, type BenchmarkCrop } from './protocol';
import { openOnProvider } from './providers';
import { summarize } from '../../shared/bench/statistics';
import { DEFAULT_DIAMETER, type CropSize } from '../../shared/contract';
import type { BenchmarkEvent, BenchmarkRecorder, BenchmarkReport, BenchmarkRunInfo, BenchmarkSample, ProviderResult } from './types';


export interface BenchmarkImage {
  /** A file name, or the synthetic image's name. */
  name: string;
  sha256: string;
  image: PlanarImage;
}

export interface BenchmarkRequest {
  model: string;
  sizeModelPath?: string;
  image: BenchmarkImage;
  channels: ChannelChoice;
  /** Default: every 224 step that fits, then the full image. */
  sizes?: readonly CropSize[] | undefined;
  iterations?: number;
  /** Default: all of them, CPU first (speed-ups are against it). */
  providers?: readonly ExecutionProvider[];
  /** Default true; false segments at diameter 30. */
  estimateDiameter?: boolean;
}

export interface BenchmarkDependencies {
  manager: ModelManager;
  backend: InferenceBackend;
  /** Where the run is stored as it goes; none = not recorded. */
  recorder?: BenchmarkRecorder;
}

export interface BenchmarkHooks {
  signal?: AbortSignal;
  /** Awaited at each stage of a segmentation, as RunHooks.onProgress is (see [Note: engine worker]). */
  onEvent?: (event: BenchmarkEvent) => void | Promise<void>;
}

function checkRequest(request: BenchmarkRequest): { iterations: number; providers: ExecutionProvider[] } {
  const iterations = request.iterations ?? DEFAULT_ITERATIONS;
  if (!Number.isInteger(iterations) || iterations < 1 || iterations > 1000) {
    throw new InvalidSettingError(`The number of iterations must be a whole number from 1 to 1000; got ${iterations}.`);
  }
  const providers = [...(request.providers ?? EXECUTION_PROVIDERS)];
  if (providers.length === 0) throw new InvalidSettingError('The benchmark needs at least one execution provider.');
  if (new Set(providers).size !== providers.length) throw new InvalidSettingError(`An execution provider is listed twice: ${providers.join(', ')}.`);
  return { iterations, providers };
}

/** The run measures one provider after the other; this is one provider's part. */
interface ProviderRun {
  model: SegmentationModel;
  provider: ExecutionProvider;
  crops: BenchmarkCrop[];
  iterations: number;
  settings: SegmentSettingsInput;
  image: PlanarImage;
  hooks: BenchmarkHooks;
  onSample(sample: BenchmarkSample): void;
}

async function timedSegmentation(run: ProviderRun, image: PlanarImage, crop: BenchmarkCrop, iteration: number) {
  const { signal, onEvent } = run.hooks;
  return segmentImage(image, run.model, run.settings, {
    signal,
    onProgress: (progress) => onEvent?.({ type: 'stage', provider: run.provider, size: crop.size, iteration, progress }),
  });
}

/** The warm-up segmentation of the smallest crop; returns its time. */
async function warmUp(run: ProviderRun): Promise<number> {
  const smallest = run.crops.reduce((a, b) => (b.width * b.height < a.width * a.height ? b : a));
  const warmup = await timedSegmentation(run, cropImage(run.image, smallest), smallest, 0);
  return warmup.timings.total!;
}

async function measureSamples(run: ProviderRun): Promise<void> {
  for (const crop of run.crops) {
    const image = cropImage(run.image, crop);
    for (let iteration = 1; iteration <= run.iterations; iteration++) {
      const result = await timedSegmentation(run, image, crop, iteration);
      const { total, ...stages } = result.timings;
      run.onSample({
        provider: run.provider,
        size: crop.size,
        width: crop.width,
        height: crop.height,
        iteration,
        totalMs: total!,
        stages,
        maskCount: result.maskCount,
        diameter: result.diameter,
        measuredAt: new Date().toISOString(),
      });
    }
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Runs the benchmark. Returns the report when it completes or is cancelled (status 'cancelled', with what was
 * measured); any other failure marks the run 'interrupted' with its reason, keeps its samples, and is thrown.
 */
export async function runBenchmark(deps: BenchmarkDependencies, request: BenchmarkRequest, hooks: BenchmarkHooks = {}): Promise<BenchmarkReport> {
  const { iterations, providers } = checkRequest(request);
  const { image } = request.image;
  const crops = planCrops(image.width, image.height, request.sizes ?? defaultCropSizes(image.width, image.height));
  const estimateDiameter = request.estimateDiameter ?? true;
  const resolved = await deps.manager.resolve(request.model);
  if (estimateDiameter && request.sizeModelPath === undefined && resolved.sizeModelPath === null) {
    throw new InvalidSettingError(
      `The benchmark estimates the diameter of each image, which needs the size model of ${request.model}, and none was found. Give the size model file, or turn diameter estimation off (diameter ${DEFAULT_DIAMETER}).`,
    );
  }
  const fingerprint = await collectFingerprint({ onnxRuntimeVersion: deps.backend.version, modelSha256: resolved.sha256 });
  const run: BenchmarkRunInfo = {
    uuid: randomUUID(),
    deviceId: deviceId(fingerprint.hardware),
    startedAt: new Date().toISOString(),
    fingerprint,
    model: { name: request.model, sha256: resolved.sha256 },
    image: { name: request.image.name, sha256: request.image.sha256, width: image.width, height: image.height },
    protocol: { sizes: crops.map((c) => c.size), iterations, providers, estimateDiameter, channels: [request.channels[0], request.channels[1]] },
  };
  const perProvider = crops.length * iterations;
  let plannedSamples = providers.length * perProvider;
  const results: ProviderResult[] = [];
  const samples: BenchmarkSample[] = [];
  const settings: SegmentSettingsInput = { channels: [...request.channels], diameter: estimateDiameter ? 'estimate' : DEFAULT_DIAMETER };
  const onSample = (sample: BenchmarkSample) => {
    deps.recorder?.recordSample(run.uuid, sample);
    samples.push(sample);
    hooks.onEvent?.({ type: 'sample', sample, done: samples.length, plannedSamples });
  };
  const addProvider = (result: ProviderResult) => {
    deps.recorder?.recordProvider(run.uuid, result);
    results.push(result);
    hooks.onEvent?.({ type: 'provider', result, plannedSamples });
  };

  deps.recorder?.beginRun(run);
  hooks.onEvent?.({ type: 'started', run, plannedSamples });
  let status: 'completed' | 'cancelled' = 'completed';
  try {
    for (const provider of providers) {
      hooks.signal?.throwIfAborted();
      const opening = await openOnProvider(deps.manager, deps.backend, { model: request.model, sizeModelPath: request.sizeModelPath }, provider);
      if (!opening.available) {
        plannedSamples -= perProvider;
        addProvider({ provider, available: false, reason: opening.reason, sessionMs: null, firstRunMs: null, adapter: null });
        continue;
      }
      const { adapter } = opening.model.session;
      try {
        const providerRun: ProviderRun = { model: opening.model, provider, crops, iterations, settings, image, hooks, onSample };
        let firstRunMs: number;
        try {
          firstRunMs = await warmUp(providerRun);
        } catch (error) {
          // A session that starts but cannot run (a GPU driver refusing a kernel) is a provider that does not work here.
          if (hooks.signal?.aborted === true) throw error;
          plannedSamples -= perProvider;
          addProvider({ provider, available: false, reason: `the session started but could not run: ${errorText(error)}`, sessionMs: opening.sessionMs, firstRunMs: null, adapter });
          continue;
        }
        addProvider({ provider, available: true, reason: null, sessionMs: opening.sessionMs, firstRunMs, adapter });
        await measureSamples(providerRun);
      } finally {
        await opening.model.release();
      }
    }
  } catch (error) {
    if (hooks.signal?.aborted !== true) {
      deps.recorder?.finishRun(run.uuid, 'interrupted', errorText(error), new Date().toISOString());
      throw error;
    }
    status = 'cancelled';
  }
  const finishedAt = new Date().toISOString();
  deps.recorder?.finishRun(run.uuid, status, null, finishedAt);
  return { ...run, status, finishedAt, error: null, providers: results, samples, summary: summarize(samples) };
}
