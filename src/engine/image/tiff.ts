// Decodes one page of a TIFF (classic or BigTIFF, either byte order, strips or tiles, interleaved or planar) into a
// planar RasterImage of the samples as stored, whole or region by region (whole slides). Pure, runs anywhere. See [Note: own TIFF reader] in tiffStructure.ts.
//
// Samples are returned raw, as tifffile's asarray() (Cellpose's TIFF reader) returns them: a palette image gives its
// indices, a MinIsWhite image is not inverted, extra samples (alpha) are kept as channels.
import type { Region } from '../core/image';
import { FileFormatError, InvalidSettingError } from '../errors';
import { createCheckpoint } from './abort';
import { ImagePageOutOfRangeError, ImageTooLargeError, UnsupportedImageError } from './errors';
import { checkDeclaredSize, type ImageLimits } from './limits';
import { BYTES_PER_SAMPLE, SAMPLE_ARRAY_CONSTRUCTORS, type RasterImage, type SampleArrays, type SampleType } from './raster';
import {
  ChunkEndedEarly,
  COMPRESSION_NAMES,
  decompressChunk,
  undoFloatingPointPredictor,
  undoHorizontalPredictor,
} from './tiffCodecs';
import type { PageShape, TiffCalibration } from './imageAxes';
import {
  bytesInMemory,
  HOST_IS_LITTLE_ENDIAN,
  openTiff,
  readTags,
  TAG,
  tagRational,
  tagText,
  tagValue,
  tagValues,
  truncatedTiff,
  type TagSet,
  type TiffFile,
} from './tiffStructure';

type Samples = SampleArrays[SampleType];

/** Where one page's pixels are and how they are stored, checked against the limits and the file's length. */
export interface PageLayout {
  width: number;
  height: number;
  samplesPerPixel: number;
  sampleType: SampleType;
  compression: number;
  predictor: number;
  /** Strips are chunks as wide as the image. */
  tiled: boolean;
  chunkWidth: number;
  chunkHeight: number;
  chunksAcross: number;
  chunksDown: number;
  /** 1 when samples are interleaved (one set of chunks), samplesPerPixel when planar (one set per sample). */
  planes: number;
  offsets: number[];
  byteCounts: number[] | undefined;
}

const SAMPLE_TYPES: Readonly<Record<string, SampleType>> = {
  'uint 8': 'uint8',
  'uint 16': 'uint16',
  'uint 32': 'uint32',
  'int 8': 'int8',
  'int 16': 'int16',
  'int 32': 'int32',
  'float 32': 'float32',
  'float 64': 'float64',
};

/** Names for the compressions people meet, so a refusal can say which one the file uses. */
const OTHER_COMPRESSION_NAMES: Readonly<Record<number, string>> = {
  2: 'CCITT fax (1-bit)',
  3: 'CCITT Group 3 fax (1-bit)',
  4: 'CCITT Group 4 fax (1-bit)',
  6: 'old-style JPEG',
  7: 'JPEG',
  34712: 'JPEG 2000',
  33003: 'JPEG 2000 (Aperio)',
  33005: 'JPEG 2000 (Aperio)',
  34887: 'LERC',
  34925: 'LZMA',
  50000: 'Zstandard',
  50001: 'WebP',
};

export async function decodeTiff(bytes: Uint8Array, page: number, limits: ImageLimits, signal?: AbortSignal): Promise<RasterImage> {
  const file = openTiff(bytesInMemory(bytes));
  const pageCount = file.pageOffsets.length;
  if (page >= pageCount) throw new ImagePageOutOfRangeError('tiff', page, pageCount);
  const layout = describeTiffPage(file, page, limits);
  const { width, height, samplesPerPixel, sampleType } = layout;
  const data = new SAMPLE_ARRAY_CONSTRUCTORS[sampleType](samplesPerPixel * width * height);
  await decodeTiffPage(file, layout, page, data, 0, signal);
  return { width, height, channels: samplesPerPixel, sampleType, data, pageCount, page, format: 'tiff' } as RasterImage;
}

/**
 * Decodes a page described by describeTiffPage into `data`, a planar image of at least firstChannel +
 * samplesPerPixel channels of the page's size and sample type: the page's samples become channels firstChannel on.
 */
