// The decoded image as its file stores it (sample type kept), and its conversion to the pipeline's planar float32.
// Pure, runs anywhere.
import type { PlanarImage } from '../core/image';
import type { ImageFormat } from './errors';

/** The typed array that holds each sample type. */
export interface SampleArrays {
  uint8: Uint8Array;
  uint16: Uint16Array;
  uint32: Uint32Array;
  int8: Int8Array;
  int16: Int16Array;
  int32: Int32Array;
  float32: Float32Array;
  float64: Float64Array;
}

export type SampleType = keyof SampleArrays;

export const SAMPLE_ARRAY_CONSTRUCTORS: { [T in SampleType]: new (length: number) => SampleArrays[T] } = {
  uint8: Uint8Array,
  uint16: Uint16Array,
  uint32: Uint32Array,
  int8: Int8Array,
  int16: Int16Array,
  int32: Int32Array,
  float32: Float32Array,
  float64: Float64Array,
};

export const BYTES_PER_SAMPLE: Readonly<Record<SampleType, number>> = {
  uint8: 1,
  uint16: 2,
  uint32: 4,
  int8: 1,
  int16: 2,
  int32: 4,
  float32: 4,
  float64: 8,
};

interface RasterFields {
  width: number;
  height: number;
  channels: number;
  /** Number of pages (images) in the file: more than 1 only for multi-page TIFF. */
  pageCount: number;
  /** The page decoded, 0-based. */
  page: number;
  format: ImageFormat;
}

/**
 * One decoded image. Planar, channel-major: sample (c, y, x) is data[(c * height + y) * width + x], whatever the
 * file's own layout (interleaved or planar). `sampleType` says which typed array `data` is.
 */
export type RasterImage = { [T in SampleType]: RasterFields & { sampleType: T; data: SampleArrays[T] } }[SampleType];

/**
 * The raster as the pipeline's planar float32 image: each sample converted as numpy's astype(np.float32) does
 * (integers above 2^24 and float64 values round to the nearest float32), which is what Cellpose does on input.
 */
export function rasterToPlanarFloat32(raster: RasterImage): PlanarImage {
  const { width, height, channels } = raster;
  const data = new Float32Array(raster.data);
  return { width, height, channels, data };
}
