// The flows list of a session file (see [Note: _seg.npy layout]): read and checked against the masks, written back,
// and made from a run's network output as io.masks_flows_to_seg makes it. Pure, runs anywhere.
import { cellEndPoints } from '../core/computeMasks';
import { cellprobToGrey, flowsToColour } from '../core/flowDisplay';
import type { PlanarImage } from '../core/image';
import { NdArray, PythonTuple, type PythonValue } from '../formats/pythonValue';
import type { LabelVolume, SessionFlows } from './types';

const FLOW_KEYS = ['picture', 'cellprobPicture', 'thirdPicture', 'pixelPositions', 'network'] as const;

export const NO_FLOWS: SessionFlows = Object.freeze({ picture: null, cellprobPicture: null, thirdPicture: null, pixelPositions: null, network: null });

function equalShapes(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((n, i) => n === b[i]);
}

/**
 * The flows of `value` (a list), each kept when it fits the masks: the pictures as bytes of the masks' planes and
 * size, the network output as floats [3, (Z,) H, W]. What does not fit is left out and said in `notes`.
 */
export function readFlows(value: PythonValue | undefined, masks: LabelVolume, notes: string[]): SessionFlows {
  if (value === undefined) return NO_FLOWS;
  const items = Array.isArray(value) ? value : value instanceof PythonTuple ? value.items : null;
  if (items === null) {
    notes.push("The file's flows are not a list; they were left out.");
    return NO_FLOWS;
  }
  const { planes, height, width, stack } = masks;
  const pixels = planes * height * width;
  const spatial = (array: NdArray, channels: number): boolean =>
    array.data.length === pixels * channels &&
    equalShapes(array.shape.slice(array.shape.length - (channels > 1 ? 3 : 2), channels > 1 ? -1 : undefined), [height, width]);
  const checks: Record<(typeof FLOW_KEYS)[number], (array: NdArray) => boolean> = {
    picture: (a) => a.dtype === 'u1' && a.shape[a.shape.length - 1] === 3 && spatial(a, 3),
    cellprobPicture: (a) => a.dtype === 'u1' && spatial(a, 1),
    thirdPicture: () => true,
    pixelPositions: () => true,
    network: (a) => (a.dtype === 'f4' || a.dtype === 'f8') && equalShapes(a.shape, stack ? [3, planes, height, width] : [3, height, width]),
  };
  const flows: SessionFlows = { ...NO_FLOWS };
  FLOW_KEYS.forEach((key, index) => {
    const item = items[index];
    if (!(item instanceof NdArray)) return;
    if (checks[key](item)) flows[key] = item;
    else notes.push(`flows[${index}] is ${item.dtype} of shape [${item.shape.join(', ')}], which does not fit masks of ${width} x ${height} pixels; it was left out.`);
  });
  return flows;
}

/**
 * The flows as a list for the file: up to the last one present, a missing one as an empty list; with none, the
 * GUI's own placeholder [[], [], [], [], [[]]].
 */
export function flowsList(flows: SessionFlows): PythonValue[] {
  const items = FLOW_KEYS.map((key) => flows[key]);
  let count = items.length;
  while (count > 0 && items[count - 1] === null) count--;
  if (count === 0) return [[], [], [], [], [[]]];
  return items.slice(0, count).map((item) => item ?? []);
}

/** One plane's network output as the pipeline keeps it: dY, dX and cell probability at image size, and its niter. */
export interface NetworkPlane {
  flows: PlanarImage;
  niter: number;
}

/**
 * The five flows io.masks_flows_to_seg writes for a run's network output (one plane per Z plane; `stack` for a
 * [Z, H, W] session even of one plane), with p from the dynamics at `cellprobThreshold`. The pictures come from
 * core/flowDisplay ([Note: network output display]): they match numpy's to within 1 per byte, not to the bit.
 */
export function buildFlows(planes: readonly NetworkPlane[], cellprobThreshold: number, stack: boolean): SessionFlows {
  const { width, height } = planes[0]!.flows;
  const plane = width * height;
  const z = planes.length;
  const volume = (channel: number): Float32Array => {
    if (z === 1) return planes[0]!.flows.data.subarray(channel * plane, (channel + 1) * plane);
    const out = new Float32Array(z * plane);
    planes.forEach((p, i) => out.set(p.flows.data.subarray(channel * plane, (channel + 1) * plane), i * plane));
    return out;
  };
  const [dY, dX, cellprob] = [volume(0), volume(1), volume(2)];
  const lead = stack ? [z] : [1];
  return {
    picture: new NdArray('u1', [...lead, height, width, 3], flowsToColour(dY, dX)),
    cellprobPicture: new NdArray('u1', [...lead, height, width], cellprobToGrey(cellprob)),
    thirdPicture: stack ? new NdArray('u1', [z, height, width], dYPicture(dY)) : new NdArray('u1', [1, height, width, 3], new Uint8Array(3 * plane)),
    pixelPositions: pixelPositions(planes, cellprobThreshold, stack),
    network: new NdArray('f4', stack ? [3, z, height, width] : [3, height, width], z === 1 ? planes[0]!.flows.data.subarray(0, 3 * plane) : concat([dY, dX, cellprob])),
  };
}

function concat(parts: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/**
 * (dY / 10 * 127 + 127).astype(uint8) in float32, as masks_flows_to_seg draws dY for a stack. Values outside 0..255
 * wrap modulo 256, as the x86 conversion NumPy relies on does.
 */
function dYPicture(dY: Float32Array): Uint8Array {
  const out = new Uint8Array(dY.length);
  for (let i = 0; i < dY.length; i++) {
    const v = Math.fround(Math.fround(Math.fround(dY[i]! / 10) * 127) + 127);
    out[i] = Number.isFinite(v) ? Math.trunc(v) & 0xff : 0;
  }
  return out;
}

/**
 * compute_masks' p per plane: y then x of each pixel's end point, float32; a plane without cells has uint16 zeros,
 * and a stack whose planes mix both is float32 (np.array of the planes' p), a stack of only empty planes uint16.
 */
function pixelPositions(planes: readonly NetworkPlane[], cellprobThreshold: number, stack: boolean): NdArray {
  const { width, height } = planes[0]!.flows;
  const plane = width * height;
  const ends = planes.map(({ flows, niter }) =>
    cellEndPoints({ dP: flows.data.subarray(0, 2 * plane), cellprob: flows.data.subarray(2 * plane, 3 * plane), height, width, niter, cellprobThreshold, interp: true }),
  );
  const shape = stack ? [planes.length, 2, height, width] : [2, height, width];
  if (ends.every((e) => e === null)) return new NdArray('u2', shape, new Uint16Array(2 * plane * planes.length));
  const out = new Float32Array(2 * plane * planes.length);
  ends.forEach((e, i) => {
    if (e === null) return;
    out.set(e.y, 2 * i * plane);
    out.set(e.x, (2 * i + 1) * plane);
  });
  return new NdArray('f4', shape, out);
}
