// The network output as Cellpose's GUI shows it: the flow field as colours (plot.dx_to_circ) and the cell
// probability as grey. Pure; runs in the engine worker, which sends the bytes to the viewer.
//
// [Note: network output display] Both follow Cellpose 3.0.11's GUI, so a user comparing the two sees the same
// picture. Flows: hue from the direction of (dY, dX), brightness from the flow magnitude stretched between its 1st
// and 99th percentiles (transforms.normalize99) and clipped to 0..1; dx_to_circ's three phase-shifted cosines
// rather than an HSV conversion. Cell probability: the network's raw output (the input of a sigmoid, about -6..+6),
// stretched by normalize99 and clipped to 0..1, as the GUI and _seg.npy's flows[1] store it; not the sigmoid, which
// would squash most pixels to black or white. Both end as bytes truncated from value * 255, as numpy's astype(uint8).
import type { PlanarImage } from './image';
import { percentilesLinear } from './normalize';

/** The flow field and the cell probability, display-ready, at the size of the network output given. */
export interface NetworkOutputDisplay {
  width: number;
  height: number;
  /** RGB, 3 bytes per pixel, row-major. */
  flows: Uint8Array;
  /** Grey, 1 byte per pixel, row-major. */
  cellprob: Uint8Array;
}

/**
 * normalize99's scale: (x - p1) / (p99 - p1). A plane whose percentiles coincide (a constant plane) has no spread
 * to show; numpy would divide by zero, here it maps to 0.
 */
function stretch(values: Float32Array): { low: number; scale: number } {
  const [low, high] = percentilesLinear(values, [1, 99]) as [number, number];
  return { low, scale: high > low ? 1 / (high - low) : 0 };
}

function toByte(value: number): number {
  return value <= 0 ? 0 : value >= 1 ? 255 : Math.trunc(value * 255);
}

const THIRD = (2 * Math.PI) / 3;

/** plot.dx_to_circ([dY, dX]): RGB bytes, 3 per pixel. */
export function flowsToColour(dY: Float32Array, dX: Float32Array): Uint8Array {
  const n = dY.length;
  const magnitude = new Float32Array(n);
  for (let i = 0; i < n; i++) magnitude[i] = Math.sqrt(dY[i]! * dY[i]! + dX[i]! * dX[i]!);
  const { low, scale } = stretch(magnitude);
  const rgb = new Uint8Array(3 * n);
  for (let i = 0; i < n; i++) {
    const m = (magnitude[i]! - low) * scale;
    const mag = m < 0 ? 0 : m > 1 ? 1 : m;
    const angle = Math.atan2(dX[i]!, dY[i]!) + Math.PI;
    rgb[3 * i] = toByte((mag * (Math.cos(angle) + 1)) / 2);
    rgb[3 * i + 1] = toByte((mag * (Math.cos(angle + THIRD) + 1)) / 2);
    rgb[3 * i + 2] = toByte((mag * (Math.cos(angle + 2 * THIRD) + 1)) / 2);
  }
  return rgb;
}

/** The cell probability's raw output stretched by normalize99, clipped, as grey bytes. */
export function cellprobToGrey(cellprob: Float32Array): Uint8Array {
  const { low, scale } = stretch(cellprob);
  const grey = new Uint8Array(cellprob.length);
  for (let i = 0; i < cellprob.length; i++) grey[i] = toByte((cellprob[i]! - low) * scale);
  return grey;
}

/** Display bytes of a network output whose planes are dY, dX and the cell probability (as the pipeline keeps it). */
export function displayNetworkOutput(output: PlanarImage): NetworkOutputDisplay {
  const plane = output.width * output.height;
  return {
    width: output.width,
    height: output.height,
    flows: flowsToColour(output.data.subarray(0, plane), output.data.subarray(plane, 2 * plane)),
    cellprob: cellprobToGrey(output.data.subarray(2 * plane, 3 * plane)),
  };
}
