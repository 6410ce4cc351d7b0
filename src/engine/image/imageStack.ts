// The one image reader: an image file's bytes opened as a described stack (planes of frames, each plane all its
// channels), decoded a plane at a time. TIFF, PNG and JPEG; pure (bytes in, arrays out), runs anywhere.
import type { ImageDescription } from '../../shared/engineTypes';
import type { Region } from '../core/image';
import { decodeImage, sniffImageFormat } from './decodeImage';
import { ImagePageOutOfRangeError, ImagePositionOutOfRangeError } from './errors';
import { resolveAxes, type StackLayout } from './imageAxes';
import { checkDeclaredSize, DEFAULT_IMAGE_LIMITS, REGION_READ_LIMITS, type ImageLimits } from './limits';
import { BYTES_PER_SAMPLE, SAMPLE_ARRAY_CONSTRUCTORS, type RasterImage, type SampleArrays, type SampleType } from './raster';
import { decodeTiffPage, describeTiffPage, tiffCalibration, tiffPageRegions, tiffPageShapes, type PageLayout } from './tiff';
import { bytesInMemory, openTiff, type TiffBytes, type TiffFile } from './tiffStructure';

/** A plane (Z) of a frame (T), both from 0. */
export interface PlanePosition {
  plane: number;
  frame: number;
}

export interface ImageStack {
  readonly description: ImageDescription & { sampleType: SampleType };
  /** One plane with all its channels, decoded (a RasterImage whose `page` is the plane's first page). */
  readPlane(position: PlanePosition, signal?: AbortSignal): Promise<RasterImage>;
  /** The plane a page of the file belongs to (for a page given by number, as `image:open` may). */
  positionOfPage(page: number): PlanePosition;
}

export interface OpenImageOptions {
  /** Default DEFAULT_IMAGE_LIMITS; see [Note: image limits] in limits.ts. */
  limits?: ImageLimits;
  /** Read the pages of a TIFF that declares no axes as planes; see [Note: undeclared pages] in imageAxes.ts. */
  pagesAsPlanes?: boolean;
  signal?: AbortSignal;
}

/** The plane an image opens on: the middle plane of the first frame, as Cellpose's 3D GUI opens a stack. */
export function defaultPosition(description: Pick<ImageDescription, 'planes'>): PlanePosition {
  return { plane: Math.floor(description.planes / 2), frame: 0 };
}

function checkPosition(description: ImageDescription, { plane, frame }: PlanePosition): void {
  if (!Number.isInteger(plane) || plane < 0 || plane >= description.planes) throw new ImagePositionOutOfRangeError('plane', plane, description.planes);
  if (!Number.isInteger(frame) || frame < 0 || frame >= description.frames) throw new ImagePositionOutOfRangeError('frame', frame, description.frames);
}

/** A PNG or JPEG, decoded whole: one plane. */
function singlePlane(raster: RasterImage): ImageStack {
  const { format, width, height, channels, pageCount, sampleType } = raster;
  const description = { format, width, height, planes: 1, frames: 1, channels, pageCount, sampleType, pixelSize: null, axesFrom: 'undeclared' as const };
  return {
    description,
    readPlane: (position) => {
      checkPosition(description, position);
      return Promise.resolve(raster);
    },
    positionOfPage: (page) => {
      if (page !== 0) throw new ImagePageOutOfRangeError(format, page, 1);
      return { plane: 0, frame: 0 };
    },
  };
}

function tiffStack(file: TiffFile, layout: StackLayout, pages: ReadonlyMap<number, PageLayout>): ImageStack {
  const first = pages.get(layout.pageTable[0]!)!;
  const { width, height, sampleType, samplesPerPixel } = first;
  const { planes, frames, channelPages, pageTable } = layout;
  const pageCount = file.pageOffsets.length;
  const description = {
    format: 'tiff' as const,
    width,
    height,
    planes,
    frames,
    channels: channelPages * samplesPerPixel,
    pageCount,
    sampleType,
    pixelSize: layout.pixelSize,
    axesFrom: layout.axesFrom,
  };
  return {
    description,
    async readPlane(position, signal) {
      checkPosition(description, position);
      const data = new SAMPLE_ARRAY_CONSTRUCTORS[sampleType](description.channels * width * height);
      const planePages = pagesOfPlane(layout, position);
      for (let c = 0; c < channelPages; c++) {
        const page = planePages[c]!;
        await decodeTiffPage(file, pages.get(page)!, page, data, c * samplesPerPixel, signal);
      }
      return { width, height, channels: description.channels, sampleType, data, pageCount, page: planePages[0]!, format: 'tiff' } as RasterImage;
    },
    positionOfPage(page) {
      if (!Number.isInteger(page) || page < 0 || page >= pageCount) throw new ImagePageOutOfRangeError('tiff', page, pageCount);
      const index = pageTable.indexOf(page);
      // A page outside the stack (after the pages ImageJ or OME declare) shows the first plane.
      const linear = index === -1 ? 0 : Math.floor(index / channelPages);
      return { plane: linear % planes, frame: Math.floor(linear / planes) };
    },
  };
}

