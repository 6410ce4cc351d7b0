// The whole Cellpose 3.0.11 segmentation of one 2D image (models.Cellpose.eval): channels, normalisation, optional
// diameter estimation, the network pass, dynamics. Runs in Node wherever a NetworkSession exists (CLI, worker).
import type { ExecutionProvider, NetworkSession } from '../backend/types';
import type { SizeModel } from '../checkpoint/sizeModel';
import type { CpnetArchitecture } from '../checkpoint/types';
import { selectChannels } from '../core/channels';
import type { PlanarImage } from '../core/image';
import { normalizePercentile } from '../core/normalize';
import { resizeBilinear } from '../core/resize';
import { CellDeskError, InvalidSettingError } from '../errors';
import { defaultIterations, estimateDiameter, type DiameterEstimate } from './estimateDiameter';
import { KeptNetworkOutput } from './keptNetworkOutput';
import { IN_THREAD_MASKS } from './maskRunner';
import { StageTimer, type RunHooks } from './progress';
import { runNetworkPass } from './runNetwork';
import { resolveSettings, type CellposeSettings, type SegmentSettings } from './settings';

/** The image cannot be segmented as it is (e.g. NaN pixels). */
export class InvalidImageError extends CellDeskError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('INVALID_IMAGE', message, details);
  }
}

export interface SegmentationModel {
  session: NetworkSession;
  /** Session for style-only passes; the full session works too, only slower. */
  styleSession: NetworkSession;
  architecture: CpnetArchitecture;
  sizeModel?: SizeModel;
  /** Why the model's size model file cannot be used, when it cannot: raised only if a diameter is to be estimated. */
  sizeModelError?: CellDeskError;
}

export interface SegmentResult {
  /** Labels 1..N, 0 = background, height x width of the input. */
  labels: Uint16Array | Uint32Array;
  width: number;
  height: number;
  maskCount: number;
  /** The diameter the final pass used. */
  diameter: number;
  /** The size model's style guess, when the diameter was estimated. */
  diameterFromStyle: number | null;
  style: Float32Array;
  /** The network's dY, dX and cell probability at the input size and the dynamics iterations, kept so masks can be
   * recomputed for other thresholds without the network (and without the dynamics while cellprobThreshold stays). */
  kept: KeptNetworkOutput;
  executionProvider: ExecutionProvider;
  settings: SegmentSettings;
  /** Milliseconds per stage, and `total`. */
  timings: Record<string, number>;
}

function countNonFinite(image: PlanarImage): number {
  let count = 0;
  for (let i = 0; i < image.data.length; i++) if (!Number.isFinite(image.data[i]!)) count++;
  return count;
}

function maxLabel(labels: Uint16Array | Uint32Array): number {
  let max = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i]! > max) max = labels[i]!;
  return max;
}

/** The channels to segment, checked for non-numbers and normalized: what every network pass of an image takes. */
async function prepareInput(image: PlanarImage, settings: SegmentSettings, timer: StageTimer, hooks: RunHooks): Promise<PlanarImage> {
  const selected = selectChannels(image, settings.channels);
  const nonFinite = countNonFinite(selected);
  if (nonFinite > 0) {
    throw new InvalidImageError(
      `The image has ${nonFinite} pixel values that are not numbers (NaN or infinity) in the channels to segment. Replace them (for example with 0) and try again.`,
      { nonFinite },
    );
  }
  await hooks.onProgress?.({ stage: 'normalize', done: 0, total: 1 });
  hooks.signal?.throwIfAborted();
  return timer.time('normalize', () => normalizePercentile(selected));
}

/**
 * The diameter the size model estimates for an image (models.Cellpose.eval with diameter 'estimate', stopped before the
 * final pass): what the Segment view's Calibrate button shows without segmenting.
 */
export async function estimateImageDiameter(
  image: PlanarImage,
  model: SegmentationModel & { sizeModel: SizeModel },
  requested: CellposeSettings = {},
  hooks: RunHooks = {},
): Promise<DiameterEstimate & { timings: Record<string, number> }> {
  const settings = resolveSettings(requested);
  const timer = new StageTimer();
  const start = performance.now();
  const normalized = await prepareInput(image, settings, timer, hooks);
  const { session, styleSession, architecture, sizeModel } = model;
  const estimate = await estimateDiameter({ image: normalized, session, styleSession, architecture, sizeModel, batchSize: settings.batchSize, augment: settings.augment }, timer, hooks);
  timer.timings.total = performance.now() - start;
  return { ...estimate, timings: timer.timings };
}

/** The model, refused unless it has a size model: estimating the diameter (diameter 'estimate') needs one. */
export function withSizeModel(model: SegmentationModel): SegmentationModel & { sizeModel: SizeModel } {
  if (model.sizeModel === undefined) {
    throw model.sizeModelError ?? new InvalidSettingError("Estimating the diameter needs the model's size model, and none was found. Give a diameter, or the size model file.");
  }
  return { ...model, sizeModel: model.sizeModel };
}

export async function segmentImage(
  image: PlanarImage,
  model: SegmentationModel,
  requested: CellposeSettings = {},
  hooks: RunHooks = {},
): Promise<SegmentResult> {
  const settings = resolveSettings(requested);
  if (settings.diameter === 'estimate') withSizeModel(model);
  const timer = new StageTimer();
  const start = performance.now();
  const { batchSize, augment } = settings;
  const normalized = await prepareInput(image, settings, timer, hooks);

  let diameter: number;
  let diameterFromStyle: number | null = null;
  if (settings.diameter === 'estimate') {
    const estimate = await estimateDiameter(
      { image: normalized, session: model.session, styleSession: model.styleSession, architecture: model.architecture, sizeModel: model.sizeModel!, batchSize, augment },
      timer,
      hooks,
    );
    diameter = estimate.diameter;
    diameterFromStyle = estimate.fromStyle;
  } else {
    diameter = settings.diameter;
  }

  const rescale = model.architecture.diamMean / diameter;
  const pass = await timer.time('network', () => runNetworkPass(model.session, normalized, { rescale, batchSize, augment, stage: 'network' }, hooks));
  const flows =
    pass.maps.height === image.height && pass.maps.width === image.width
      ? pass.maps
      : await timer.time('resample', () => resizeBilinear(pass.maps, image.height, image.width));

  hooks.signal?.throwIfAborted();
  await hooks.onProgress?.({ stage: 'masks', done: 0, total: 1 });
  hooks.signal?.throwIfAborted();
  const niter = settings.niter ?? defaultIterations(rescale);
  const kept = new KeptNetworkOutput(flows, niter);
  const labels = await timer.time('masks', () => (hooks.masks ?? IN_THREAD_MASKS).finalMasks(kept, settings));
  await hooks.onProgress?.({ stage: 'masks', done: 1, total: 1 });

  timer.timings.total = performance.now() - start;
  return {
    labels,
    width: image.width,
    height: image.height,
    maskCount: maxLabel(labels),
    diameter,
    diameterFromStyle,
    style: pass.style,
    kept,
    executionProvider: model.session.executionProvider,
    settings,
    timings: timer.timings,
  };
}
