// `celldesk segment <image> --model M --out labels.tif`: the whole Cellpose pipeline on one image, or on every plane of
// a stack (planes kept apart or stitched into 3D labels, as Cellpose's stitch_threshold); or on many images
// (`celldesk segment a.tif b.tif folder/ --model M --out-dir masks/`), with the model opened once and the images
// overlapped ([Note: batch overlap]).
import { basename, dirname } from 'node:path';
import { EXECUTION_PROVIDERS, type ExecutionProviderChoice } from '../../engine/backend/types';
import { onnxRuntimeBackend } from '../../engine/backend/onnxruntime';
import { expandImagePaths, outputPath, planJobs, type BatchJob } from '../../engine/batch/batchJobs';
import { startOverlap } from '../../engine/batch/overlap';
import { runBatch, type DoneImage } from '../../engine/batch/runBatch';
import { CellDeskError, InvalidSettingError } from '../../engine/errors';
import { prepareOutputFile, prepareOutputFolder, refuseFolderAt } from '../../engine/io/outputPaths';
import { openModel } from '../../engine/io/openModel';
import { SegmentationRecorder } from '../../engine/history/segmentAndRecord';
import { ModelManager } from '../../engine/models/modelManager';
import { LARGE_RUN_SECONDS, type RunEstimate } from '../../engine/pipeline/estimateRun';
import { resolveSettings } from '../../engine/pipeline/settings';
import { stackMethod, type StackSegmentation } from '../../engine/pipeline/segmentStack';
import { HistoryNotRecordedError } from '../../engine/storage/databaseFaults';
import type { BatchFormat, BatchOutput } from '../../shared/batchTypes';
import { describeAdapter } from '../../shared/bench/providerLabel';
import { parseCommandLine, print, type CliIO, type CommandHandler } from '../io';
import { confirmLargeRun } from '../largeRuns';
import { BLOCKS_USAGE, blockSizeFor, blocksOption, runBlockJobs, type BlockJob } from './segmentInBlocks';

const USAGE =
  'celldesk segment <image> --model <name|checkpoint> --out <labels.tif> | <images or folders...> --out-dir <folder> ' +
  '[--size-model <npy>] [--diameter <px> | estimate (or 0, as in Cellpose)] ' +
  '[--channels c1,c2] [--flow-threshold 0.4] [--cellprob-threshold 0] [--min-size 15] [--niter N] [--augment] ' +
  '[--batch-size 8] [--ep auto|cpu|webgpu|cuda|coreml|dml] [--plane N] [--frame N] [--stitch-threshold 0..1, 0 = planes ' +
  `apart] ${BLOCKS_USAGE} [--save-seg] [--json] [--no-history] ` +
  '[--yes] [--confirm-above <minutes>, default 10: runs estimated longer, or to need over half the memory, ask first]';

