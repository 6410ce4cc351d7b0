// Per-channel percentile normalization (Cellpose's normalize99 via normalize_img); pure, runs anywhere.
import { InvalidSettingError } from '../errors';
import { type PlanarImage, channelPlane, planeSize } from './image';

// [Note: numpy 1.x arithmetic]
// Official Cellpose 3.0.11 ran on NumPy 1.x, whose value-based casting decides the float width of every step:
// an operation between a float32 array and a float64 *scalar* runs in float32 (the scalar is rounded to float32
// first), while an operation between scalars runs in float64. So `np.percentile` of a float32 channel is a float64
// number (its linear interpolation mixes 0-d values), `x99 - x01` is float64, and `(X - x01) / (x99 - x01)` is
// float32 arithmetic on float32-rounded scalars. The stages reproduce that order of operations with Math.fround,
// which makes them match NumPy 1.x bit for bit (NumPy 2 keeps percentiles in float32 and differs by 1-2 ulp).

/**
 * NumPy's default ('linear') percentile of `values`, as NumPy 1.x computes it for float32 input (see
 * [Note: numpy 1.x arithmetic]): position p/100 * (n - 1) in the sorted values, interpolated in float64 from the
 * float32 difference of the two neighbours. Finds the neighbours by radix selection (two passes, no sort, no copy).
 * Assumes finite values: the orchestrator rejects images with NaN or infinite pixels before this stage.
 */
export function percentileLinear(values: Float32Array, q: number): number {
  return percentilesLinear(values, [q])[0]!;
}

/** `percentileLinear` for several q at once, sharing the selection passes. */
export function percentilesLinear(values: Float32Array, qs: readonly number[]): number[] {
  const selection = new PercentileSelection(values.length, qs);
  selection.countHigh(values);
  selection.locate();
  selection.countLow(values);
  return selection.percentiles();
}

/**
 * percentilesLinear over values seen in pieces, for images too large to hold (a whole slide read block by block):
 * every piece goes to countHigh, then locate(), then every piece again to countLow; percentiles() gives the same
 * numbers as percentilesLinear of all the values at once. Float32 bit patterns are mapped to unsigned keys that sort
 * like the numbers; the first pass histograms the high 16 key bits, the second the low 16 bits of the values in
 * the few high-bit bins that hold a wanted rank (radix selection: no sort, no copy).
 */
export class PercentileSelection {
  private readonly positions: number[];
  private readonly ranks: number[];
  private readonly high = new Uint32Array(65536);
  private readonly slotOfBin = new Int32Array(65536).fill(-1);
  private located: { rank: number; bin: number; slot: number; within: number }[] = [];
  private low = new Uint32Array(0);

  constructor(
    private readonly count: number,
    qs: readonly number[],
  ) {
    if (count === 0) throw new InvalidSettingError('Cannot compute a percentile of an empty image.');
    for (const q of qs) {
      if (!(q >= 0 && q <= 100)) throw new InvalidSettingError(`Percentiles lie between 0 and 100; got ${q}.`, { q });
    }
    this.positions = qs.map((q) => (count - 1) * (q / 100));
    const ranks = new Set<number>();
    for (const position of this.positions) {
      if (position >= count - 1) {
        ranks.add(count - 1);
      } else {
        ranks.add(Math.floor(position));
        ranks.add(Math.floor(position) + 1);
      }
    }
    this.ranks = [...ranks];
  }

  countHigh(values: Float32Array): void {
    const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
    for (let i = 0; i < bits.length; i++) this.high[sortKey(bits[i]!) >>> 16]!++;
  }

  /** After countHigh has seen every value: for each rank its high bin, that bin's slot in `low`, the rank inside the bin. */
  locate(): void {
    let slots = 0;
    this.located = this.ranks.map((rank) => {
      let bin = 0;
      let before = 0;
      while (before + this.high[bin]! <= rank) before += this.high[bin++]!;
      if (this.slotOfBin[bin] === -1) this.slotOfBin[bin] = slots++;
      return { rank, bin, slot: this.slotOfBin[bin]!, within: rank - before };
    });
    this.low = new Uint32Array(slots * 65536);
  }

