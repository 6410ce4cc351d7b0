// Which page of a TIFF holds which channel of which plane and frame, and the physical pixel size, from what the file
// declares (ImageJ hyperstack or OME-XML metadata) or, when it declares nothing, from CellDesk's page rule. Pure.
//
// [Note: image axes] A multi-page TIFF is described by what it declares, in this order:
// - ImageJ's description (Fiji, ImageJ, tifffile imagej=True): `images`, `channels`, `slices` (Z), `frames` (T),
//   pages in ImageJ's XYCZT order; pixel size from the XResolution/YResolution tags in the description's `unit`,
//   plane spacing from `spacing`. An uncalibrated ImageJ file (no `unit`) has no physical size.
// - OME-XML (OME-TIFF): the first image's SizeZ/SizeC/SizeT, DimensionOrder and TiffData (which IFD holds which
//   plane), PhysicalSizeX/Y/Z in their units. SizeC counts samples, so an RGB page is 3 channels of one plane.
// - Nothing: see [Note: undeclared pages]. The pixel size then comes from the resolution tags only when their unit
//   is the centimetre (microscope software); an inch resolution is a print setting (72, 96, 300 dpi) and is ignored.
// Counts that disagree (with each other, with the pages the file holds, with the page sizes) are refused with an
// ImageAxesError before anything is decoded; pages beyond those declared are ignored, as ImageJ ignores them.
//
// [Note: undeclared pages] Official Cellpose reads a TIFF with tifffile, so N single-channel pages become an array
// (N, Y, X), and then decides what N is by its size and by the mode. Its 2D evaluation (convert_image's
// move_min_dim) takes an axis shorter than 10 as channels, and its 2D GUI the shortest axis (keeping 3); with
// stitching or 3D (`stitch_threshold > 0` or `do_3D`, which make convert_image keep the first axis as Z) the pages
// are planes, and its 3D GUI takes the shortest axis as Z. 10 pages or more cannot be channels in its 2D
// evaluation. CellDesk follows the same rule: the first run of pages of page 0's size and sample type (tifffile's
// first series) is read as channels when there are 2 to 9 single-channel pages, fewer than the image's side, unless
// the caller reads them as planes (`pagesAsPlanes`: the CLI does for `--plane` and `--stitch-threshold`, as Cellpose
// does in its stitching mode); otherwise as planes. Pages of RGB samples are always planes (Cellpose reads a 4-D
// array as a stack).
import type { ImageDescription, PixelSize } from '../../shared/engineTypes';
import { ImageAxesError } from './errors';
import { parseImageJDescription, type ImageJMetadata } from './imagejMetadata';
import { parseOmeXml, type OmePixels } from './omeMetadata';

/** What the axes are decided from, per page: its size and how it stores samples. */
export interface PageShape {
  width: number;
  height: number;
  samplesPerPixel: number;
  /** The sample type's name (uint16, ...), or a description of one CellDesk does not read. */
  sampleType: string;
}

/** The first page's ImageDescription and resolution tags. */
export interface TiffCalibration {
  description: string | undefined;
  /** Pixels per resolution unit. */
  xResolution: number | undefined;
  yResolution: number | undefined;
  /** TIFF ResolutionUnit: 1 none, 2 inch, 3 centimetre. */
  resolutionUnit: number;
}

export interface StackLayout {
  planes: number;
  frames: number;
  /** Pages that make up one plane, each adding its samples as channels. */
  channelPages: number;
  /** Page holding channel page c of plane z at frame t: pageTable[(t * planes + z) * channelPages + c]. */
  pageTable: Int32Array;
  axesFrom: ImageDescription['axesFrom'];
  pixelSize: PixelSize | null;
}

const MOST_CHANNEL_PAGES = 9;

/** Micrometres per unit of length, for the spellings ImageJ and OME use. */
const MICROMETRES: Readonly<Record<string, number>> = {
  µm: 1, μm: 1, um: 1, micron: 1, microns: 1, micrometer: 1, micrometre: 1,
  nm: 1e-3, nanometer: 1e-3, nanometre: 1e-3, Å: 1e-4, pm: 1e-6,
  mm: 1e3, millimeter: 1e3, millimetre: 1e3, cm: 1e4, centimeter: 1e4, centimetre: 1e4, m: 1e6, meter: 1e6, metre: 1e6,
  inch: 25400, in: 25400,
};

