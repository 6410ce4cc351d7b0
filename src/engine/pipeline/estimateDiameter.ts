// Diameter estimation (models.SizeModel.eval of Cellpose 3.0.11): style regression, then the median diameter of
// masks computed at that guess. Runs wherever the pipeline runs.
import type { NetworkSession } from '../backend/types';
import type { CpnetArchitecture } from '../checkpoint/types';
import type { SizeModel } from '../checkpoint/sizeModel';
import { diameters } from '../core/diameters';
import type { PlanarImage } from '../core/image';
import { IN_THREAD_MASKS } from './maskRunner';
import { runNetworkPass, runStylePass } from './runNetwork';
import type { RunHooks, StageTimer } from './progress';
import { CELLPOSE_DEFAULTS } from './settings';

/** SizeModel._size_estimation: exp(A . (style - smean) + log(diam_mean) + ymean), at least 5 pixels. */
export function diameterFromStyle(style: Float32Array, sizeModel: SizeModel): number {
  let dot = 0;
  for (let k = 0; k < sizeModel.A.length; k++) dot += sizeModel.A[k]! * Math.fround(style[k]! - sizeModel.smean[k]!);
  return Math.max(5, Math.exp(dot + Math.log(sizeModel.diamMean) + sizeModel.ymean));
}

/** Cellpose's "200 iterations at the trained scale": np.uint32(1 / rescale * 200). */
export function defaultIterations(rescale: number): number {
  return Math.trunc((1 / rescale) * 200);
}

/** A diameter of 0 or NaN means "nothing measurable": Cellpose falls back to the size model's diam_mean. */
function orFallback(diameter: number, fallback: number): number {
  return diameter === 0 || Number.isNaN(diameter) ? fallback : diameter;
}

export interface DiameterEstimate {
  /** The diameter the final pass uses. */
  diameter: number;
  /** The style regression's guess (pass 1). */
  fromStyle: number;
}

export interface DiameterEstimationInput {
  image: PlanarImage;
  session: NetworkSession;
  styleSession: NetworkSession;
  architecture: CpnetArchitecture;
  sizeModel: SizeModel;
  batchSize: number;
  augment: boolean;
}

export async function estimateDiameter(input: DiameterEstimationInput, timer: StageTimer, hooks: RunHooks): Promise<DiameterEstimate> {
  const { image, sizeModel, architecture, batchSize, augment } = input;

  // Pass 1: the style at the training scale, diam_mean / diam_labels.
  const styleRescale = architecture.diamMean / architecture.diamLabels;
  const style = await timer.time('sizeStyle', () =>
    runStylePass(input.styleSession, image, { rescale: styleRescale, batchSize, augment, stage: 'sizeStyle' }, hooks),
  );
  const fromStyle = orFallback(diameterFromStyle(style, sizeModel), sizeModel.diamMean);

  // Pass 2: masks at the style's guess, without resampling and with non-interpolated dynamics.
  const rescale = sizeModel.diamMean / fromStyle;
  const labels = await timer.time('sizeMasks', async () => {
    const pass = await runNetworkPass(input.session, image, { rescale, batchSize, augment, stage: 'sizeMasks' }, hooks);
    hooks.signal?.throwIfAborted();
    const plane = pass.maps.height * pass.maps.width;
    return (hooks.masks ?? IN_THREAD_MASKS).computeMasks({
      dP: pass.maps.data.subarray(0, 2 * plane),
      cellprob: pass.maps.data.subarray(2 * plane, 3 * plane),
      height: pass.maps.height,
      width: pass.maps.width,
      niter: defaultIterations(rescale),
      // SizeModel.eval passes no thresholds: Cellpose's defaults apply whatever the user chose for the final pass.
      cellprobThreshold: CELLPOSE_DEFAULTS.cellprobThreshold,
      flowThreshold: CELLPOSE_DEFAULTS.flowThreshold,
      interp: false,
      minSize: CELLPOSE_DEFAULTS.minSize,
      resize: { height: image.height, width: image.width },
    });
  });
  return { diameter: orFallback(diameters(labels), sizeModel.diamMean), fromStyle };
}
