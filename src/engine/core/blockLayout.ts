// How an image too large to segment whole is cut into blocks: each block's own region, the margin around it that
// its network output and dynamics also cover, and how wide that margin is. Pure, runs anywhere.
import { InvalidSettingError } from '../errors';
import type { Region } from './image';

// [Note: block margins]
// A block's masks are those of the whole image when every value they are made of is: the network output over the
// block and its margin is the whole image's exactly (src/engine/pipeline/segmentBlocks.ts runs the whole image's
// tiles that cover it, stitched in the same order), so what remains is the dynamics. A mask is kept by the block
// holding its first pixel (raster order); the pixels of a cell lie within about one diameter of that pixel, the
// walkers that make it start inside the cell and end near its centre, and the seed search and growth look 2 + 5
// histogram bins around. So a margin of two diameters plus MARGIN_SLACK pixels holds, for every mask a block keeps,
// all the pixels, walks and histogram bins it is made of, with a diameter to spare. Flows in an image are not bound
// to be that tame, so each block checks its candidate masks (src/engine/core/blockMasks.ts; before the flow check
// and clean-up, which a mask the margin cut may fail and vanish in) and is computed again with twice the margin when
// one it would keep reaches the edge of the margin, or when walkers that start at that edge, or that the edge held
// back, end near one: the signs that cells or walks reach beyond it. Walkers from beyond the margin cannot be seen;
// those starting at its edge stand for them, so the check is what makes the masks exact in practice, not a proof.

/** Pixels added to two diameters: the seed search and growth (7 bins), interpolation and the check's band. */
const MARGIN_SLACK = 16;

export interface Block {
  /** The pixels whose masks this block decides (the blocks' regions tile the image). */
  inner: Region;
  /** The inner region with its margin, cut to the image: what the block computes. */
  outer: Region;
  /** Grid position, raster order. */
  row: number;
  column: number;
}

/** The margin, in pixels, around a block for cells of this diameter (pixels); see [Note: block margins]. */
export function blockMargin(diameter: number): number {
  if (!(diameter > 0)) throw new InvalidSettingError(`Segmenting in blocks needs the cell diameter; got ${diameter}.`, { diameter });
  return Math.ceil(2 * diameter) + MARGIN_SLACK;
}

/** `region` grown by `margin` on every side, cut to a height x width image. */
export function withMargin(region: Region, margin: number, height: number, width: number): Region {
  const top = Math.max(0, region.top - margin);
  const left = Math.max(0, region.left - margin);
  const bottom = Math.min(height, region.top + region.height + margin);
  const right = Math.min(width, region.left + region.width + margin);
  return { top, left, height: bottom - top, width: right - left };
}

/** The blocks of blockSize x blockSize pixels (smaller at the right and bottom) covering an image, in raster order. */
export function blockLayout(height: number, width: number, blockSize: number, margin: number): Block[] {
  if (!Number.isInteger(blockSize) || blockSize < 1) throw new InvalidSettingError(`A block size is a whole number of pixels; got ${blockSize}.`, { blockSize });
  const blocks: Block[] = [];
  for (let row = 0, top = 0; top < height; row++, top += blockSize) {
    for (let column = 0, left = 0; left < width; column++, left += blockSize) {
      const inner = { top, left, height: Math.min(blockSize, height - top), width: Math.min(blockSize, width - left) };
      blocks.push({ inner, outer: withMargin(inner, margin, height, width), row, column });
    }
  }
  return blocks;
}