export async function decodeTiffPage(file: TiffFile, layout: PageLayout, page: number, data: Samples, firstChannel: number, signal?: AbortSignal): Promise<void> {
  const checkpoint = createCheckpoint(signal);
  const chunksPerPlane = layout.chunksAcross * layout.chunksDown;
  for (let plane = 0; plane < layout.planes; plane++) {
    for (let row = 0; row < layout.chunksDown; row++) {
      for (let column = 0; column < layout.chunksAcross; column++) {
        const index = plane * chunksPerPlane + row * layout.chunksAcross + column;
        const samples = decodeChunk(file, layout, index, page);
        placeChunk(layout, samples, data, firstChannel + plane, row, column, { top: 0, left: 0, height: layout.height, width: layout.width });
        await checkpoint(samples.byteLength);
      }
    }
  }
}

/** Each page's size and sample storage as its tags declare them, unjudged: what stacks are grouped by. */
export function tiffPageShapes(file: TiffFile): PageShape[] {
  return file.pageOffsets.map((offset) => {
    const tags = readTags(file, offset);
    const bits = tagValue(file, tags, TAG.bitsPerSample, 1);
    const format = tagValue(file, tags, TAG.sampleFormat, 1);
    const kind = format === 2 ? 'int' : format === 3 ? 'float' : 'uint';
    return {
      width: tagValue(file, tags, TAG.imageWidth, 0),
      height: tagValue(file, tags, TAG.imageLength, 0),
      samplesPerPixel: tagValue(file, tags, TAG.samplesPerPixel, 1),
      sampleType: SAMPLE_TYPES[`${kind} ${bits}`] ?? `${bits}-bit ${kind}`,
    };
  });
}

/** The first page's description text and resolution tags, which declare the axes and the pixel size. */
export function tiffCalibration(file: TiffFile): TiffCalibration {
  const tags = readTags(file, file.pageOffsets[0]!);
  return {
    description: tagText(file, tags, TAG.imageDescription),
    xResolution: tagRational(file, tags, TAG.xResolution),
    yResolution: tagRational(file, tags, TAG.yResolution),
    resolutionUnit: tagValue(file, tags, TAG.resolutionUnit, 2),
  };
}

/**
 * The page's layout, refused (typed errors) when CellDesk cannot decode it or its data lies beyond the file's end.
 * `limits` bound the image; `chunkLimits` bound one strip or tile, decoded whole (the same limits unless the image is
 * read region by region, when no image-sized array is ever made).
 */
export function describeTiffPage(file: TiffFile, page: number, limits: ImageLimits, chunkLimits: ImageLimits = limits): PageLayout {
  return describePage(file, readTags(file, file.pageOffsets[page]!), limits, chunkLimits, page);
}

