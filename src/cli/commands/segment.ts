// `celldesk segment <image> --model M --out labels.tif`: the whole Cellpose pipeline on one image; or on many
// (`celldesk segment a.tif b.tif folder/ --model M --out-dir masks/`), with the model opened once.
import { readdir, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { EXECUTION_PROVIDERS, type ExecutionProviderChoice } from '../../engine/backend/types';
import { onnxRuntimeBackend } from '../../engine/backend/onnxruntime';
import { CellDeskError, InvalidSettingError } from '../../engine/errors';
import { encodeLabelTiff } from '../../engine/image/encodeTiff';
import { writeFileAtomically } from '../../engine/io/atomicWrite';
import { loadImageFile } from '../../engine/io/imageFiles';
import { prepareOutputFile, prepareOutputFolder, refuseFolderAt } from '../../engine/io/outputPaths';
import { openModel, type OpenedModel } from '../../engine/io/openModel';
import { recordSegmentationRun, type FinishedSegmentation } from '../../engine/history/recordSegmentation';
import { ModelManager } from '../../engine/models/modelManager';
import { HistoryNotRecordedError } from '../../engine/storage/databaseFaults';
import { LARGE_RUN_SECONDS } from '../../engine/pipeline/estimateRun';
import { segmentImage } from '../../engine/pipeline/segment';
import { CELLPOSE_DEFAULTS, resolveSettings } from '../../engine/pipeline/settings';
import { parseCommandLine, print, type CliIO, type CommandHandler } from '../io';
import { confirmLargeRun } from '../largeRuns';

const USAGE =
  'celldesk segment <image> --model <name|checkpoint> --out <labels.tif> | <images or folders...> --out-dir <folder> ' +
  '[--size-model <npy>] [--diameter <px>, 0 = estimate] ' +
  '[--channels c1,c2] [--flow-threshold 0.4] [--cellprob-threshold 0] [--min-size 15] [--niter N] [--augment] ' +
  '[--batch-size 8] [--ep auto|cpu|webgpu|cuda|coreml|dml] [--page N] [--json] [--no-history] ' +
  '[--yes] [--confirm-above <minutes>, default 10: runs estimated longer, or to need over half the memory, ask first]';

function numberOption(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value)) throw new InvalidSettingError(`--${name} needs a number; got '${text}'.`);
  return value;
}

export function channelsOption(text: string | undefined): [number, number] | undefined {
  if (text === undefined) return undefined;
  const parts = text.split(',').map((p) => Number(p.trim()));
  if (parts.length !== 2 || parts.some((p) => !Number.isInteger(p))) {
    throw new InvalidSettingError(`--channels takes two channel numbers such as 2,3 (0 = grayscale/none); got '${text}'.`);
  }
  return [parts[0]!, parts[1]!];
}

function providerOption(text: string | undefined): ExecutionProviderChoice {
  const choice = text ?? 'auto';
  if (choice !== 'auto' && !(EXECUTION_PROVIDERS as readonly string[]).includes(choice)) {
    throw new InvalidSettingError(`--ep must be auto or one of ${EXECUTION_PROVIDERS.join(', ')}; got '${choice}'.`);
  }
  return choice as ExecutionProviderChoice;
}

