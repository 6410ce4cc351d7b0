// Reads the OME-XML an OME-TIFF carries in its first ImageDescription: the first image's sizes, dimension order,
// physical pixel sizes and which page (IFD) holds which plane. Pure, runs anywhere.
//
// OME-XML is machine-written and regular, so the few elements needed (the first Pixels, its TiffData) are read by
// their attributes rather than with a general XML parser.
import { ImageAxesError } from './errors';

export interface OmeTiffData {
  ifd: number;
  firstC: number;
  firstZ: number;
  firstT: number;
  /** Planes stored from `ifd` on; null when the element does not say (all the rest, or one when IFD is given). */
  planeCount: number | null;
  /** The file that holds these planes, when named (multi-file datasets). */
  fileName: string | null;
}

export interface OmePixels {
  /** XYZCT, XYZTC, XYCTZ, XYCZT, XYTCZ or XYTZC: the first letter after XY varies fastest along the pages. */
  dimensionOrder: string;
  sizeX: number;
  sizeY: number;
  sizeZ: number;
  sizeC: number;
  sizeT: number;
  /** Physical sizes with their units (OME's default unit is µm), when declared. */
  physicalSize: { x: [number, string] | null; y: [number, string] | null; z: [number, string] | null };
  tiffData: OmeTiffData[];
}

const DIMENSION_ORDERS = new Set(['XYZCT', 'XYZTC', 'XYCTZ', 'XYCZT', 'XYTCZ', 'XYTZC']);

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|amp|lt|gt|quot|apos);/g, (_, entity: string) => {
    if (entity.startsWith('#x')) return String.fromCodePoint(parseInt(entity.slice(2), 16));
    if (entity.startsWith('#')) return String.fromCodePoint(parseInt(entity.slice(1), 10));
    return { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }[entity]!;
  });
}

function attributes(tag: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const match of tag.matchAll(/([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) found.set(match[1]!, decodeEntities(match[2] ?? match[3] ?? ''));
  return found;
}

function wholeNumber(values: Map<string, string>, key: string, fallback: number | undefined, minimum: number): number {
  const text = values.get(key);
  if (text === undefined && fallback !== undefined) return fallback;
  const value = Number(text);
  if (text === undefined || !Number.isInteger(value) || value < minimum) {
    throw new ImageAxesError(`This OME-TIFF file's metadata gives ${key}="${text ?? ''}", not a whole number from ${minimum} up. The file is damaged.`, {
      key,
      value: text ?? null,
    });
  }
  return value;
}

function physical(values: Map<string, string>, axis: 'X' | 'Y' | 'Z'): [number, string] | null {
  const value = Number(values.get(`PhysicalSize${axis}`));
  if (!Number.isFinite(value) || value <= 0) return null;
  return [value, values.get(`PhysicalSize${axis}Unit`) ?? 'µm'];
}

/** The first image's Pixels element of OME-XML, or null when `description` is not OME-XML. */
export function parseOmeXml(description: string): OmePixels | null {
  if (!/<(?:[\w.-]+:)?OME[\s>]/.test(description)) return null;
  const pixels = /<(?:[\w.-]+:)?Pixels\b([^>]*?)(\/?)>/.exec(description);
  if (pixels === null) return null; // a BinaryOnly pointer to metadata elsewhere: nothing declared here
  const values = attributes(pixels[1]!);
  const dimensionOrder = values.get('DimensionOrder') ?? '';
  if (!DIMENSION_ORDERS.has(dimensionOrder)) {
    throw new ImageAxesError(`This OME-TIFF file's metadata gives DimensionOrder="${dimensionOrder}", which OME does not define. The file is damaged.`, {
      dimensionOrder,
    });
  }
  const body = pixels[2] === '/' ? '' : description.slice(pixels.index + pixels[0].length, description.search(/<\/(?:[\w.-]+:)?Pixels>/));
  const tiffData: OmeTiffData[] = [];
  for (const match of body.matchAll(/<(?:[\w.-]+:)?TiffData\b([^>]*?)(?:\/>|>([\s\S]*?)<\/(?:[\w.-]+:)?TiffData>)/g)) {
    const data = attributes(match[1]!);
    const uuid = /<(?:[\w.-]+:)?UUID\b([^>]*)>/.exec(match[2] ?? '');
    // OME: PlaneCount defaults to 1 when IFD is given, and to all planes when neither is.
    const planeCount = data.has('PlaneCount') ? wholeNumber(data, 'PlaneCount', undefined, 1) : data.has('IFD') ? 1 : null;
    tiffData.push({
      ifd: wholeNumber(data, 'IFD', 0, 0),
      firstC: wholeNumber(data, 'FirstC', 0, 0),
      firstZ: wholeNumber(data, 'FirstZ', 0, 0),
      firstT: wholeNumber(data, 'FirstT', 0, 0),
      planeCount,
      fileName: uuid === null ? null : (attributes(uuid[1]!).get('FileName') ?? null),
    });
  }
  return {
    dimensionOrder,
    sizeX: wholeNumber(values, 'SizeX', undefined, 1),
    sizeY: wholeNumber(values, 'SizeY', undefined, 1),
    sizeZ: wholeNumber(values, 'SizeZ', undefined, 1),
    sizeC: wholeNumber(values, 'SizeC', undefined, 1),
    sizeT: wholeNumber(values, 'SizeT', undefined, 1),
    physicalSize: { x: physical(values, 'X'), y: physical(values, 'Y'), z: physical(values, 'Z') },
    tiffData,
  };
}