function describePage(file: TiffFile, tags: TagSet, limits: ImageLimits, chunkLimits: ImageLimits, page: number): PageLayout {
  const width = tagValues(file, tags, TAG.imageWidth)?.[0];
  const height = tagValues(file, tags, TAG.imageLength)?.[0];
  if (width === undefined || height === undefined) {
    throw new FileFormatError('tiff', 'This TIFF file is damaged: it does not say how many pixels wide and high its image is.');
  }
  const samplesPerPixel = tagValue(file, tags, TAG.samplesPerPixel, 1);
  const sampleType = resolveSampleType(file, tags, samplesPerPixel);
  checkDeclaredSize({ format: 'tiff', width, height, channels: samplesPerPixel, bytesPerSample: BYTES_PER_SAMPLE[sampleType] }, limits);

  const compression = tagValue(file, tags, TAG.compression, 1);
  if (COMPRESSION_NAMES[compression] === undefined) {
    const name = OTHER_COMPRESSION_NAMES[compression] ?? `compression number ${compression}`;
    throw new UnsupportedImageError(
      `This TIFF file is compressed with ${name}, which CellDesk does not read (it reads uncompressed, LZW, Deflate ` +
        'and PackBits TIFF). Open it in Fiji and save it again as TIFF, which writes it uncompressed.',
      { format: 'tiff', compression },
    );
  }
  const predictor = tagValue(file, tags, TAG.predictor, 1);
  const isFloat = sampleType === 'float32' || sampleType === 'float64';
  if (!(predictor === 1 || (predictor === 2 && !isFloat) || (predictor === 3 && isFloat))) {
    throw new UnsupportedImageError(
      `This TIFF file uses predictor ${predictor} on ${sampleType} samples, which CellDesk does not read. Open it in ` +
        'Fiji and save it again as TIFF.',
      { format: 'tiff', predictor, sampleType },
    );
  }
  const photometric = tagValue(file, tags, TAG.photometric, 1);
  const subsampling = tagValues(file, tags, TAG.yCbCrSubSampling) ?? [2, 2];
  if (photometric === 6 && (subsampling[0] !== 1 || subsampling[1] !== 1)) {
    throw new UnsupportedImageError(
      'This TIFF file stores colour as subsampled YCbCr (as JPEG does), which CellDesk does not read. Open it in ' +
        'Fiji and save it again as TIFF.',
      { format: 'tiff', photometric },
    );
  }
  const planarConfiguration = tagValue(file, tags, TAG.planarConfiguration, 1);
  if (planarConfiguration !== 1 && planarConfiguration !== 2) {
    throw new FileFormatError('tiff', `This TIFF file is damaged: its planar configuration is ${planarConfiguration} (only 1 and 2 exist).`);
  }

  const tiled = tags.has(TAG.tileWidth);
  const chunkWidth = tiled ? tagValue(file, tags, TAG.tileWidth, 0) : width;
  const chunkHeight = tiled ? tagValue(file, tags, TAG.tileLength, 0) : Math.min(tagValue(file, tags, TAG.rowsPerStrip, height), height);
  if (chunkWidth === 0 || chunkHeight === 0) {
    throw new FileFormatError('tiff', `This TIFF file is damaged: it declares ${tiled ? 'tiles' : 'strips'} of ${chunkWidth} x ${chunkHeight} pixels.`);
  }
  // A tile is decoded whole, even where it overhangs the image: its size must stay within the limits too.
  const chunkBytes = chunkWidth * chunkHeight * (planarConfiguration === 2 ? 1 : samplesPerPixel) * BYTES_PER_SAMPLE[sampleType];
  if (chunkWidth > chunkLimits.maxSide || chunkHeight > chunkLimits.maxSide || chunkWidth * chunkHeight > chunkLimits.maxPixels || chunkBytes > chunkLimits.maxBytes) {
    throw new ImageTooLargeError(
      'tiff',
      `This TIFF file stores its ${width} x ${height} image in tiles of ${chunkWidth} x ${chunkHeight} pixels, ` +
        'larger than CellDesk decodes. The file is probably damaged.',
      { width, height, chunkWidth, chunkHeight, limits: { ...limits } },
    );
  }
  const layout: PageLayout = {
    width,
    height,
    samplesPerPixel,
    sampleType,
    compression,
    predictor,
    tiled,
    chunkWidth,
    chunkHeight,
    chunksAcross: Math.ceil(width / chunkWidth),
    chunksDown: Math.ceil(height / chunkHeight),
    planes: planarConfiguration === 2 ? samplesPerPixel : 1,
    offsets: tagValues(file, tags, tiled ? TAG.tileOffsets : TAG.stripOffsets) ?? [],
    byteCounts: tagValues(file, tags, tiled ? TAG.tileByteCounts : TAG.stripByteCounts),
  };
  checkChunksInFile(file, layout, page);
  return layout;
}

function resolveSampleType(file: TiffFile, tags: TagSet, samplesPerPixel: number): SampleType {
  const bits = tagValues(file, tags, TAG.bitsPerSample) ?? [1];
  const formats = tagValues(file, tags, TAG.sampleFormat) ?? [1];
  const kinds = formats.map((f) => (f === 2 ? 'int' : f === 3 ? 'float' : f === 1 || f === 4 ? 'uint' : `format ${f}`));
  if (samplesPerPixel === 0) throw new FileFormatError('tiff', 'This TIFF file is damaged: it declares 0 samples per pixel.');
  if (new Set(bits).size > 1 || new Set(kinds).size > 1) {
    throw new UnsupportedImageError(
      `This TIFF file stores its channels with different sample types (${bits.join(', ')} bits), which CellDesk does not read.`,
      { format: 'tiff', bitsPerSample: bits, sampleFormat: formats },
    );
  }
  const sampleType = SAMPLE_TYPES[`${kinds[0]} ${bits[0]}`];
  if (sampleType === undefined) {
    const kind = kinds[0] === 'int' ? 'signed integer' : kinds[0] === 'uint' ? 'unsigned integer' : kinds[0] === 'float' ? 'floating-point' : kinds[0];
    throw new UnsupportedImageError(
      `This TIFF file stores ${bits[0]}-bit ${kind} samples; CellDesk reads 8-, 16- and 32-bit integer and 32- and ` +
        '64-bit floating-point samples. Convert it in Fiji (Image > Type) and save it again.',
      { format: 'tiff', bitsPerSample: bits[0], sampleFormat: formats[0] },
    );
  }
  return sampleType;
}