function micrometres(value: number | undefined, unit: string | null): number | null {
  const factor = unit === null ? undefined : MICROMETRES[unit.trim()];
  if (value === undefined || factor === undefined || !(value > 0) || !Number.isFinite(value)) return null;
  return value * factor;
}

/** Pixel size from pixels-per-unit resolutions; null unless x is known (y then defaults to x, as ImageJ does). */
function fromResolution(calibration: TiffCalibration, unit: string | null, zInUnit: number | null): PixelSize | null {
  const { xResolution, yResolution } = calibration;
  const x = micrometres(xResolution === undefined ? undefined : 1 / xResolution, unit);
  if (x === null) return null;
  const y = micrometres(yResolution === undefined ? undefined : 1 / yResolution, unit) ?? x;
  return { x, y, z: micrometres(zInUnit ?? undefined, unit) };
}

function sameShape(a: PageShape, b: PageShape): boolean {
  return a.width === b.width && a.height === b.height && a.samplesPerPixel === b.samplesPerPixel && a.sampleType === b.sampleType;
}

function shapeText(shape: PageShape): string {
  return `${shape.width} x ${shape.height} ${shape.sampleType}${shape.samplesPerPixel > 1 ? ` x ${shape.samplesPerPixel}` : ''}`;
}

/** Every page the stack uses has page `table[0]`'s shape. */
function checkSameShapes(pages: readonly PageShape[], table: Int32Array, source: string): void {
  const first = pages[table[0]!]!;
  for (const page of table) {
    if (!sameShape(pages[page]!, first)) {
      throw new ImageAxesError(
        `This TIFF file's ${source} makes one stack of its pages, but page ${page} is ${shapeText(pages[page]!)} and page ` +
          `${table[0]} is ${shapeText(first)}. CellDesk reads stacks whose pages are alike; open it in Fiji and save it again.`,
        { page, shape: pages[page], firstShape: first },
      );
    }
  }
}

function tooFewPages(source: string, declared: string, needed: number, pageCount: number): ImageAxesError {
  return new ImageAxesError(
    `This TIFF file's ${source} declares ${declared}, ${needed} pages, but the file holds ${pageCount}. It was probably ` +
      'cut short while copying or downloading; copy it again from the original.',
    { needed, pageCount, truncated: true },
  );
}

function imagejLayout(metadata: ImageJMetadata, pages: readonly PageShape[], calibration: TiffCalibration): StackLayout {
  const { images, channels, slices, frames } = metadata;
  const declared = `${channels} channel${channels === 1 ? '' : 's'} x ${slices} slice${slices === 1 ? '' : 's'} x ${frames} frame${frames === 1 ? '' : 's'}`;
  if (images > pages.length && pages.length === 1) {
    // ImageJ writes a stack over 4 GiB with the first page's header only, its pages' data one after the other.
    throw new ImageAxesError(
      `This TIFF file's ImageJ description declares ${declared}, ${images} pages, but the file has one page header: ` +
        'ImageJ writes stacks larger than 4 GiB this way, which CellDesk does not read. Save the stack as OME-TIFF ' +
        '(File > Save As > OME-TIFF in Fiji), or the file was cut short while copying.',
      { needed: images, pageCount: 1 },
    );
  }
  if (images > pages.length) throw tooFewPages('ImageJ description', declared, images, pages.length);
  if (channels > 1 && pages[0]!.samplesPerPixel > 1) {
    throw new ImageAxesError(`This TIFF file's ImageJ description declares ${channels} channels of ${pages[0]!.samplesPerPixel}-sample (RGB) pages, which ImageJ does not write. The file is damaged.`, {
      channels,
      samplesPerPixel: pages[0]!.samplesPerPixel,
    });
  }
  const pageTable = Int32Array.from({ length: images }, (_, i) => i);
  checkSameShapes(pages, pageTable, 'ImageJ description');
  return { planes: slices, frames, channelPages: channels, pageTable, axesFrom: 'imagej', pixelSize: fromResolution(calibration, metadata.unit, metadata.spacing) };
}

