// Pixels for the viewer's network-output layer: the flow field (RGB) or the cell probability (grey) the engine sent,
// as opaque RGBA, drawn between the image and the masks as Cellpose's GUI shows them in place of the image. Pure.
import type { NetworkOutputImages } from '../segmentControls';

/** Which network output the viewer shows over the image ('none': the image itself). */
export const NETWORK_LAYERS = ['none', 'flows', 'cellprob'] as const;
export type NetworkLayer = (typeof NETWORK_LAYERS)[number];

/** Writes `layer` of `output` into `target` (RGBA, width x height of the output); 'none' writes nothing. */
export function renderNetworkLayer(output: NetworkOutputImages, layer: NetworkLayer, target: Uint8ClampedArray): void {
  const plane = output.width * output.height;
  if (layer === 'flows') {
    const { flows } = output;
    for (let i = 0; i < plane; i++) {
      target[4 * i] = flows[3 * i]!;
      target[4 * i + 1] = flows[3 * i + 1]!;
      target[4 * i + 2] = flows[3 * i + 2]!;
      target[4 * i + 3] = 255;
    }
  } else if (layer === 'cellprob') {
    const { cellprob } = output;
    for (let i = 0; i < plane; i++) {
      target[4 * i] = target[4 * i + 1] = target[4 * i + 2] = cellprob[i]!;
      target[4 * i + 3] = 255;
    }
  }
}
