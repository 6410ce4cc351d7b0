// The segmentation of a stack of planes (Cellpose 3.0.11's CellposeModel.eval on a Z stack with do_3D=False): each
// plane in 2D, then the planes' masks either kept apart or stitched into 3D labels. Runs in Node wherever a
// NetworkSession exists (CLI, worker).
import type { ExecutionProvider } from '../backend/types';
import { fillHolesAndRemoveSmallMasks } from '../core/fillHoles';
import type { PlanarImage } from '../core/image';
import { countMasks } from '../core/metrics';
import { stitchPlanes } from '../core/stitchPlanes';
import { InvalidSettingError } from '../errors';
import { ImagePositionOutOfRangeError } from '../image/errors';
import type { ImageStack } from '../image/imageStack';
import { rasterToPlanarFloat32 } from '../image/raster';
import type { ImageDescription } from '../../shared/engineTypes';
import type { DiameterEstimate } from './estimateDiameter';
import type { KeptNetworkOutput } from './keptNetworkOutput';
import type { RunHooks } from './progress';
import { estimateImageDiameter, segmentImage, withSizeModel, type SegmentationModel } from './segment';
import { resolveSettings, type CellposeSettings, type SegmentSettings } from './settings';

// [Note: stacks as Cellpose segments them] With do_3D=False, official Cellpose normalizes and runs the network on
// each plane as on a 2D image, and computes each plane's masks with the same thresholds. With stitch_threshold = 0
// the planes stay independent (each plane's labels 1..n, min_size applied per plane). With stitch_threshold > 0
// (and more than one plane) it computes the planes' masks with min_size -1 (holes filled, nothing removed), links
// them with utils.stitch3D ([Note: stitching planes]) and only then runs fill_holes_and_remove_small_masks on the
// volume, so min_size counts a cell's pixels over all its planes and the labels become 1..N over the volume. The
// same order is kept here. Diameter estimation (diameter 'estimate') has no official answer for a stack in this mode; the
// size model is run once, on the middle plane, and its diameter used for every plane, as Cellpose's 3D GUI shows
// and calibrates the middle plane first. Full 3D (do_3D: flows in three directions, 3D dynamics) would be another
// StackMethod producing the same StackSegmentation.

/** How the planes' masks become one label volume. */
export type StackMethod = { kind: 'independent' } | { kind: 'stitch'; threshold: number };

export interface StackSegmentation {
  /** Labels of every plane, one plane after the other (planes x height x width); 0 = background. */
  labels: Uint32Array;
  planes: number;
  width: number;
  height: number;
  method: StackMethod;
  /** Masks in each plane. */
  masksPerPlane: number[];
  /** Cells in the volume: 3D labels when stitched, else the masks of all planes together. */
  maskCount: number;
  diameter: number;
  diameterFromStyle: number | null;
  executionProvider: ExecutionProvider;
  settings: SegmentSettings;
  /** Milliseconds per stage summed over the planes, 'stitch' and `total`. */
  timings: Record<string, number>;
  /** Each plane's network output, when asked for (a session file keeps the flows); else empty. */
  networkOutputs: KeptNetworkOutput[];
}

export interface StackOptions {
  /** Keep each plane's network output in the result (it costs three float32 planes per plane). */
  keepNetworkOutput?: boolean;
}

/** The stack method a stitch threshold names: 0 keeps planes independent, above 0 stitches (Cellpose's rule). */
export function stackMethod(stitchThreshold: number): StackMethod {
  if (!Number.isFinite(stitchThreshold) || stitchThreshold < 0 || stitchThreshold > 1) {
    throw new InvalidSettingError(`The stitch threshold is an IoU from 0 (planes kept apart) to 1; got ${stitchThreshold}.`, { stitchThreshold });
  }
  return stitchThreshold === 0 ? { kind: 'independent' } : { kind: 'stitch', threshold: stitchThreshold };
}

function distinctLabels(labels: Uint32Array | Uint16Array): number {
  let max = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i]! > max) max = labels[i]!;
  return max;
}

/** A label volume's size: planes of width x height. */
export interface VolumeShape {
  planes: number;
  width: number;
  height: number;
}

/** The minimum size each plane's masks are computed with: none removed (-1) before stitching, as Cellpose does. */
export function planeMinSize(method: StackMethod, planes: number, minSize: number): number {
  return method.kind === 'stitch' && planes > 1 ? -1 : minSize;
}

/**
 * The planes' masks (computed with planeMinSize) linked into 3D labels by IoU, then holes filled and masks smaller
 * than `minSize` over the volume removed (see [Note: stacks as Cellpose segments them]); `labels` is changed too.
 */
export function linkPlanes(labels: Uint32Array, shape: VolumeShape, method: StackMethod & { kind: 'stitch' }, minSize: number): Uint32Array<ArrayBuffer> {
  const { planes, width, height } = shape;
  stitchPlanes(labels, planes, width * height, method.threshold);
  return Uint32Array.from(fillHolesAndRemoveSmallMasks(labels, height, width, minSize, planes));
}