/** A diameter in pixels, or an estimate: 'estimate', or Cellpose's 0 (the pipeline maps it: see resolveSettings). */
function diameterOption(text: string | undefined): number | 'estimate' | undefined {
  return text?.trim().toLowerCase() === 'estimate' ? 'estimate' : numberOption('diameter', text);
}

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
        plane: { type: 'string' },
        frame: { type: 'string' },
        'stitch-threshold': { type: 'string' },
        json: { type: 'boolean' },
        'no-history': { type: 'boolean' },
        'save-seg': { type: 'boolean' },
        yes: { type: 'boolean' },
        'confirm-above': { type: 'string' },
        blocks: { type: 'string' },
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
  // Options left out take Cellpose's defaults there.
  const settings = resolveSettings({
    channels: channelsOption(values.channels),
    diameter: diameterOption(values.diameter),
    flowThreshold: numberOption('flow-threshold', values['flow-threshold']),
    cellprobThreshold: numberOption('cellprob-threshold', values['cellprob-threshold']),
    minSize: numberOption('min-size', values['min-size']),
    niter: numberOption('niter', values.niter),
    augment: values.augment,
    batchSize: numberOption('batch-size', values['batch-size']),
  });
  const asked = { plane: numberOption('plane', values.plane), frame: numberOption('frame', values.frame) };
  const stitchThreshold = numberOption('stitch-threshold', values['stitch-threshold']);
  const method = stackMethod(stitchThreshold ?? 0);
  // Asking for planes reads the pages of a file that declares no axes as planes (see [Note: undeclared pages]).
  const pagesAsPlanes = asked.plane !== undefined || stitchThreshold !== undefined;
  const confirmAbove = numberOption('confirm-above', values['confirm-above']);
  if (confirmAbove !== undefined && confirmAbove < 0) throw new InvalidSettingError(`--confirm-above takes minutes from 0 up; got '${values['confirm-above']}'.`);
  const largeRuns = { yes: values.yes === true, largeSeconds: confirmAbove === undefined ? LARGE_RUN_SECONDS : confirmAbove * 60 };
  const saveSeg = values['save-seg'] === true;
  const blocks = blocksOption(values.blocks);
  const outDir = values['out-dir'];
  const formats: BatchFormat[] = saveSeg ? ['labels-tiff', 'seg-npy'] : ['labels-tiff'];
  // Where the masks go is checked before any image is read or model opened (see [Note: output paths]).
  if (outDir === undefined) await prepareOutputFile(values.out!);
  else await prepareOutputFolder(outDir);
  const jobs = outDir === undefined ? [oneImageJob(positionals[0]!, values.out!, saveSeg)] : planJobs(await expandImagePaths(positionals), outDir, formats);
  for (const { outputs } of jobs) for (const { path } of outputs) await refuseFolderAt(path);
  // Whole slides go block by block (see [Note: block mode]), the other images whole.
  const blockJobs: BlockJob[] = [];
  const wholeJobs: BatchJob[] = [];
  for (const job of jobs) {
    const blockSize = await blockSizeFor(job.imagePath, blocks);
    if (blockSize === null) wholeJobs.push(job);
    else blockJobs.push({ job, blockSize });
  }

  const manager = new ModelManager({ env: io.env });
  // A history that cannot be written is said once, and not tried again in the same batch.
  const history = new HistoryNotice(values['no-history'] === true ? null : manager, outDir !== undefined);
  /** Each image's run estimate, by its index, once it may go ahead. */
  const estimates: RunEstimate[] = [];
  let failed = 0;
  let fallbacksSaid = false;
  /** One image is the whole job: its error is the command's. In a batch, the other images still get segmented. */
  const failedOn = (imagePath: string, error: unknown) => {
    if (outDir === undefined || !(error instanceof CellDeskError)) throw error;
    failed++;
    print(io.stderr, `${imagePath}: ${error.message}`);
  };
  const report = (index: number, { imagePath }: BatchJob, done: DoneImage) => {
    const { result, timings, record, recordError, description, selection, model: opened } = done;
    const { frames, executionProvider } = result;
    const out = done.outputs.find((o) => o.format === 'labels-tiff')!.path;
    const seg = done.outputs.find((o) => o.format === 'seg-npy')?.path;
    history.failed(io, imagePath, recordError);
    const isStack = selection.planes.length * selection.frames.length > 1;
    const estimate = estimates[index]!;
    if (values.json === true) {
      print(io.stdout, JSON.stringify({
        ...(outDir === undefined ? {} : { file: imagePath }),
        masks: result.maskCount,
        diameter: result.diameter,
        diameterFromStyle: result.diameterFromStyle,
        executionProvider,
        adapter: opened.session.adapter,
        image: description,
        ...(isStack ? { stack: stackReport(selection, frames) } : {}),
        model: { name: opened.resolved.name, path: opened.resolved.path, sha256: opened.resolved.sha256 },
        out,
        ...(seg === undefined ? {} : { seg }),
        timings,
        estimate: { seconds: estimate.seconds, memoryBytes: estimate.memoryBytes, networkTiles: estimate.networkTiles },
        recorded: record !== null,
      }));
    } else {
      // Said once, with the first result: a refused image is then one line, as a single image's refusal is.
      if (!fallbacksSaid) for (const f of opened.fallbackReasons) print(io.stderr, `note: ${f.provider} not used: ${f.reason}`);
      if (!fallbacksSaid && opened.sizeModelError !== undefined) print(io.stderr, `note: ${opened.sizeModelError.message}`);
      fallbacksSaid = true;
      const which = outDir === undefined ? '' : `${imagePath}: `;
      const what = isStack ? stackSummary(selection, frames) : `${result.maskCount} masks`;
      const { adapter } = opened.session;
      print(io.stdout, `${which}${what}, diameter ${result.diameter.toFixed(2)} px${result.diameterFromStyle === null ? '' : ' (estimated)'}, on ${executionProvider}${adapter === null ? '' : ` (${describeAdapter(adapter)})`}, ${(timings.total! / 1000).toFixed(2)} s -> ${out}${seg === undefined ? '' : ` and ${seg}`}`);
    }
    history.sayOnce(io);
  };
  const openTheModel = () => openModel(manager, onnxRuntimeBackend, { model: values.model!, provider, sizeModelPath: values['size-model'] });
  // One image has nothing to overlap.
  const overlap = wholeJobs.length > 1 ? startOverlap() : null;
  try {
    await runBlockJobs(blockJobs, {
      model: openTheModel,
      settings,
      position: asked.plane === undefined && asked.frame === undefined ? undefined : { plane: asked.plane ?? 0, frame: asked.frame ?? 0 },
      refusal: stitchThreshold !== undefined || saveSeg ? "Segmenting in blocks writes one plane's labels: leave out --stitch-threshold and --save-seg, or give --blocks off." : null,
      recorder: () => history.recorder(),
      json: values.json === true,
      inBatch: outDir !== undefined,
      failedOn,
    }, io);
    await runBatch({
      jobs: wholeJobs,
      ...(overlap === null ? {} : { overlap }),
      // Opened at the first image that reads, so a bad image alone costs no model loading.
      model: openTheModel,
      settings,
      stack: { asked, method, pagesAsPlanes },
      recorder: () => history.recorder(),
      beforeSegment: async (index, { description, selection, model }) => {
        const { imagePath } = wholeJobs[index]!;
        const planes = selection.planes.length * selection.frames.length;
        estimates[index] = await confirmLargeRun(io, { imagePath, width: description.width, height: description.height, planes, settings, model }, largeRuns);
      },
      deliver: (index, outcome) => {
        const job = wholeJobs[index]!;
        if (outcome.kind === 'failed') failedOn(job.imagePath, outcome.error);
        else if (outcome.kind === 'done') report(index, job, outcome.image);
      },
    });
    if (failed > 0) print(io.stderr, `${failed} of ${jobs.length} images could not be segmented; nothing was written for them.`);
    return failed > 0 ? 1 : 0;
  } finally {
    await overlap?.close();
    manager.close();
  }
};

