// Deflate and zlib decompression that never produces more than it is allowed to: zip entries, TIFF strips and PNG
// image data are inflated through here (fflate's streaming inflater). Pure, runs anywhere.
//
// [Note: inflation limits] A compressed stream says nothing true about its own size: deflate can expand 1 KB into
// about 1 MB, so a small file can ask for gigabytes (a "zip bomb"). Every caller knows how much output it expects (a
// zip entry declares its size, a TIFF strip or a PNG's rows follow from the image's declared size) and passes that
// as the limit; the input is fed in slices no larger than can expand to the room left (deflate's ratio is at most
// 1032:1), and never smaller than 8 KiB (fflate's streaming inflater copies its window on every slice, so smaller
// ones cost more than the inflation), so inflation stops within 9 MB of the limit, in time proportional to the
// limit, however large the stream would have grown. What overflowed is not kept.
import { Inflate, Unzlib } from 'fflate';

/** Deflate's largest expansion: a byte of input yields at most this many bytes of output. */
const MAX_RATIO = 1032;
const MIN_SLICE = 8 * 1024;
const MAX_SLICE = 1 << 20;

export interface Inflated {
  /** The output, at most `limit` bytes. */
  data: Uint8Array;
  /** The stream would have produced more than `limit` bytes. */
  overflowed: boolean;
}

/** Feeds `input` to the inflater in slices that stop it within 9 MB past `limit`; returns the bytes produced. */
function inflateInSlices(input: Uint8Array, limit: number, wrapper: 'raw' | 'zlib', onChunk: (chunk: Uint8Array) => void): number {
  let produced = 0;
  const stream = wrapper === 'zlib' ? new Unzlib() : new Inflate();
  stream.ondata = (chunk) => {
    produced += chunk.length;
    onChunk(chunk);
  };
  let offset = 0;
  do {
    const room = Math.max(0, limit - produced);
    const slice = Math.min(MAX_SLICE, Math.max(MIN_SLICE, Math.floor(room / MAX_RATIO)));
    const end = Math.min(input.length, offset + slice);
    stream.push(input.subarray(offset, end), end === input.length);
    offset = end;
  } while (offset < input.length && produced <= limit);
  return produced;
}

/**
 * The first `limit` bytes (or fewer) that `input` (raw deflate, or zlib-wrapped) inflates to, and whether it would
 * have produced more (see [Note: inflation limits]). Throws fflate's error for a stream that is damaged or ends
 * early before `limit` bytes.
 */
export function inflateWithin(input: Uint8Array, limit: number, wrapper: 'raw' | 'zlib'): Inflated {
  const chunks: Uint8Array[] = [];
  let kept = 0;
  const produced = inflateInSlices(input, limit, wrapper, (chunk) => {
    if (kept >= limit) return;
    // A copy of the part wanted: a view would keep the whole, possibly huge, chunk alive.
    const part = kept + chunk.length <= limit ? chunk : chunk.slice(0, limit - kept);
    chunks.push(part);
    kept += part.length;
  });
  const data = chunks.length === 1 ? chunks[0]! : new Uint8Array(kept);
  if (chunks.length > 1) chunks.reduce((offset, chunk) => (data.set(chunk, offset), offset + chunk.length), 0);
  return { data, overflowed: produced > limit };
}

/** Whether `input` inflates to more than `limit` bytes, found without keeping the output. */
export function inflatesBeyond(input: Uint8Array, limit: number, wrapper: 'raw' | 'zlib'): boolean {
  return inflateInSlices(input, limit, wrapper, () => undefined) > limit;
}