/** Rows stored in a chunk: tiles are always whole, the last strip holds only the rows left. */
function chunkRows(layout: PageLayout, chunkRow: number): number {
  return layout.tiled ? layout.chunkHeight : Math.min(layout.chunkHeight, layout.height - chunkRow * layout.chunkHeight);
}

function chunkByteLength(layout: PageLayout, chunkRow: number): number {
  const samplesInChunk = layout.planes === 1 ? layout.samplesPerPixel : 1;
  return chunkRows(layout, chunkRow) * layout.chunkWidth * samplesInChunk * BYTES_PER_SAMPLE[layout.sampleType];
}

/** Every strip or tile must lie inside the file: checked before the image is allocated. */
function checkChunksInFile(file: TiffFile, layout: PageLayout, page: number): void {
  const unit = layout.tiled ? 'tile' : 'strip';
  const chunksPerPlane = layout.chunksAcross * layout.chunksDown;
  const chunkCount = chunksPerPlane * layout.planes;
  if (layout.offsets.length < chunkCount) {
    throw new FileFormatError(
      'tiff',
      `This TIFF file is damaged: its image needs ${chunkCount} ${unit}s but the file lists ${layout.offsets.length}.`,
      { chunkCount, listed: layout.offsets.length },
    );
  }
  if (layout.compression !== 1 && (layout.byteCounts === undefined || layout.byteCounts.length < chunkCount)) {
    throw new FileFormatError('tiff', `This TIFF file is damaged: it does not say how many bytes each compressed ${unit} holds.`);
  }
  for (let i = 0; i < chunkCount; i++) {
    const length = layout.compression === 1 ? chunkByteLength(layout, Math.floor((i % chunksPerPlane) / layout.chunksAcross)) : layout.byteCounts![i]!;
    const end = layout.offsets[i]! + length;
    if (end > file.source.length) {
      const where = file.pageOffsets.length === 1 ? '' : ` of page ${page + 1} of ${file.pageOffsets.length}`;
      throw truncatedTiff(`image data${where} (${unit} ${i + 1} of ${chunkCount})`, end, file.source.length);
    }
  }
}

/** One strip or tile as typed samples, decompressed, in host byte order, predictor undone. */
function decodeChunk(file: TiffFile, layout: PageLayout, index: number, page: number): Samples {
  const chunksPerPlane = layout.chunksAcross * layout.chunksDown;
  const chunkRow = Math.floor((index % chunksPerPlane) / layout.chunksAcross);
  const rows = chunkRows(layout, chunkRow);
  const samplesInChunk = layout.planes === 1 ? layout.samplesPerPixel : 1;
  const rowSamples = layout.chunkWidth * samplesInChunk;
  const bytesPerSample = BYTES_PER_SAMPLE[layout.sampleType];
  const expected = chunkByteLength(layout, chunkRow);
  const offset = layout.offsets[index]!;
  const stored = file.source.read(offset, layout.compression === 1 ? expected : layout.byteCounts![index]!);
  let bytes: Uint8Array;
  try {
    bytes = decompressChunk(layout.compression, stored, expected);
  } catch (error) {
    if (!(error instanceof ChunkEndedEarly)) throw error;
    const unit = layout.tiled ? 'tile' : 'strip';
    throw new FileFormatError(
      'tiff',
      `This TIFF file is damaged: the ${COMPRESSION_NAMES[layout.compression]}-compressed data of ${unit} ${index + 1} ` +
        `of ${chunksPerPlane * layout.planes} on page ${page} stops before all its pixels. It was probably cut short ` +
        'while copying or downloading; copy it again from the original.',
      { truncated: true, page, chunk: index },
    );
  }
  let littleEndian = file.littleEndian;
  if (layout.predictor === 3) {
    bytes = undoFloatingPointPredictor(bytes, rows, rowSamples, samplesInChunk, bytesPerSample);
    littleEndian = false;
  }
  if (bytesPerSample > 1 && littleEndian !== HOST_IS_LITTLE_ENDIAN) swapBytes(bytes, bytesPerSample);
  const Samples = SAMPLE_ARRAY_CONSTRUCTORS[layout.sampleType] as unknown as new (buffer: ArrayBufferLike, byteOffset: number, length: number) => Samples;
  const samples = new Samples(bytes.buffer, bytes.byteOffset, expected / bytesPerSample);
  if (layout.predictor === 2) undoHorizontalPredictor(samples as Exclude<Samples, Float32Array | Float64Array>, rows, rowSamples, samplesInChunk);
  return samples;
}