  countLow(values: Float32Array): void {
    const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
    for (let i = 0; i < bits.length; i++) {
      const key = sortKey(bits[i]!);
      const slot = this.slotOfBin[key >>> 16]!;
      if (slot >= 0) this.low[slot * 65536 + (key & 0xffff)]!++;
    }
  }

  /** The percentiles asked for, once countLow has seen every value. */
  percentiles(): number[] {
    const scratch = new Float32Array(1);
    const scratchBits = new Uint32Array(scratch.buffer);
    const order = new Map<number, number>();
    for (const { rank, bin, slot, within } of this.located) {
      let lowBits = 0;
      let before = 0;
      while (before + this.low[slot * 65536 + lowBits]! <= within) before += this.low[slot * 65536 + lowBits++]!;
      scratchBits[0] = keyToBits(((bin << 16) | lowBits) >>> 0);
      order.set(rank, scratch[0]!);
    }
    const n = this.count;
    return this.positions.map((position) => {
      if (position >= n - 1) return order.get(n - 1)!;
      const below = Math.floor(position);
      const a = order.get(below)!;
      const b = order.get(below + 1)!;
      const t = position - below;
      const diff = Math.fround(b - a);
      // numpy's _lerp: a + diff * t, replaced by b - diff * (1 - t) where t >= 0.5.
      return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
    });
  }
}

/** The 1st and 99th percentiles (or lower, upper) of one channel: what normalize99 scales it by. */
export type ChannelBounds = readonly [lower: number, upper: number];

/**
 * Official `transforms.normalize_img` with default settings, i.e. `normalize99(channel, lower, upper)` per channel:
 * x01, x99 = the lower and upper percentiles; if x99 - x01 > 1e-3 the channel becomes (x - x01) / (x99 - x01),
 * otherwise all zeros. Cellpose 3.0.11 applies no separate "value range is zero" test here: a constant channel
 * (the empty nuclear channel included) has x99 - x01 = 0 and becomes zeros. Assumes finite pixel values.
 */
export function normalizePercentile(image: PlanarImage, lower = 1, upper = 99): PlanarImage {
  checkPercentiles(lower, upper);
  const bounds = Array.from({ length: image.channels }, (_, c) => percentilesLinear(channelPlane(image, c), [lower, upper]) as unknown as ChannelBounds);
  return normalizeWithBounds(image, bounds);
}

export function checkPercentiles(lower: number, upper: number): void {
  if (!(lower >= 0 && upper <= 100 && lower < upper)) {
    throw new InvalidSettingError(
      `The normalization percentiles must satisfy 0 <= lower < upper <= 100; got lower ${lower}, upper ${upper}.`,
      { lower, upper },
    );
  }
}

/** normalizePercentile's scaling with the percentiles of each channel given (those of a whole image, for a block of it). */
export function normalizeWithBounds(image: PlanarImage, bounds: readonly ChannelBounds[]): PlanarImage {
  const out = new Float32Array(image.data.length);
  const n = planeSize(image);
  for (let c = 0; c < image.channels; c++) {
    const plane = channelPlane(image, c);
    const [x01, x99] = bounds[c]!;
    const range = x99 - x01;
    if (!(range > 1e-3)) continue; // stays zeros
    // See [Note: numpy 1.x arithmetic]: both scalars are rounded to float32 before the float32 array operations.
    const offset = Math.fround(x01);
    const scale = Math.fround(range);
    const target = out.subarray(c * n, (c + 1) * n);
    for (let i = 0; i < n; i++) target[i] = Math.fround(plane[i]! - offset) / scale;
  }
  return { width: image.width, height: image.height, channels: image.channels, data: out };
}

/** Maps float32 bits to a uint32 that orders like the float (negatives reversed below positives). */
function sortKey(bits: number): number {
  return (bits & 0x80000000) !== 0 ? ~bits >>> 0 : (bits | 0x80000000) >>> 0;
}

function keyToBits(key: number): number {
  return (key & 0x80000000) !== 0 ? (key & 0x7fffffff) >>> 0 : ~key >>> 0;
}
