// Segments an image file in blocks (block mode, for whole slides): read region by region, labels written as a tiled
// (Big)TIFF as they are finished; and when a file is large enough to go that way by itself. Node (CLI, worker).
import { open } from 'node:fs/promises';
import type { PlanePosition } from '../image/imageStack';
import { hasTiffSignature } from '../image/tiffStructure';
import type { RunHooks } from '../pipeline/progress';
import type { SegmentationModel } from '../pipeline/segment';
import { DEFAULT_BLOCK_SIZE, segmentInBlocks, type BlockSegmentResult } from '../pipeline/segmentBlocks';
import type { CellposeSettings } from '../pipeline/settings';
import { openImageRegions, type ImageFileRegions } from './imageRegions';
import { TiledTiffWriter } from './tiledTiffWriter';

/**
 * Images with more pixels than this (about 6,100 x 6,100) are segmented in blocks unless told otherwise: whole,
 * the pipeline's image-sized planes alone pass 2 GB there.
 */
export const AUTOMATIC_BLOCK_PIXELS = 37_000_000;

export interface BlockFileResult extends BlockSegmentResult {
  image: { width: number; height: number; channels: number; readByRegion: boolean; position: PlanePosition };
}

/**
 * Segments an image opened by openImageRegions in blocks of `blockSize` pixels and writes its labels (uint32, tiled,
 * deflate) to `out`; the file is left for nothing else to see when it fails.
 */
export async function segmentRegionsInBlocks(
  regions: ImageFileRegions,
  out: string,
  model: SegmentationModel,
  settings: CellposeSettings,
  blockSize: number = DEFAULT_BLOCK_SIZE,
  hooks: RunHooks = {},
): Promise<BlockFileResult> {
  const { width, height, channels, readByRegion, position } = regions;
  const writer = await TiledTiffWriter.create(out, { width, height, channels: 1, sampleType: 'uint32' });
  try {
    const result = await segmentInBlocks(regions, model, settings, { write: (top, rows, labels) => writer.write(top, rows, labels) }, { blockSize }, hooks);
    await writer.close();
    return { ...result, image: { width, height, channels, readByRegion, position } };
  } catch (error) {
    await writer.abort();
    throw error;
  }
}

/** Whether a file is a TIFF with more than AUTOMATIC_BLOCK_PIXELS pixels (read from its header alone). */
export async function isLargeTiff(path: string): Promise<boolean> {
  const handle = await open(path, 'r').catch(() => null);
  if (handle === null) return false;
  const signature = new Uint8Array(8);
  try {
    await handle.read(signature, 0, 8, 0);
  } finally {
    await handle.close();
  }
  if (!hasTiffSignature(signature)) return false;
  const regions = await openImageRegions(path).catch(() => null);
  if (regions === null) return false;
  await regions.close();
  return regions.width * regions.height > AUTOMATIC_BLOCK_PIXELS;
}
