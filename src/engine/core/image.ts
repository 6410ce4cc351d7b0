// The image type every pipeline stage takes and returns: planar float32, channel-major.

/** Pixel (c, y, x) is at data[(c * height + y) * width + x]. */
export interface PlanarImage {
  width: number;
  height: number;
  channels: number;
  data: Float32Array;
}

export function planeSize(image: { width: number; height: number }): number {
  return image.width * image.height;
}

/** The view of channel c's plane (no copy). */
export function channelPlane(image: PlanarImage, c: number): Float32Array {
  const n = planeSize(image);
  return image.data.subarray(c * n, (c + 1) * n);
}