function omeLayout(ome: OmePixels, pages: readonly PageShape[]): StackLayout {
  const samples = pages[0]!.samplesPerPixel;
  if (ome.sizeC % samples !== 0) {
    throw new ImageAxesError(`This OME-TIFF file declares ${ome.sizeC} channels stored in pages of ${samples} samples each. The file is damaged.`, { sizeC: ome.sizeC, samples });
  }
  const channelPages = ome.sizeC / samples;
  const total = channelPages * ome.sizeZ * ome.sizeT;
  const declared = `${ome.sizeZ} planes x ${ome.sizeC} channels x ${ome.sizeT} time points`;
  if (total > pages.length) throw tooFewPages('OME metadata', declared, total, pages.length);
  if (new Set(ome.tiffData.map((d) => d.fileName).filter((name) => name !== null)).size > 1) {
    throw new ImageAxesError('This OME-TIFF file is one part of a multi-file dataset: its planes are spread over several files. Open the dataset in Fiji (Bio-Formats) and save it as one OME-TIFF or TIFF file.');
  }
  // Sizes along the page order: the first letter after XY varies fastest.
  const order = ome.dimensionOrder.slice(2).split('') as ('Z' | 'C' | 'T')[];
  const size = { Z: ome.sizeZ, C: channelPages, T: ome.sizeT };
  const pageTable = new Int32Array(total).fill(-1);
  const place = (linear: number, page: number): void => {
    const at: Record<'Z' | 'C' | 'T', number> = { Z: 0, C: 0, T: 0 };
    let rest = linear;
    for (const axis of order) {
      at[axis] = rest % size[axis];
      rest = Math.floor(rest / size[axis]);
    }
    pageTable[(at.T * ome.sizeZ + at.Z) * channelPages + at.C] = page;
  };
  const runs = ome.tiffData.length > 0 ? ome.tiffData : [{ ifd: 0, firstC: 0, firstZ: 0, firstT: 0, planeCount: null }];
  for (const run of runs) {
    const first = { Z: run.firstZ, C: run.firstC, T: run.firstT };
    const start = order.reduceRight((index, axis) => index * size[axis] + first[axis], 0);
    const count = run.planeCount ?? total - start;
    if (start + count > total || run.ifd + count > pages.length) throw tooFewPages('OME metadata', declared, run.ifd + count, pages.length);
    for (let k = 0; k < count; k++) place(start + k, run.ifd + k);
  }
  const missing = pageTable.indexOf(-1);
  if (missing !== -1) {
    throw new ImageAxesError(`This OME-TIFF file's metadata does not say which page holds one of its ${total} planes. The file is damaged or incomplete.`, { plane: missing });
  }
  checkSameShapes(pages, pageTable, 'OME metadata');
  const stored = pages[pageTable[0]!]!;
  if (stored.width !== ome.sizeX || stored.height !== ome.sizeY) {
    throw new ImageAxesError(`This OME-TIFF file's metadata says its images are ${ome.sizeX} x ${ome.sizeY} pixels, but its pages are ${stored.width} x ${stored.height}. The file is damaged.`, {
      sizeX: ome.sizeX,
      sizeY: ome.sizeY,
    });
  }
  const [x, y, z] = [ome.physicalSize.x, ome.physicalSize.y, ome.physicalSize.z].map((s) => (s === null ? null : micrometres(s[0], s[1])));
  const pixelSize = x === null || x === undefined ? null : { x, y: y ?? x, z: z ?? null };
  return { planes: ome.sizeZ, frames: ome.sizeT, channelPages, pageTable, axesFrom: 'ome', pixelSize };
}

/** See [Note: undeclared pages]. */
function undeclaredLayout(pages: readonly PageShape[], calibration: TiffCalibration, pagesAsPlanes: boolean): StackLayout {
  const first = pages[0]!;
  let run = 1;
  while (run < pages.length && sameShape(pages[run]!, first)) run++;
  const asChannels = !pagesAsPlanes && run > 1 && run <= MOST_CHANNEL_PAGES && first.samplesPerPixel === 1 && run < Math.min(first.width, first.height);
  const pageTable = Int32Array.from({ length: run }, (_, i) => i);
  const pixelSize = calibration.resolutionUnit === 3 ? fromResolution(calibration, 'cm', null) : null;
  return { planes: asChannels ? 1 : run, frames: 1, channelPages: asChannels ? run : 1, pageTable, axesFrom: 'undeclared', pixelSize };
}

/** Where each plane's pages are; see [Note: image axes]. `pages` are the file's pages in order (at least one). */
export function resolveAxes(pages: readonly PageShape[], calibration: TiffCalibration, options: { pagesAsPlanes?: boolean } = {}): StackLayout {
  const description = calibration.description ?? '';
  const imagej = parseImageJDescription(description);
  if (imagej !== null) return imagejLayout(imagej, pages, calibration);
  const ome = parseOmeXml(description);
  if (ome !== null) return omeLayout(ome, pages);
  return undeclaredLayout(pages, calibration, options.pagesAsPlanes ?? false);
}
