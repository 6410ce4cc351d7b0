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

/** A rectangle of an image: rows [top, top + height), columns [left, left + width). */
export interface Region {
  top: number;
  left: number;
  height: number;
  width: number;
}

/** Part of a larger image held as an image of its own: `image` is the region of the full image starting at (top, left). */
export interface ImageWindow {
  image: PlanarImage;
  top: number;
  left: number;
}

/** The pixels of `region` (which must lie inside the window) as an image of their own. */
export function cropWindow(window: ImageWindow, region: Region): PlanarImage {
  const { image } = window;
  const data = new Float32Array(image.channels * region.height * region.width);
  for (let c = 0; c < image.channels; c++) {
    for (let y = 0; y < region.height; y++) {
      const from = (c * image.height + region.top - window.top + y) * image.width + region.left - window.left;
      data.set(image.data.subarray(from, from + region.width), (c * region.height + y) * region.width);
    }
  }
  return { width: region.width, height: region.height, channels: image.channels, data };
}