/**
 * Opens an image file's bytes: a TIFF's pages grouped by the axes it declares ([Note: image axes]), every page the
 * stack uses checked (size limits, compression, data inside the file) before any pixel is decoded; a PNG or JPEG
 * decoded whole. Damaged files raise FileFormatError, unreadable variants UnsupportedImageError, oversize ones
 * ImageTooLargeError, axes that do not fit the pages ImageAxesError.
 */
export async function openImageStack(bytes: Uint8Array, options: OpenImageOptions = {}): Promise<ImageStack> {
  const limits = options.limits ?? DEFAULT_IMAGE_LIMITS;
  options.signal?.throwIfAborted();
  if (sniffImageFormat(bytes) !== 'tiff') return singlePlane(await decodeImage(bytes, { limits, signal: options.signal }));
  const file = openTiff(bytesInMemory(bytes));
  const { layout, pages } = describeTiffStack(file, options.pagesAsPlanes, limits, limits);
  return tiffStack(file, layout, pages);
}

/** The stack's axes and the layout of every page it uses, checked against the limits (see openImageStack). */
function describeTiffStack(file: TiffFile, pagesAsPlanes: boolean | undefined, limits: ImageLimits, chunkLimits: ImageLimits) {
  const layout = resolveAxes(tiffPageShapes(file), tiffCalibration(file), { pagesAsPlanes });
  const pages = new Map<number, PageLayout>();
  for (const page of layout.pageTable) if (!pages.has(page)) pages.set(page, describeTiffPage(file, page, limits, chunkLimits));
  // A plane holds the channels of several pages: its decoded size must stay within the limits as one page's does.
  const { width, height, sampleType, samplesPerPixel } = pages.get(layout.pageTable[0]!)!;
  checkDeclaredSize({ format: 'tiff', width, height, channels: layout.channelPages * samplesPerPixel, bytesPerSample: BYTES_PER_SAMPLE[sampleType] }, limits);
  return { layout, pages };
}

/** A plane of a TIFF stack read a region at a time, all its channels: for whole slides, never decoded whole. */
export interface StackRegions {
  readonly description: ImageStack['description'];
  /** The region's samples of the plane at `position`, planar (channel-major) like a RasterImage's. */
  readRegion(position: PlanePosition, region: Region): SampleArrays[SampleType];
}

/**
 * Opens a TIFF whose bytes are read a piece at a time (`source`, a file on disk) as openImageStack does, for reading
 * regions of its planes: the image may be as large as REGION_READ_LIMITS allow, each strip or tile as large as the
 * default limits (see [Note: block mode] in src/engine/pipeline/segmentBlocks.ts).
 */
export function openTiffRegions(source: TiffBytes, options: Pick<OpenImageOptions, 'pagesAsPlanes'> = {}): StackRegions {
  const file = openTiff(source);
  const { layout, pages } = describeTiffStack(file, options.pagesAsPlanes, REGION_READ_LIMITS, DEFAULT_IMAGE_LIMITS);
  const { description } = tiffStack(file, layout, pages);
  const { samplesPerPixel, sampleType } = pages.get(layout.pageTable[0]!)!;
  const readers = new Map<number, ReturnType<typeof tiffPageRegions>>();
  return {
    description,
    readRegion(position, region) {
      checkPosition(description, position);
      const data = new SAMPLE_ARRAY_CONSTRUCTORS[sampleType](description.channels * region.width * region.height);
      pagesOfPlane(layout, position).forEach((page, c) => {
        let reader = readers.get(page);
        if (reader === undefined) readers.set(page, (reader = tiffPageRegions(file, pages.get(page)!, page)));
        reader(region, data, c * samplesPerPixel);
      });
      return data;
    },
  };
}

/** The pages holding a plane's channels, in channel order. */
function pagesOfPlane({ planes, channelPages, pageTable }: StackLayout, { plane, frame }: PlanePosition): Int32Array {
  return pageTable.subarray((frame * planes + plane) * channelPages, (frame * planes + plane + 1) * channelPages);
}