/** Masks in each plane, and the cells of the volume (3D labels when stitched, else all planes' masks together). */
export function volumeCounts(labels: Uint32Array, shape: VolumeShape, method: StackMethod): { masksPerPlane: number[]; maskCount: number } {
  const { planes, width, height } = shape;
  const masksPerPlane = Array.from({ length: planes }, (_, z) => countMasks(labels.subarray(z * width * height, (z + 1) * width * height)));
  const stitched = method.kind === 'stitch' && planes > 1;
  return { masksPerPlane, maskCount: stitched ? distinctLabels(labels) : masksPerPlane.reduce((sum, n) => sum + n, 0) };
}

/**
 * Segments `planes` planes (read one at a time by `readPlane`, so that only one is held as float32) into one label
 * volume; see [Note: stacks as Cellpose segments them].
 */
export async function segmentStack(
  readPlane: (index: number) => Promise<PlanarImage>,
  planes: number,
  model: SegmentationModel,
  requested: CellposeSettings,
  method: StackMethod,
  hooks: RunHooks = {},
  options: StackOptions = {},
): Promise<StackSegmentation> {
  const start = performance.now();
  const settings = resolveSettings(requested);
  const timings: Record<string, number> = {};
  const add = (more: Record<string, number>) => {
    for (const [stage, ms] of Object.entries(more)) if (stage !== 'total') timings[stage] = (timings[stage] ?? 0) + ms;
  };
  let estimate: DiameterEstimate | null = null;
  if (settings.diameter === 'estimate' && planes > 1) {
    const { timings: estimateTimings, ...found } = await estimateImageDiameter(await readPlane(Math.floor(planes / 2)), withSizeModel(model), settings, hooks);
    add(estimateTimings);
    estimate = found;
  }
  const planeSettings = { ...settings, diameter: estimate?.diameter ?? settings.diameter, minSize: planeMinSize(method, planes, settings.minSize) };
  let diameter = 0;
  let diameterFromStyle: number | null = null;
  let labels = new Uint32Array(0);
  let width = 0;
  let height = 0;
  let executionProvider: ExecutionProvider = model.session.executionProvider;
  const networkOutputs: KeptNetworkOutput[] = [];
  for (let index = 0; index < planes; index++) {
    const result = await segmentImage(await readPlane(index), model, planeSettings, hooks);
    if (index === 0) {
      ({ width, height } = result);
      labels = new Uint32Array(planes * width * height);
    }
    labels.set(result.labels, index * width * height);
    if (options.keepNetworkOutput === true) networkOutputs.push(result.kept);
    executionProvider = result.executionProvider;
    // The diameter every plane used; a single plane is a 2D image, whose diameter segmentImage estimated itself.
    diameter = result.diameter;
    diameterFromStyle = estimate?.fromStyle ?? result.diameterFromStyle;
    add(result.timings);
  }
  if (method.kind === 'stitch' && planes > 1) {
    const stitchStart = performance.now();
    labels = linkPlanes(labels, { planes, width, height }, method, settings.minSize);
    timings.stitch = performance.now() - stitchStart;
  }
  timings.total = performance.now() - start;
  return {
    labels,
    planes,
    width,
    height,
    method,
    ...volumeCounts(labels, { planes, width, height }, method),
    diameter,
    diameterFromStyle,
    executionProvider,
    settings,
    timings,
    networkOutputs,
  };
}

/** Which planes and frames of a stack to segment, by index. */
export interface StackSelection {
  planes: number[];
  frames: number[];
}

/** Every plane and frame, or on each axis the one asked for (refused when the image has no such plane or frame). */
export function selectPlanes(description: Pick<ImageDescription, 'planes' | 'frames'>, asked: { plane?: number; frame?: number }): StackSelection {
  const pick = (axis: 'plane' | 'frame', index: number | undefined, count: number): number[] => {
    if (index === undefined) return Array.from({ length: count }, (_, i) => i);
    if (!Number.isInteger(index) || index < 0 || index >= count) throw new ImagePositionOutOfRangeError(axis, index, count);
    return [index];
  };
  return { planes: pick('plane', asked.plane, description.planes), frames: pick('frame', asked.frame, description.frames) };
}

/** The selected planes of each selected frame segmented as a stack (one StackSegmentation per frame). */
export async function segmentSelection(
  stack: ImageStack,
  selection: StackSelection,
  model: SegmentationModel,
  requested: CellposeSettings,
  method: StackMethod,
  hooks: RunHooks = {},
  options: StackOptions = {},
): Promise<StackSegmentation[]> {
  const results: StackSegmentation[] = [];
  for (const frame of selection.frames) {
    const readPlane = async (index: number) => rasterToPlanarFloat32(await stack.readPlane({ plane: selection.planes[index]!, frame }, hooks.signal));
    results.push(await segmentStack(readPlane, selection.planes.length, model, requested, method, hooks, options));
  }
  return results;
}
