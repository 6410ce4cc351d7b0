// `celldesk segment --blocks <px>|auto|off`: the option, and one image segmented in blocks (block mode, for whole
// slides; see [Note: block mode] in src/engine/pipeline/segmentBlocks.ts), recorded and reported as a whole image is.
// Whole slides are large by design: their memory stays bounded, so they are not asked about as large runs are.
import type { BatchJob } from '../../engine/batch/batchJobs';
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

/** Images of the command that go in blocks, with their block side. */
export interface BlockJob {
  job: BatchJob;
  blockSize: number;
}

export interface BlockRun {
  /** Opens the command's model (once, at the first image). */
  model: () => Promise<OpenedModel>;
  settings: SegmentSettings;
  /** The plane asked for with --plane / --frame; a stack's plane must be given. */
  position: PlanePosition | undefined;
  /** Why these images cannot go in blocks with the command's other options, if they cannot. */
  refusal: string | null;
  recorder: () => SegmentationRecorder | null;
  json: boolean;
  /** Whether the images are a batch (each line then opens with the image's path). */
  inBatch: boolean;
  /** An image that failed: its error ends the command, or (in a batch) is said and counted. */
  failedOn: (imagePath: string, error: unknown) => void;
}

/** Segments each image in blocks into its label TIFF, one after another, recording and reporting each. */
export async function runBlockJobs(jobs: readonly BlockJob[], run: BlockRun, io: CliIO): Promise<void> {
  let model: OpenedModel | null = null;
  try {
    for (const { job, blockSize } of jobs) {
      const start = performance.now();
      try {
        if (run.refusal !== null) throw new InvalidSettingError(run.refusal);
        model ??= await run.model();
        await segmentImageInBlocks(job, blockSize, model, run, start, io);
      } catch (error) {
        run.failedOn(job.imagePath, error);
      }
    }
  } finally {
    await model?.release();
  }
}

async function segmentImageInBlocks(job: BatchJob, blockSize: number, model: OpenedModel, run: BlockRun, startedAt: number, io: CliIO): Promise<void> {
  const { imagePath } = job;
  const out = job.outputs.find((o) => o.format === 'labels-tiff')!.path;
  const regions = await openImageRegions(imagePath, run.position === undefined ? {} : { position: run.position });
  const { result, timings, recordError } = await segmentAndRecord({
    image: regions,
    source: { name: job.name, sha256: () => sha256OfFile(imagePath) },
    model,
    segment: () => segmentRegionsInBlocks(regions, out, model, run.settings, blockSize),
    recorder: run.recorder(),
    startedAt,
  }).finally(() => regions.close());
  if (recordError !== null) print(io.stderr, `note: ${imagePath} was segmented but not recorded in the history: ${recordError.message}`);
  const { maskCount, blocks: count, widenedBlocks, uncertainMasks } = result;
  if (run.json) {
    const blocks = { size: blockSize, count, widened: widenedBlocks, uncertainMasks };
    print(io.stdout, JSON.stringify({ ...(run.inBatch ? { file: imagePath } : {}), masks: maskCount, diameter: result.diameter, executionProvider: result.executionProvider, image: result.image, blocks, out, timings }));
    return;
  }
  const which = run.inBatch ? `${imagePath}: ` : '';
  const doubt = uncertainMasks > 0 ? `; ${uncertainMasks} masks near block seams could not be checked against the whole image` : '';
  print(io.stdout, `${which}${maskCount} masks in ${count} blocks of ${blockSize} px${doubt}, on ${result.executionProvider}, ${(timings.total! / 1000).toFixed(2)} s -> ${out}`);
}