export const segmentCommand: CommandHandler = async (argv, io) => {
  const { values, positionals } = parseCommandLine(
    {
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        model: { type: 'string' },
        out: { type: 'string' },
        'out-dir': { type: 'string' },
        'size-model': { type: 'string' },
        diameter: { type: 'string' },
        channels: { type: 'string' },
        'flow-threshold': { type: 'string' },
        'cellprob-threshold': { type: 'string' },
        'min-size': { type: 'string' },
        niter: { type: 'string' },
        augment: { type: 'boolean' },
        'batch-size': { type: 'string' },
        ep: { type: 'string' },
        page: { type: 'string' },
        json: { type: 'boolean' },
        'no-history': { type: 'boolean' },
        yes: { type: 'boolean' },
        'confirm-above': { type: 'string' },
      },
    },
    USAGE,
  );
  if (positionals.length === 0 || values.model === undefined || (values.out === undefined) === (values['out-dir'] === undefined)) {
    throw new InvalidSettingError(`segment needs images, --model, and either --out (one image) or --out-dir.\nUsage: ${USAGE}`);
  }
  if (values.out !== undefined && positionals.length > 1) {
    throw new InvalidSettingError(`--out names the label image of one image; for ${positionals.length} images give --out-dir.\nUsage: ${USAGE}`);
  }
  const provider = providerOption(values.ep);
  const settings = resolveSettings({
    channels: channelsOption(values.channels) ?? CELLPOSE_DEFAULTS.channels,
    diameter: numberOption('diameter', values.diameter) ?? CELLPOSE_DEFAULTS.diameter,
    flowThreshold: numberOption('flow-threshold', values['flow-threshold']) ?? CELLPOSE_DEFAULTS.flowThreshold,
    cellprobThreshold: numberOption('cellprob-threshold', values['cellprob-threshold']) ?? CELLPOSE_DEFAULTS.cellprobThreshold,
    minSize: numberOption('min-size', values['min-size']) ?? CELLPOSE_DEFAULTS.minSize,
    niter: numberOption('niter', values.niter),
    augment: values.augment ?? false,
    batchSize: numberOption('batch-size', values['batch-size']) ?? CELLPOSE_DEFAULTS.batchSize,
  });
  const page = numberOption('page', values.page);
  const confirmAbove = numberOption('confirm-above', values['confirm-above']);
  if (confirmAbove !== undefined && confirmAbove < 0) throw new InvalidSettingError(`--confirm-above takes minutes from 0 up; got '${values['confirm-above']}'.`);
  const largeRuns = { yes: values.yes === true, largeSeconds: confirmAbove === undefined ? LARGE_RUN_SECONDS : confirmAbove * 60 };
  const outDir = values['out-dir'];
  // Where the masks go is checked before any image is read or model opened (see [Note: output paths]).
  if (outDir === undefined) await prepareOutputFile(values.out!);
  else await prepareOutputFolder(outDir);
  const jobs = outDir === undefined ? [{ imagePath: positionals[0]!, out: values.out! }] : await batchJobs(positionals, outDir);

  const manager = new ModelManager({ env: io.env });
  // Opened at the first image that reads, so a bad image alone costs no model loading.
  let model: OpenedModel | null = null;
  let failed = 0;
  let fallbacksSaid = false;
  // A history that cannot be written is said once, and not tried again in the same batch.
  const history = new HistoryNotice(values['no-history'] === true ? null : manager, outDir !== undefined);
  /** One image is the whole job: its error is the command's. In a batch, the other images still get segmented. */
  const failedOn = (imagePath: string, error: unknown) => {
    if (outDir === undefined || !(error instanceof CellDeskError)) throw error;
    failed++;
    print(io.stderr, `${imagePath}: ${error.message}`);
  };
  try {
    for (const { imagePath, out } of jobs) {
      const start = performance.now();
      let loaded: Awaited<ReturnType<typeof loadImageFile>>;
      try {
        loaded = await loadImageFile(imagePath, { page });
      } catch (error) {
        failedOn(imagePath, error);
        continue;
      }
      model ??= await openModel(manager, onnxRuntimeBackend, { model: values.model, provider, sizeModelPath: values['size-model'] });
      const { image, pagesAsChannels } = loaded;
      try {
        const estimate = await confirmLargeRun(io, { imagePath, width: image.width, height: image.height, settings, model }, largeRuns);
        const result = await segmentImage(image, model, settings);
        await writeFileAtomically(out, encodeLabelTiff(result.labels, result.width, result.height));
        const timings = { ...result.timings, total: performance.now() - start };
        const recorded = await history.record({ imagePath, image, model: model.resolved, result, timings, onnxRuntimeVersion: onnxRuntimeBackend.version });
        if (values.json === true) {
          print(io.stdout, JSON.stringify({
            ...(outDir === undefined ? {} : { file: imagePath }),
            masks: result.maskCount,
            diameter: result.diameter,
            diameterFromStyle: result.diameterFromStyle,
            executionProvider: result.executionProvider,
            image: { width: image.width, height: image.height, channels: image.channels, pagesAsChannels },
            model: { name: model.resolved.name, path: model.resolved.path, sha256: model.resolved.sha256 },
            out,
            timings,
            estimate: { seconds: estimate.seconds, memoryBytes: estimate.memoryBytes, networkTiles: estimate.networkTiles },
            recorded,
          }));
        } else {
          // Said once, with the first result: a refused image is then one line, as a single image's refusal is.
          if (!fallbacksSaid) for (const f of model.fallbackReasons) print(io.stderr, `note: ${f.provider} not used: ${f.reason}`);
          if (!fallbacksSaid && model.sizeModelError !== undefined) print(io.stderr, `note: ${model.sizeModelError.message}`);
          fallbacksSaid = true;
          const which = outDir === undefined ? '' : `${imagePath}: `;
          print(io.stdout, `${which}${result.maskCount} masks, diameter ${result.diameter.toFixed(2)} px${result.diameterFromStyle === null ? '' : ' (estimated)'}, on ${result.executionProvider}, ${(timings.total / 1000).toFixed(2)} s -> ${out}`);
        }
        history.sayOnce(io);
      } catch (error) {
        failedOn(imagePath, error);
      }
    }
    if (failed > 0) print(io.stderr, `${failed} of ${jobs.length} images could not be segmented; nothing was written for them.`);
    return failed > 0 ? 1 : 0;
  } finally {
    await model?.release();
    manager.close();
  }
};

