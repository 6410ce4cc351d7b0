// A stack of black planes: the canvas a session file's masks are shown on when their image cannot be found. Pure.
import { ImagePageOutOfRangeError, ImagePositionOutOfRangeError } from './errors';
import type { ImageStack } from './imageStack';

/** `planes` black planes of width x height (one channel of uint8), named as a TIFF when several, else a PNG. */
export function blankStack(width: number, height: number, planes: number): ImageStack {
  const format = planes > 1 ? ('tiff' as const) : ('png' as const);
  const description = { format, width, height, planes, frames: 1, channels: 1, pageCount: planes, sampleType: 'uint8' as const, pixelSize: null, axesFrom: 'undeclared' as const };
  return {
    description,
    readPlane({ plane, frame }) {
      if (!Number.isInteger(plane) || plane < 0 || plane >= planes) throw new ImagePositionOutOfRangeError('plane', plane, planes);
      if (frame !== 0) throw new ImagePositionOutOfRangeError('frame', frame, 1);
      return Promise.resolve({ width, height, channels: 1, sampleType: 'uint8', data: new Uint8Array(width * height), pageCount: planes, page: plane, format });
    },
    positionOfPage(page) {
      if (!Number.isInteger(page) || page < 0 || page >= planes) throw new ImagePageOutOfRangeError(format, page, planes);
      return { plane: page, frame: 0 };
    },
  };
}
