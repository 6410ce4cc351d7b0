// Decompression of one TIFF strip or tile (none, LZW, Deflate, PackBits) to exactly the bytes it must hold, and the
// undoing of TIFF predictors. Pure, runs anywhere. See [Note: own TIFF reader] in tiffStructure.ts.
import { FileFormatError } from '../errors';
import { inflateWithin } from '../formats/inflate';

export const COMPRESSION_NAMES: Readonly<Record<number, string>> = {
  1: 'none',
  5: 'LZW',
  8: 'Deflate',
  32946: 'Deflate',
  32773: 'PackBits',
};

/** The compressed data of a strip or tile stops before it has produced all its pixels. */
export class ChunkEndedEarly extends Error {}

const CLEAR_CODE = 256;
const END_OF_INFORMATION = 257;
const FIRST_FREE_CODE = 258;
const MAX_CODE_WIDTH = 12;

/**
 * TIFF's LZW (MSB-first bit order, code width growing one code early, as libtiff writes it) into `out`, which it
 * fills exactly; throws ChunkEndedEarly if the stream ends first.
 */
function decodeLzw(input: Uint8Array, out: Uint8Array): void {
  const prefix = new Int16Array(4096);
  const suffix = new Uint8Array(4096);
  const firstByte = new Uint8Array(4096);
  const stringLength = new Uint16Array(4096);
  for (let code = 0; code < 256; code++) {
    prefix[code] = -1;
    suffix[code] = code;
    firstByte[code] = code;
    stringLength[code] = 1;
  }
  let nextCode = FIRST_FREE_CODE;
  let codeWidth = 9;
  let previous = -1;
  let written = 0;
  let bitBuffer = 0;
  let bitCount = 0;
  let inputAt = 0;

  while (written < out.length) {
    while (bitCount < codeWidth) {
      if (inputAt >= input.length) throw new ChunkEndedEarly();
      bitBuffer = ((bitBuffer << 8) | input[inputAt++]!) >>> 0;
      bitCount += 8;
    }
    bitCount -= codeWidth;
    const code = (bitBuffer >>> bitCount) & ((1 << codeWidth) - 1);
    bitBuffer &= (1 << bitCount) - 1;

    if (code === END_OF_INFORMATION) throw new ChunkEndedEarly();
    if (code === CLEAR_CODE) {
      nextCode = FIRST_FREE_CODE;
      codeWidth = 9;
      previous = -1;
      continue;
    }
    let emitted: number;
    if (previous === -1) {
      if (code > 255) throw new FileFormatError('tiff', 'This TIFF file is damaged: its LZW-compressed data is corrupt.');
      emitted = code;
    } else if (code < nextCode) {
      emitted = code;
      if (nextCode < 4096) addEntry(previous, firstByte[code]!);
    } else if (code === nextCode && nextCode < 4096) {
      addEntry(previous, firstByte[previous]!);
      emitted = code;
    } else {
      throw new FileFormatError('tiff', 'This TIFF file is damaged: its LZW-compressed data is corrupt.');
    }
    writeString(emitted);
    previous = code;
    if (nextCode === (1 << codeWidth) - 1 && codeWidth < MAX_CODE_WIDTH) codeWidth++;
  }

  function addEntry(prefixCode: number, byte: number): void {
    prefix[nextCode] = prefixCode;
    suffix[nextCode] = byte;
    firstByte[nextCode] = firstByte[prefixCode]!;
    stringLength[nextCode] = stringLength[prefixCode]! + 1;
    nextCode++;
  }

  function writeString(code: number): void {
    const length = stringLength[code]!;
    // A string longer than the room left is cut: the strip is full after it.
    let at = written + length - 1;
    let c = code;
    while (at >= out.length) {
      c = prefix[c]!;
      at--;
    }
    for (; c !== -1; c = prefix[c]!, at--) out[at] = suffix[c]!;
    written = Math.min(written + length, out.length);
  }
}

