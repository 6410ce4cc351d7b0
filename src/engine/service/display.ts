// How an image is shown: its samples for the viewer, each channel's default display range (1st to 99th
// percentile, Cellpose's normalize99), and an 8-bit RGB rendering for the outlines export. Pure; runs in the worker.
import type { RasterImage } from '../image/raster';

/** Float channels are ranked on an evenly spaced sample of at most this many pixels; integer ones exactly. */
const FLOAT_SAMPLE = 1 << 20;

/** The q-th percentile (0..100) of sorted values, interpolated linearly between ranks as numpy.percentile does. */
function percentileOfSorted(sorted: Float64Array | Float32Array, q: number): number {
  if (sorted.length === 0) return 0;
  const rank = (q / 100) * (sorted.length - 1);
  const below = Math.floor(rank);
  const above = Math.min(sorted.length - 1, below + 1);
  return sorted[below]! + (sorted[above]! - sorted[below]!) * (rank - below);
}

/** The value at 0-based `rank` among the counted values of a histogram of integers offset by `lowest`. */
function valueAtRank(histogram: Float64Array, rank: number, lowest: number): number {
  let seen = 0;
  for (let value = 0; value < histogram.length; value++) {
    seen += histogram[value]!;
    if (seen > rank) return value + lowest;
  }
  return histogram.length - 1 + lowest;
}

function integerPercentiles(plane: ArrayLike<number>, bins: number, quantiles: readonly number[]): number[] {
  const histogram = new Float64Array(bins);
  for (let i = 0; i < plane.length; i++) histogram[plane[i]!]! += 1;
  const n = plane.length;
  return quantiles.map((q) => {
    const rank = (q / 100) * (n - 1);
    const below = valueAtRank(histogram, Math.floor(rank), 0);
    const above = valueAtRank(histogram, Math.min(n - 1, Math.floor(rank) + 1), 0);
    return below + (above - below) * (rank - Math.floor(rank));
  });
}

function sampledPercentiles(plane: ArrayLike<number>, quantiles: readonly number[]): number[] {
  const step = Math.max(1, Math.floor(plane.length / FLOAT_SAMPLE));
  const sample = new Float64Array(Math.ceil(plane.length / step));
  let count = 0;
  for (let i = 0; i < plane.length; i += step) {
    const value = plane[i]!;
    if (Number.isFinite(value)) sample[count++] = value;
  }
  const sorted = sample.subarray(0, count).sort();
  return quantiles.map((q) => percentileOfSorted(sorted, q));
}

function channelView(raster: RasterImage, c: number): ArrayLike<number> {
  const plane = raster.width * raster.height;
  return raster.data.subarray(c * plane, (c + 1) * plane);
}

/** Per channel: the [1st, 99th] percentiles and the [smallest, largest] finite values. */
export function channelStatistics(raster: RasterImage): { ranges: [number, number][]; extents: [number, number][] } {
  const ranges: [number, number][] = [];
  const extents: [number, number][] = [];
  for (let c = 0; c < raster.channels; c++) {
    const plane = channelView(raster, c);
    const [p1, p99, low, high] =
      raster.sampleType === 'uint8' || raster.sampleType === 'uint16'
        ? integerPercentiles(plane, raster.sampleType === 'uint8' ? 256 : 65536, [1, 99, 0, 100])
        : sampledPercentiles(plane, [1, 99, 0, 100]);
    ranges.push([p1!, p99!]);
    extents.push([low!, high!]);
  }
  return { ranges, extents };
}

/** The samples to send to the viewer: 8- and 16-bit as stored, anything else as float32. */
export function displaySamples(raster: RasterImage): Uint8Array | Uint16Array | Float32Array {
  if (raster.sampleType === 'uint8' || raster.sampleType === 'uint16' || raster.sampleType === 'float32') return raster.data;
  return new Float32Array(raster.data);
}

/**
 * 8-bit RGB, pixel-interleaved: one channel as grey, otherwise channels 1, 2, 3 as red, green, blue (further channels
 * not shown), each mapped linearly from its range to 0..255 and clipped.
 */
export function renderRgb(raster: RasterImage, ranges: readonly (readonly [number, number])[]): Uint8Array {
  const plane = raster.width * raster.height;
  const rgb = new Uint8Array(plane * 3);
  const shown = Math.min(3, raster.channels);
  for (let c = 0; c < shown; c++) {
    const values = channelView(raster, c);
    const [low, high] = ranges[c]!;
    const scale = high > low ? 255 / (high - low) : 0;
    const targets = raster.channels === 1 ? [0, 1, 2] : [c];
    for (let i = 0; i < plane; i++) {
      const value = Math.round((values[i]! - low) * scale);
      const byte = value < 0 ? 0 : value > 255 ? 255 : value;
      for (const target of targets) rgb[i * 3 + target] = byte;
    }
  }
  return rgb;
}
