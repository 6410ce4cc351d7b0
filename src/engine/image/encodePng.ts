// Writes pixels as a PNG (with fast-png) for export: 8-bit grey, grey + alpha, RGB or RGBA, and 16-bit grey (label
// images up to 65535 cells). Pure, runs anywhere.
import { encode as encodeWithFastPng } from 'fast-png';
import { InvalidSettingError } from '../errors';

export interface PngPixels {
  width: number;
  height: number;
  /** 1 grey, 2 grey + alpha, 3 RGB, 4 RGBA. */
  channels: 1 | 2 | 3 | 4;
  /** Pixel-interleaved, row-major (as a canvas ImageData is): Uint8Array for 8-bit, Uint16Array for 16-bit. */
  data: Uint8Array | Uint16Array;
  /** tEXt chunks, keyword to Latin-1 text (a label image's `Description`: how its masks are numbered). */
  text?: Record<string, string>;
}

export function encodePng(pixels: PngPixels): Uint8Array {
  const { width, height, channels, data, text } = pixels;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new InvalidSettingError(`A PNG needs a whole-number width and height of at least 1, not ${width} x ${height}.`, { width, height });
  }
  if (![1, 2, 3, 4].includes(channels)) {
    throw new InvalidSettingError(`A PNG has 1 to 4 channels, not ${channels}.`, { channels });
  }
  if (data.length !== width * height * channels) {
    throw new InvalidSettingError(
      `The pixels hold ${data.length} values, but ${width} x ${height} pixels with ${channels} channel${channels === 1 ? '' : 's'} need ${width * height * channels}.`,
      { length: data.length, width, height, channels },
    );
  }
  return encodeWithFastPng({ width, height, channels, depth: data instanceof Uint16Array ? 16 : 8, data, ...(text === undefined ? {} : { text }) });
}
