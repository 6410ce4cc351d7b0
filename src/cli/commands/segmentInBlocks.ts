// `celldesk segment --blocks <px>|auto|off`: the option, and one image segmented in blocks (block mode, for whole
// slides; see [Note: block mode] in src/engine/pipeline/segmentBlocks.ts), recorded and reported as a whole image is.
import { basename } from 'node:path';
import { InvalidSettingError } from '../../engine/errors';
import type { PlanePosition } from '../../engine/image/imageStack';
import { isLargeTiff, segmentRegionsInBlocks } from '../../engine/io/blockSegmentation';
import { openImageRegions } from '../../engine/io/imageRegions';
import type { OpenedModel } from '../../engine/io/openModel';
import { segmentAndRecord, type SegmentationRecorder } from '../../engine/history/segmentAndRecord';
import { sha256OfFile } from '../../engine/models/fileStamp';
import { DEFAULT_BLOCK_SIZE } from '../../engine/pipeline/segmentBlocks';
import type { SegmentSettings } from '../../engine/pipeline/settings';
import { print, type CliIO } from '../io';

export const BLOCKS_USAGE = '[--blocks <px>|auto|off]';

/**
 * --blocks: a block side in pixels (segment in blocks), 'off' (whole image), or 'auto' (the default: in blocks for
 * single-plane TIFFs above AUTOMATIC_BLOCK_PIXELS).
 */
export function blocksOption(text: string | undefined): number | 'auto' | null {
  if (text === undefined || text === 'auto') return 'auto';
  if (text === 'off') return null;
  const size = Number(text);
  if (!Number.isInteger(size) || size < 64) throw new InvalidSettingError(`--blocks takes a block side of at least 64 pixels, auto or off; got '${text}'.`);
  return size;
}

/** The block side to segment an image with, or null to segment it whole. */
export async function blockSizeFor(imagePath: string, blocks: number | 'auto' | null): Promise<number | null> {
  if (blocks !== 'auto') return blocks;
  return (await isLargeTiff(imagePath)) ? DEFAULT_BLOCK_SIZE : null;
}

export interface BlockJob {
  imagePath: string;
  out: string;
  blockSize: number;
  /** The plane asked for with --plane / --frame; a stack's plane must be given. */
  position: PlanePosition | undefined;
  model: OpenedModel;
  settings: SegmentSettings;
  recorder: SegmentationRecorder | null;
  json: boolean;
  /** Whether the image is one of several (its path then opens its lines). */
  inBatch: boolean;
  startedAt: number;
}

/** Segments one image in blocks into its label TIFF, records the run and prints its report. */
export async function segmentImageInBlocks(job: BlockJob, io: CliIO): Promise<void> {
  const { imagePath, out, blockSize, model } = job;
  const regions = await openImageRegions(imagePath, job.position === undefined ? {} : { position: job.position });
  const { result, timings, recordError } = await segmentAndRecord({
    image: regions,
    source: { name: basename(imagePath), sha256: () => sha256OfFile(imagePath) },
    model,
    segment: () => segmentRegionsInBlocks(regions, out, model, job.settings, blockSize),
    recorder: job.recorder,
    startedAt: job.startedAt,
  }).finally(() => regions.close());
  if (recordError !== null) print(io.stderr, `note: ${imagePath} was segmented but not recorded in the history: ${recordError.message}`);
  const { maskCount, blocks: count, widenedBlocks, uncertainMasks } = result;
  if (job.json) {
    const blocks = { size: blockSize, count, widened: widenedBlocks, uncertainMasks };
    print(io.stdout, JSON.stringify({ ...(job.inBatch ? { file: imagePath } : {}), masks: maskCount, diameter: result.diameter, executionProvider: result.executionProvider, image: result.image, blocks, out, timings }));
    return;
  }
  const which = job.inBatch ? `${imagePath}: ` : '';
  const doubt = uncertainMasks > 0 ? `; ${uncertainMasks} masks near block seams could not be checked against the whole image` : '';
  print(io.stdout, `${which}${maskCount} masks in ${count} blocks of ${blockSize} px${doubt}, on ${result.executionProvider}, ${(timings.total! / 1000).toFixed(2)} s -> ${out}`);
}