function swapBytes(bytes: Uint8Array, bytesPerSample: number): void {
  for (let i = 0; i < bytes.length; i += bytesPerSample) {
    for (let lo = i, hi = i + bytesPerSample - 1; lo < hi; lo++, hi--) {
      const t = bytes[lo]!;
      bytes[lo] = bytes[hi]!;
      bytes[hi] = t;
    }
  }
}

/**
 * Copies the part of a chunk that lies in `region` into `data`, the region's planar samples, as channel `channel` on
 * (dropping the part of edge tiles that lies outside the image).
 */
function placeChunk(layout: PageLayout, samples: Samples, data: Samples, channel: number, chunkRow: number, chunkColumn: number, region: Region): void {
  const { width, height, chunkWidth, samplesPerPixel } = layout;
  const x0 = chunkColumn * chunkWidth;
  const y0 = chunkRow * layout.chunkHeight;
  // The chunk's pixels inside the image and the region, in image coordinates.
  const left = Math.max(x0, region.left);
  const right = Math.min(x0 + chunkWidth, width, region.left + region.width);
  const top = Math.max(y0, region.top);
  const bottom = Math.min(y0 + chunkRows(layout, chunkRow), height, region.top + region.height);
  if (right <= left || bottom <= top) return;
  const columns = right - left;
  const planeSize = region.width * region.height;
  const into = (s: number, y: number) => s * planeSize + (y - region.top) * region.width + left - region.left;
  if (layout.planes > 1 || samplesPerPixel === 1) {
    for (let y = top; y < bottom; y++) {
      const from = (y - y0) * chunkWidth + left - x0;
      data.set(samples.subarray(from, from + columns), into(channel, y));
    }
    return;
  }
  for (let s = 0; s < samplesPerPixel; s++) {
    for (let y = top; y < bottom; y++) {
      const target = into(channel + s, y);
      for (let x = 0, source = ((y - y0) * chunkWidth + left - x0) * samplesPerPixel + s; x < columns; x++, source += samplesPerPixel) {
        data[target + x] = samples[source]!;
      }
    }
  }
}

/** Decoded strips or tiles kept for the next regions (neighbouring blocks share them), at most this many bytes a page. */
const CHUNK_CACHE_BYTES = 64 * 2 ** 20;

/**
 * A page described by describeTiffPage read region by region, for images too large to decode whole: each call
 * writes the region's samples into `data` (planar, the region's size) as channels firstChannel on, decoding only the
 * strips or tiles it overlaps. A file stored as one huge strip is refused by describeTiffPage's chunk limits, since
 * every region would decode all of it.
 */
export function tiffPageRegions(file: TiffFile, layout: PageLayout, page: number): (region: Region, data: Samples, firstChannel: number) => void {
  const { width, height } = layout;
  const cache = new Map<number, Samples>();
  let cachedBytes = 0;
  const chunk = (index: number): Samples => {
    const kept = cache.get(index);
    if (kept !== undefined) {
      cache.delete(index); // most recently used last
      cache.set(index, kept);
      return kept;
    }
    const samples = decodeChunk(file, layout, index, page);
    cache.set(index, samples);
    cachedBytes += samples.byteLength;
    for (const [old, oldSamples] of cache) {
      if (cachedBytes <= CHUNK_CACHE_BYTES || old === index) break;
      cache.delete(old);
      cachedBytes -= oldSamples.byteLength;
    }
    return samples;
  };
  return (region, data, firstChannel) => {
    if (region.top < 0 || region.left < 0 || region.top + region.height > height || region.left + region.width > width) {
      throw new InvalidSettingError(`The region ${region.width} x ${region.height} at (${region.left}, ${region.top}) lies outside the ${width} x ${height} image.`, { region });
    }
    const chunksPerPlane = layout.chunksAcross * layout.chunksDown;
    const rows = [Math.floor(region.top / layout.chunkHeight), Math.floor((region.top + region.height - 1) / layout.chunkHeight)];
    const columns = [Math.floor(region.left / layout.chunkWidth), Math.floor((region.left + region.width - 1) / layout.chunkWidth)];
    for (let plane = 0; plane < layout.planes; plane++) {
      for (let row = rows[0]!; row <= rows[1]!; row++) {
        for (let column = columns[0]!; column <= columns[1]!; column++) {
          placeChunk(layout, chunk(plane * chunksPerPlane + row * layout.chunksAcross + column), data, firstChannel + plane, row, column, region);
        }
      }
    }
  };
}
