// The viewer's mapping from image pixels to screen pixels (screen = image * scale + offset), and the pan and zoom
// moves on it. Pure, runs anywhere.

export interface Viewport {
  scale: number;
  offsetX: number;
  offsetY: number;
}

export const MIN_SCALE = 1 / 64;
export const MAX_SCALE = 64;

const clampScale = (scale: number) => Math.min(MAX_SCALE, Math.max(MIN_SCALE, scale));

/** The whole image, as large as the view allows, centred. */
export function fitViewport(imageWidth: number, imageHeight: number, viewWidth: number, viewHeight: number): Viewport {
  const scale = clampScale(Math.min(viewWidth / imageWidth, viewHeight / imageHeight));
  return centred(scale, imageWidth, imageHeight, viewWidth, viewHeight);
}

/** One image pixel per screen pixel, centred. */
export function actualSizeViewport(imageWidth: number, imageHeight: number, viewWidth: number, viewHeight: number): Viewport {
  return centred(1, imageWidth, imageHeight, viewWidth, viewHeight);
}

function centred(scale: number, imageWidth: number, imageHeight: number, viewWidth: number, viewHeight: number): Viewport {
  return { scale, offsetX: (viewWidth - imageWidth * scale) / 2, offsetY: (viewHeight - imageHeight * scale) / 2 };
}

/** Zooms by `factor` keeping the screen point (x, y) over the same image point. */
export function zoomAt(view: Viewport, factor: number, x: number, y: number): Viewport {
  const scale = clampScale(view.scale * factor);
  const applied = scale / view.scale;
  return { scale, offsetX: x - (x - view.offsetX) * applied, offsetY: y - (y - view.offsetY) * applied };
}

export function panBy(view: Viewport, dx: number, dy: number): Viewport {
  return { ...view, offsetX: view.offsetX + dx, offsetY: view.offsetY + dy };
}

/** The image point under the screen point (x, y), in pixels (pixel k spans [k, k + 1)). */
export function toImagePoint(view: Viewport, x: number, y: number): [number, number] {
  return [(x - view.offsetX) / view.scale, (y - view.offsetY) / view.scale];
}

/** The same zoom, moved so that image point (x, y) is at the centre of the view. */
export function centreOn(view: Viewport, x: number, y: number, viewWidth: number, viewHeight: number): Viewport {
  return { ...view, offsetX: viewWidth / 2 - x * view.scale, offsetY: viewHeight / 2 - y * view.scale };
}
