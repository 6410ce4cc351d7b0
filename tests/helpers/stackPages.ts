// Test helper: small multi-page TIFFs made from squares of the shared drift stack (../shared/images/stacks), written
// by the tests' own TIFF writer: stacks and hyperstacks of any layout without copying shared files into the repo.
import { decodeImage } from '../../src/engine/image/decodeImage';
import { writeTestTiff, type TestPage } from '../image/helpers/testTiff';
import { readShared } from './shared';

/** A square of one page of the drift stack: its page (0..2) and the square's top-left corner. */
export interface DriftSquare {
  page: number;
  x: number;
  y: number;
}

/** The squares, `side` pixels wide, as uint8 pages; the first carries `first` (its description, ...). */
export async function driftSquares(side: number, squares: readonly DriftSquare[], first: Partial<TestPage> = {}): Promise<TestPage[]> {
  const bytes = readShared('images', 'stacks', 'cell_00849_drift.tif');
  return Promise.all(
    squares.map(async ({ page, x, y }, index) => {
      const raster = await decodeImage(bytes, { page });
      const values = new Uint8Array(side * side);
      for (let row = 0; row < side; row++) values.set((raster.data as Uint8Array).subarray((y + row) * raster.width + x, (y + row) * raster.width + x + side), row * side);
      return { width: side, height: side, channels: 1, kind: 'uint', bits: 8, values, ...(index === 0 ? first : {}) } satisfies TestPage;
    }),
  );
}

/** A TIFF of the squares with ImageJ's description of `slices` x `frames` (pages in XYCZT order, as ImageJ writes them). */
export async function imagejHyperstack(side: number, squares: readonly DriftSquare[], slices: number, frames: number): Promise<Uint8Array> {
  const description = `ImageJ=1.54f\nimages=${squares.length}\nslices=${slices}\nframes=${frames}\nhyperstack=true\n`;
  return writeTestTiff(await driftSquares(side, squares, { textTags: [[270, description]] }));
}
