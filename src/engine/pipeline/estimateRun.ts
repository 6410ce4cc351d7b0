// How much memory and time a segmentation will take, known before it starts: a pure function of the image's size,
// the diameter, the model's trained diameter and the execution provider. Runs anywhere (CLI, engine worker).
//
// [Note: run estimates] A valid 249 KB PNG can hold 16000 x 16000 pixels, whose segmentation runs for many minutes
// and needs many gigabytes; the user should know that before it starts, and be able to decline. The cost follows
// the pipeline's structure: each network pass cuts the image, resized by diam_mean / diameter, into 224 x 224 tiles
// (tileLayout), and the network's time is proportional to their number; the dynamics walk each pixel of the image
// for 200 / rescale iterations; memory holds a few float32 copies of the image at both sizes (channels, flows,
// tiles, network outputs, end points), on top of the runtime's own working memory. Estimating the diameter adds a
// style pass and a first segmentation at the model's own scale. The coefficients below were measured with
// `npm run bench:estimate` (the demo model, 2 channels, synthetic cells, on the CPU of CellDesk's development
// machine: 2 cores of a busy shared x86-64 server, load average about 20): 1.0 to 1.4 s per tile, 0.03 to 0.07 s
// per million dynamics steps, peak memory 0.33 / 0.77 / 1.05 GB for 512, 1024 and 2048 px squares at the model's
// scale, and 0.40 and 0.98 GB for 1024 px at rescales 0.5 and 2. On an idle desktop the network runs several times
// faster, so the estimate errs on the high side; other providers' network times are the CPU's divided by a
// typical speed-up, not measured here. An estimate is a size, not a promise: within a factor of two or three.
//
// A run is large, and the user is asked before it starts, when it would take more than LARGE_RUN_SECONDS or more
// than half of the computer's memory: the 249 KB PNG of 16000 x 16000 pixels at the model's scale is estimated at
// about 3 hours and 60 GB on this CPU.
import type { ExecutionProvider } from '../backend/types';
import { CellDeskError } from '../errors';
import { rescaledSize } from '../core/resize';
import { tileLayout } from '../core/tile';
import { defaultIterations } from './estimateDiameter';
import type { SegmentationModel } from './segment';
import type { SegmentSettings } from './settings';
import type { DiameterSetting } from '../../shared/segmentSettings';

/** Bytes of memory per pixel of the image (channels, normalized copy, flows at full size, dynamics). */
const IMAGE_BYTES_PER_PIXEL = 90;
/** Bytes per pixel of the image as the network sees it (resized and padded: tiles, outputs, stitched maps). */
const NETWORK_BYTES_PER_PIXEL = 150;
/** The runtime's working memory for a batch of tiles, and what a run holds whatever the image. */
const FIXED_BYTES = 300e6;

/** Seconds of network time per 224 x 224 tile on the CPU (batches of 8), and the first batch's extra. */
const CPU_SECONDS_PER_TILE = 1.1;
const WARM_UP_SECONDS = 4;
/** A style-only pass (the encoder) costs this share of a full pass. */
const STYLE_SHARE = 0.5;
/** Seconds of dynamics per million pixel-iterations (each of the image's pixels, 200 / rescale times). */
const DYNAMICS_SECONDS_PER_MEGA_STEP = 0.04;
/** Seconds per megapixel for the rest (normalization, resizing, mask clean-up and measurements). */
const OTHER_SECONDS_PER_MEGAPIXEL = 0.4;

/** Typical network speed-up over the CPU per provider (not measured on the calibration machine). */
const PROVIDER_SPEEDUP: Readonly<Record<ExecutionProvider, number>> = { cpu: 1, webgpu: 4, coreml: 4, dml: 4, cuda: 10 };

export interface RunEstimateRequest {
  width: number;
  height: number;
  /** In pixels, or estimated with the size model. */
  diameter: DiameterSetting;
  /** The model's trained diameter (diam_mean). */
  diamMean: number;
  provider: ExecutionProvider;
  augment: boolean;
  batchSize: number;
  /** Dynamics iterations asked for; absent: Cellpose's 200 / rescale. */
  niter?: number | undefined;
}

export interface RunEstimate {
  /** Peak memory the run adds to what holds the image and the model. */
  memoryBytes: number;
  seconds: number;
  /** Network tiles over all passes. */
  networkTiles: number;
  provider: ExecutionProvider;
}

/** Pixels and tiles of one network pass at `rescale`. */
function pass(height: number, width: number, rescale: number, augment: boolean): { pixels: number; tiles: number } {
  // The image resized, then padded to a multiple of 16 plus 8 on each side (padForNetwork).
  const padded = (length: number) => 16 * Math.ceil(rescaledSize(length, rescale) / 16) + 16;
  const layout = tileLayout(padded(height), padded(width), { augment });
  return { pixels: padded(height) * padded(width), tiles: layout.ny * layout.nx };
}

