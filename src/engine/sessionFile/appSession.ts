// Between session files and the shapes the app holds an image's masks in: a session opened for the Segment view
// (labels, the network output to show and to re-threshold, the settings it was made with), and a session built from
// the view's labels and kept network output, ready for encodeSegFile. Pure, runs in the engine worker or the CLI.
import { displayNetworkOutput } from '../core/flowDisplay';
import type { PlanarImage } from '../core/image';
import { InvalidSettingError } from '../errors';
import { NdArray, PythonDict } from '../formats/pythonValue';
import { defaultIterations } from '../pipeline/estimateDiameter';
import { KeptNetworkOutput } from '../pipeline/keptNetworkOutput';
import type { SegmentSettings } from '../pipeline/settings';
import { largestLabel, outlinesOf } from './labelVolume';
import { NO_FLOWS, buildFlows, type NetworkPlane } from './sessionFlows';
import type { CellposeSession, LabelVolume } from './types';

/** One plane's network output as the viewer draws it (the contract's NetworkOutputImages without the image id). */
export interface NetworkOutputPictures {
  width: number;
  height: number;
  /** RGB, 3 bytes per pixel, row-major. */
  flows: Uint8Array;
  /** Grey, 1 byte per pixel, row-major. */
  cellprob: Uint8Array;
}

/** A session as the Segment view holds an image's masks. */
export interface OpenedSession {
  width: number;
  height: number;
  /** Z planes; 1 for a 2D image. */
  planes: number;
  /** The labels, plane after plane: 0 background, 1..N masks. */
  labels: Uint32Array;
  maskCount: number;
  /** Per plane, the network output to show; null when the file has neither its pictures nor its network output. */
  networkPictures: NetworkOutputPictures[] | null;
  /** Per plane, the network output to re-threshold from; null when the file has no network output (flows[4]). */
  kept: KeptNetworkOutput[] | null;
  /** The settings the file records (channels, diameter, thresholds), for the controls. */
  settings: Partial<SegmentSettings>;
  /** The image's path as the file records it. */
  filename: string | null;
  /** What the file held that the app cannot use, in words. */
  notes: string[];
  /** The session itself, to pass back as `base` when saving, so that the GUI's entries survive. */
  session: CellposeSession;
}

// [Note: iterations of a reopened session] A session file keeps the network output but not the number of dynamics
// iterations it was turned into masks with. Cellpose's default is 200 / rescale = 200 x diameter / diam_mean, and
// diam_mean is 30 for every Cellpose 3 model but the nuclei ones (17): so a reopened session re-thresholds with the
// iterations of the file's diameter (30 when it has none) under the diam_mean given, 30 unless the caller knows the
// model. The masks of a re-threshold are then those a fresh official run at those thresholds would give.

/** `session` for the Segment view; `diamMean` of the model that made it, see [Note: iterations of a reopened session]. */
export function openSessionForApp(session: CellposeSession, diamMean = 30): OpenedSession {
  const { masks, flows } = session;
  const { width, height, planes } = masks;
  const plane = width * height;
  const labels = masks.data instanceof Uint32Array ? masks.data : Uint32Array.from(masks.data);
  const diameter = session.diameter !== undefined && session.diameter > 0 ? session.diameter : 30;
  const niter = defaultIterations(diamMean / diameter);
  const stored = flows.network?.data;
  const network = stored === undefined ? null : stored instanceof Float32Array ? stored : Float32Array.from(stored as Float64Array);
  // The network output is [3, (Z,) H, W]: plane z of channel c starts at (c * planes + z) * plane.
  const planeOutput = (z: number): PlanarImage => {
    if (planes === 1) return { width, height, channels: 3, data: network! };
    const data = new Float32Array(3 * plane);
    for (let c = 0; c < 3; c++) data.set(network!.subarray((c * planes + z) * plane, (c * planes + z + 1) * plane), c * plane);
    return { width, height, channels: 3, data };
  };
  const kept = network === null ? null : Array.from({ length: planes }, (_, z) => new KeptNetworkOutput(planeOutput(z), niter));
  const pictures =
    flows.picture !== null && flows.cellprobPicture !== null
      ? Array.from({ length: planes }, (_, z) => ({
          width,
          height,
          flows: (flows.picture!.data as Uint8Array).subarray(3 * z * plane, 3 * (z + 1) * plane),
          cellprob: (flows.cellprobPicture!.data as Uint8Array).subarray(z * plane, (z + 1) * plane),
        }))
      : kept?.map((k) => displayNetworkOutput(k.flows)) ?? null;
  const settings: Partial<SegmentSettings> = {};
  if (session.chanChoose !== undefined) settings.channels = session.chanChoose;
  if (session.diameter !== undefined && session.diameter > 0) settings.diameter = session.diameter;
  if (session.flowThreshold !== undefined) settings.flowThreshold = session.flowThreshold;
  if (session.cellprobThreshold !== undefined) settings.cellprobThreshold = session.cellprobThreshold;
  return {
    width,
    height,
    planes,
    labels,
    maskCount: largestLabel(labels),
    networkPictures: pictures,
    kept,
    settings,
    filename: session.filename ?? null,
    notes: session.notes,
    session,
  };
}