/** Each image with its label file in `outDir`; a folder where a label file should go is refused before any work. */
async function batchJobs(paths: readonly string[], outDir: string): Promise<{ imagePath: string; out: string }[]> {
  const jobs = (await expandImagePaths(paths)).map((imagePath) => ({ imagePath, out: join(outDir, `${labelFileStem(imagePath)}_cp_masks.tif`) }));
  for (const { out } of jobs) await refuseFolderAt(out);
  return jobs;
}

/** Records runs in the history until it cannot; then says why, once (see [Note: database faults]). */
class HistoryNotice {
  private problem: HistoryNotRecordedError | null;
  private said = false;

  /** `manager` null: history off (--no-history). */
  constructor(
    private readonly manager: ModelManager | null,
    private readonly batch: boolean,
  ) {
    this.problem = manager?.databaseFault == null ? null : new HistoryNotRecordedError(manager.databaseFault);
  }

  /** Whether the run was recorded. */
  async record(run: FinishedSegmentation): Promise<boolean> {
    if (this.manager === null || this.problem !== null) return false;
    try {
      await recordSegmentationRun(this.manager.paths.databaseFile, run);
      return true;
    } catch (error) {
      if (!(error instanceof HistoryNotRecordedError)) throw error;
      this.problem = error;
      return false;
    }
  }

  sayOnce(io: CliIO): void {
    if (this.problem === null || this.said) return;
    this.said = true;
    print(io.stderr, `note: ${this.problem.message}${this.batch ? ' The other images of this batch are not recorded either.' : ''}`);
  }
}

const IMAGE_EXTENSIONS = new Set(['.tif', '.tiff', '.png', '.jpg', '.jpeg']);

/** The image files named, a folder standing for the image files directly in it (by name); each file once. */
async function expandImagePaths(paths: readonly string[]): Promise<string[]> {
  const files: string[] = [];
  for (const path of paths) {
    let isFolder: boolean;
    try {
      isFolder = (await stat(path)).isDirectory();
    } catch {
      throw new InvalidSettingError(`There is no file or folder ${path}.`);
    }
    if (!isFolder) {
      files.push(path);
      continue;
    }
    const images = (await readdir(path, { withFileTypes: true }))
      .filter((entry) => entry.isFile() && IMAGE_EXTENSIONS.has(extname(entry.name).toLowerCase()) && !entry.name.includes('_cp_masks'))
      .map((entry) => join(path, entry.name))
      .sort();
    if (images.length === 0) throw new InvalidSettingError(`The folder ${path} holds no TIFF, PNG or JPEG images.`);
    files.push(...images);
  }
  return [...new Set(files)];
}

/** What a label file's name starts with: the image's name without its extension (Cellpose adds `_cp_masks.tif`). */
function labelFileStem(imagePath: string): string {
  return basename(imagePath, extname(imagePath));
}