/** PackBits (Apple's run-length code) into `out`, which it fills exactly. */
function decodePackBits(input: Uint8Array, out: Uint8Array): void {
  let inputAt = 0;
  let written = 0;
  while (written < out.length) {
    if (inputAt >= input.length) throw new ChunkEndedEarly();
    const header = (input[inputAt++]! << 24) >> 24;
    if (header >= 0) {
      const literal = Math.min(header + 1, out.length - written);
      if (inputAt + literal > input.length) throw new ChunkEndedEarly();
      out.set(input.subarray(inputAt, inputAt + literal), written);
      inputAt += header + 1;
      written += literal;
    } else if (header !== -128) {
      if (inputAt >= input.length) throw new ChunkEndedEarly();
      const run = Math.min(1 - header, out.length - written);
      out.fill(input[inputAt++]!, written, written + run);
      written += run;
    }
  }
}

/** Inflates no further than the strip needs (see [Note: inflation limits]): whatever follows is not read. */
function inflate(input: Uint8Array, expectedLength: number): Uint8Array {
  let inflated: Uint8Array;
  try {
    inflated = inflateWithin(input, expectedLength, 'zlib').data;
  } catch (error) {
    // fflate's error code 0 is 'unexpected EOF': the stream stops mid-way.
    if ((error as { code?: unknown }).code === 0) throw new ChunkEndedEarly();
    throw new FileFormatError('tiff', 'This TIFF file is damaged: its Deflate-compressed data is corrupt.', {}, { cause: error });
  }
  if (inflated.length < expectedLength) throw new ChunkEndedEarly();
  return inflated;
}

/**
 * The decompressed bytes of one strip or tile, exactly `expectedLength` of them, in a buffer of its own (callers may
 * modify it). Throws ChunkEndedEarly when the data holds fewer.
 */
export function decompressChunk(compression: number, input: Uint8Array, expectedLength: number): Uint8Array {
  switch (compression) {
    case 1:
      if (input.length < expectedLength) throw new ChunkEndedEarly();
      return input.slice(0, expectedLength);
    case 5: {
      const out = new Uint8Array(expectedLength);
      decodeLzw(input, out);
      return out;
    }
    case 8:
    case 32946:
      return inflate(input, expectedLength);
    case 32773: {
      const out = new Uint8Array(expectedLength);
      decodePackBits(input, out);
      return out;
    }
    default:
      throw new Error(`decompressChunk: compression ${compression} must be refused before decoding`);
  }
}

type IntegerSamples = Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array | Int32Array;

/**
 * Undoes predictor 2 (horizontal differencing) in place: each sample was stored as the difference from the same
 * sample of the pixel to its left. Typed-array stores wrap, as the differencing did.
 */
export function undoHorizontalPredictor(samples: IntegerSamples, rows: number, rowSamples: number, samplesPerPixel: number): void {
  for (let r = 0; r < rows; r++) {
    const start = r * rowSamples;
    for (let i = start + samplesPerPixel, end = start + rowSamples; i < end; i++) {
      samples[i] = samples[i]! + samples[i - samplesPerPixel]!;
    }
  }
}

/**
 * Undoes predictor 3 (floating point, as libtiff writes it): per row, bytes were differenced with their neighbour
 * one pixel to the left, after each sample's bytes were split into planes, most significant first. Returns the
 * samples as big-endian bytes.
 */
export function undoFloatingPointPredictor(
  bytes: Uint8Array,
  rows: number,
  rowSamples: number,
  samplesPerPixel: number,
  bytesPerSample: number,
): Uint8Array {
  const rowBytes = rowSamples * bytesPerSample;
  const out = new Uint8Array(bytes.length);
  for (let r = 0; r < rows; r++) {
    const start = r * rowBytes;
    for (let i = start + samplesPerPixel, end = start + rowBytes; i < end; i++) {
      bytes[i] = (bytes[i]! + bytes[i - samplesPerPixel]!) & 0xff;
    }
    for (let k = 0; k < rowSamples; k++) {
      for (let b = 0; b < bytesPerSample; b++) out[start + k * bytesPerSample + b] = bytes[start + b * rowSamples + k]!;
    }
  }
  return out;
}