/** The estimate of one segmentation (see [Note: run estimates]). */
export function estimateRun(request: RunEstimateRequest): RunEstimate {
  const { width, height, diamMean, provider, augment } = request;
  const pixels = width * height;
  const estimating = request.diameter === 'estimate';
  // An estimated diameter is not known before the run; the model's own is the likeliest.
  const rescale = request.diameter === 'estimate' ? 1 : diamMean / request.diameter;
  const iterations = (scale: number) => request.niter ?? defaultIterations(scale);
  const final = pass(height, width, rescale, augment);
  const tileSeconds = CPU_SECONDS_PER_TILE / PROVIDER_SPEEDUP[provider];
  let networkSeconds = final.tiles * tileSeconds;
  let megaSteps = (pixels * iterations(rescale)) / 1e6;
  let tiles = final.tiles;
  if (estimating) {
    // The style pass and the first segmentation at the size model's guess, taken at the model's own scale.
    const first = pass(height, width, 1, augment);
    networkSeconds += first.tiles * tileSeconds * (1 + STYLE_SHARE);
    megaSteps += (first.pixels * iterations(1)) / 1e6;
    tiles += 2 * first.tiles;
  }
  const seconds = WARM_UP_SECONDS + networkSeconds + megaSteps * DYNAMICS_SECONDS_PER_MEGA_STEP + (pixels / 1e6) * OTHER_SECONDS_PER_MEGAPIXEL;
  const networkPixels = estimating ? Math.max(final.pixels, pass(height, width, 1, augment).pixels) : final.pixels;
  const memoryBytes = FIXED_BYTES + IMAGE_BYTES_PER_PIXEL * pixels + NETWORK_BYTES_PER_PIXEL * networkPixels * (augment ? 2 : 1);
  return { memoryBytes, seconds, networkTiles: tiles, provider };
}

/** Bytes per pixel a stack's run keeps of each plane segmented: its labels, until the masks are written. */
const LABEL_BYTES_PER_PIXEL = 4;

/**
 * The estimate of segmenting `planes` planes of width x height (a stack's, one after the other) with an opened model
 * (its provider known) and these settings: each plane's time, and one plane's memory plus every plane's labels.
 */
export function estimateSegmentation(
  width: number,
  height: number,
  settings: SegmentSettings,
  model: Pick<SegmentationModel, 'architecture' | 'session'>,
  planes = 1,
): RunEstimate {
  const { diameter, augment, batchSize, niter } = settings;
  const plane = estimateRun({ width, height, diameter, diamMean: model.architecture.diamMean, provider: model.session.executionProvider, augment, batchSize, niter });
  if (planes === 1) return plane;
  return {
    ...plane,
    seconds: plane.seconds * planes,
    networkTiles: plane.networkTiles * planes,
    memoryBytes: plane.memoryBytes + LABEL_BYTES_PER_PIXEL * width * height * planes,
  };
}

/** Runs longer than this are large (see [Note: run estimates]). */
export const LARGE_RUN_SECONDS = 600;

/** Whether the run takes long enough, or memory enough, that the user should say yes first. */
export function isLargeRun(estimate: RunEstimate, totalMemoryBytes: number, largeSeconds = LARGE_RUN_SECONDS): boolean {
  return estimate.seconds > largeSeconds || estimate.memoryBytes > totalMemoryBytes / 2;
}

function duration(seconds: number): string {
  if (seconds < 90) return `${Math.max(1, Math.round(seconds))} s`;
  const minutes = Math.round(seconds / 60);
  return minutes < 90 ? `${minutes} min` : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

function gigabytes(bytes: number): string {
  return `${(bytes / 1e9).toFixed(bytes < 10e9 ? 1 : 0)} GB`;
}

/** The estimate in words: "about 3 h 5 min and 61 GB of memory on cpu (this computer has 16 GB)". */
export function describeEstimate(estimate: RunEstimate, totalMemoryBytes: number): string {
  return `about ${duration(estimate.seconds)} and ${gigabytes(estimate.memoryBytes)} of memory on ${estimate.provider} (this computer has ${gigabytes(totalMemoryBytes)})`;
}

/** A run was not started because it is large and nobody said yes to it. */
export class LargeRunError extends CellDeskError {
  /** `whatThen`: how to go ahead, as a sentence. */
  constructor(size: { width: number; height: number; diameter: DiameterSetting; planes?: number }, estimate: RunEstimate, totalMemoryBytes: number, whatThen: string) {
    const diameter = size.diameter === 'estimate' ? 'with the diameter estimated' : `at a diameter of ${size.diameter} px`;
    const what = (size.planes ?? 1) > 1 ? `these ${size.planes} planes of ${size.width} x ${size.height}` : `this ${size.width} x ${size.height} image`;
    super(
      'LARGE_RUN',
      `Segmenting ${what} ${diameter} would take ${describeEstimate(estimate, totalMemoryBytes)}, so it was not started. ${whatThen}`,
      { ...size, estimate: { ...estimate }, totalMemoryBytes },
    );
  }
}
