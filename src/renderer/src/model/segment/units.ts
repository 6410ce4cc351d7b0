// Physical units in the Segment view: the pixel size (read from the file's metadata, or typed by the user) and
// lengths and areas in micrometres beside pixels, for the diameter and the measurements table. Renderer (DOM-free).
import type { MaskMeasurement } from '../../../../shared/contract';
import type { PixelSize, SegmentStore } from './state';

/** A length of `pixels` pixels along x in µm. */
export function micrometres(pixels: number, size: PixelSize): number {
  return pixels * size.x;
}

/** "3.71 µm": enough digits for a pixel size of a tenth of a micrometre. */
export function formatMicrometres(value: number): string {
  return `${value.toPrecision(value >= 100 ? 4 : 3)} µm`;
}

/** A mask's area and centroid in µm² and µm (the centroid from the image's top left corner, as in pixels). */
export function physicalMeasurement(row: MaskMeasurement, size: PixelSize): { area: number; centroidX: number; centroidY: number } {
  return { area: row.area * size.x * size.y, centroidX: row.centroidX * size.x, centroidY: row.centroidY * size.y };
}

export class PhysicalUnits {
  constructor(private readonly store: SegmentStore) {}

  /** Sets the pixel size the user typed (µm, square pixels); null or a size that is not positive clears it. */
  setPixelSize(micrometresPerPixel: number | null): void {
    const valid = micrometresPerPixel !== null && Number.isFinite(micrometresPerPixel) && micrometresPerPixel > 0;
    this.store.set({ pixelSize: valid ? { x: micrometresPerPixel, y: micrometresPerPixel, fromFile: false } : null });
  }
}