/** What the app has to save as a session file. */
export interface AppSessionInput {
  /** The labels, plane after plane (edited or not). */
  labels: Uint16Array | Uint32Array;
  width: number;
  height: number;
  /** Z planes, default 1; a stack is saved as [Z, H, W] even of one plane when `stack` is set. */
  planes?: number;
  stack?: boolean;
  /** The image's path (or name), recorded as Cellpose records it. */
  imagePath: string;
  channels: readonly [number, number];
  diameter: number;
  /** The run's network output per plane, and the cell probability threshold its masks were made at. */
  network?: { planes: readonly NetworkPlane[]; cellprobThreshold: number };
  /** Per mask, 1 where drawn by hand; default none. */
  isManual?: Uint8Array;
  /** The session the masks were opened from, whose entries the app does not edit are kept. */
  base?: CellposeSession;
}

/**
 * A session in io.masks_flows_to_seg's layout for the app's labels: outlines drawn from them, the flows of the kept
 * network output (none without it), and `base`'s other entries (its colours only while the mask count is unchanged).
 */
export function sessionFromApp(input: AppSessionInput): CellposeSession {
  const { labels, width, height, network, base } = input;
  const planes = input.planes ?? 1;
  const stack = input.stack ?? planes > 1;
  if (labels.length !== width * height * planes || (network !== undefined && network.planes.length !== planes)) {
    throw new InvalidSettingError(`The masks to save have ${labels.length} pixels, but ${planes} plane(s) of ${width} x ${height} need ${width * height * planes}, with one network output per plane.`, {
      length: labels.length,
      width,
      height,
      planes,
    });
  }
  const masks: LabelVolume = { width, height, planes, stack, data: labels };
  const count = largestLabel(labels);
  const keep: Partial<CellposeSession> = {};
  if (base !== undefined) {
    const { estDiam, modelPath, normalizeParams, restore, ratio, imgRestore, manualChanges, zdraw, currentChannel, colors } = base;
    Object.assign(keep, { estDiam, modelPath, normalizeParams, restore, ratio, imgRestore, manualChanges, zdraw, currentChannel });
    if (colors instanceof NdArray && colors.shape[0] === count) keep.colors = colors;
    for (const key of Object.keys(keep) as (keyof CellposeSession)[]) if (keep[key] === undefined) delete keep[key];
  }
  return {
    ...keep,
    masks,
    outlines: outlinesOf(masks),
    flows: network === undefined ? NO_FLOWS : buildFlows(network.planes, network.cellprobThreshold, stack),
    chanChoose: [input.channels[0], input.channels[1]],
    isManual: input.isManual ?? new Uint8Array(count),
    filename: input.imagePath,
    diameter: input.diameter,
    other: base?.other ?? new PythonDict(),
    notes: [],
  };
}