/**
 * Records runs in the history until it cannot; then says why, once, and records no more of the batch (see
 * [Note: database faults]). A database the model registry could only copy into memory is known unwritable at once.
 */
class HistoryNotice {
  private readonly segmentationRecorder: SegmentationRecorder | null;
  private problem: HistoryNotRecordedError | null;
  private said = false;

  /** `manager` null: history off (--no-history). */
  constructor(
    manager: ModelManager | null,
    private readonly batch: boolean,
  ) {
    this.segmentationRecorder = manager === null ? null : new SegmentationRecorder(manager.paths.databaseFile, onnxRuntimeBackend.version);
    this.problem = manager?.databaseFault == null ? null : new HistoryNotRecordedError(manager.databaseFault);
  }

  /** Where the next run is recorded: nowhere once the history has failed. */
  recorder(): SegmentationRecorder | null {
    return this.problem === null ? this.segmentationRecorder : null;
  }

  /** Notes why a run was not recorded, if it was not: a database fault stops recording; anything else is said now. */
  failed(io: CliIO, imagePath: string, error: Error | null): void {
    if (error instanceof HistoryNotRecordedError) this.problem ??= error;
    else if (error !== null) print(io.stderr, `note: ${imagePath} was segmented but not recorded in the history: ${error.message}`);
  }

  /** Says, once, why runs are not recorded. */
  sayOnce(io: CliIO): void {
    if (this.problem === null || this.said) return;
    this.said = true;
    print(io.stderr, `note: ${this.problem.message}${this.batch ? ' The other images of this batch are not recorded either.' : ''}`);
  }
}

/** The one image of `--out`: its label TIFF there, its session file (--save-seg) beside it as <image name>_seg.npy. */
function oneImageJob(imagePath: string, out: string, saveSeg: boolean): BatchJob {
  const outputs: BatchOutput[] = [{ format: 'labels-tiff', path: out }];
  if (saveSeg) outputs.push({ format: 'seg-npy', path: outputPath(dirname(out), imagePath, 'seg-npy') });
  return { imagePath, name: basename(imagePath), outputs };
}

/** What a stack's JSON report adds: the planes and frames segmented, how, and the masks of each plane. */
function stackReport(selection: { planes: number[]; frames: number[] }, frames: StackSegmentation[]) {
  const method = frames[0]!.method;
  return {
    planes: selection.planes,
    frames: selection.frames,
    stitchThreshold: method.kind === 'stitch' ? method.threshold : 0,
    masksPerPlane: frames.map((f) => f.masksPerPlane),
    masksPerFrame: frames.map((f) => f.maskCount),
    diameterPerFrame: frames.map((f) => f.diameter),
  };
}

function stackSummary(selection: { planes: number[]; frames: number[] }, frames: StackSegmentation[]): string {
  const method = frames[0]!.method;
  const how = method.kind === 'stitch' && selection.planes.length > 1 ? `stitched at IoU ${method.threshold} into` : 'with';
  const framesText = selection.frames.length > 1 ? ` in ${selection.frames.length} frames` : '';
  const perPlane = frames.map((f) => f.masksPerPlane.join(', ')).join(' | ');
  const total = frames.reduce((sum, f) => sum + f.maskCount, 0);
  return `${selection.planes.length} planes${framesText} ${how} ${total} ${method.kind === 'stitch' ? 'cells' : 'masks'} (masks per plane ${perPlane})`;
}
