// `celldesk segment <image> --model M --out labels.tif`: the whole Cellpose pipeline on one image, or on every plane of
// a stack (planes kept apart or stitched into 3D labels, as Cellpose's stitch_threshold); or on many images
// (`celldesk segment a.tif b.tif folder/ --model M --out-dir masks/`), with the model opened once and the images
// overlapped (src/engine/batch/segmentBatch.ts).
import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { EXECUTION_PROVIDERS, type ExecutionProviderChoice } from '../../engine/backend/types';
import { onnxRuntimeBackend } from '../../engine/backend/onnxruntime';
import { CellDeskError, InvalidSettingError } from '../../engine/errors';
import { encodeLabelTiff } from '../../engine/image/encodeTiff';
import { writeFileAtomically } from '../../engine/io/atomicWrite';
import type { ImageStack } from '../../engine/image/imageStack';
import { readImageFile } from '../../engine/io/imageFiles';
import { prepareOutputFile, prepareOutputFolder, refuseFolderAt } from '../../engine/io/outputPaths';
import { openModel, type OpenedModel } from '../../engine/io/openModel';
import { SegmentationRecorder, segmentAndRecord, type RecordedResult, type SegmentedRun } from '../../engine/history/segmentAndRecord';
import { sha256OfFile } from '../../engine/models/fileStamp';
import { ModelManager } from '../../engine/models/modelManager';
import { segmentBatch, startOverlap } from '../../engine/batch/segmentBatch';
import { LARGE_RUN_SECONDS, type RunEstimate } from '../../engine/pipeline/estimateRun';
import { resolveSettings } from '../../engine/pipeline/settings';
import { segmentSelection, selectPlanes, stackMethod, type StackSegmentation } from '../../engine/pipeline/segmentStack';
import { sessionFromApp } from '../../engine/sessionFile/appSession';
import { encodeSegFile } from '../../engine/sessionFile/writeSegFile';
import { HistoryNotRecordedError } from '../../engine/storage/databaseFaults';
import { describeAdapter } from '../../shared/bench/providerLabel';
import { parseCommandLine, print, type CliIO, type CommandHandler } from '../io';
import { confirmLargeRun } from '../largeRuns';

const USAGE =
  'celldesk segment <image> --model <name|checkpoint> --out <labels.tif> | <images or folders...> --out-dir <folder> ' +
  '[--size-model <npy>] [--diameter <px> | estimate (or 0, as in Cellpose)] ' +
  '[--channels c1,c2] [--flow-threshold 0.4] [--cellprob-threshold 0] [--min-size 15] [--niter N] [--augment] ' +
  '[--batch-size 8] [--ep auto|cpu|webgpu|cuda|coreml|dml] [--plane N] [--frame N] [--stitch-threshold 0..1, 0 = planes ' +
  'apart] [--save-seg] [--json] [--no-history] ' +
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
  const outDir = values['out-dir'];
  // Where the masks go is checked before any image is read or model opened (see [Note: output paths]).
  if (outDir === undefined) await prepareOutputFile(values.out!);
  else await prepareOutputFolder(outDir);
  const jobs = outDir === undefined ? [{ imagePath: positionals[0]!, out: values.out! }] : await batchJobs(positionals, outDir);
  if (saveSeg) for (const { imagePath, out } of jobs) await refuseFolderAt(sessionFilePath(out, imagePath));

  const manager = new ModelManager({ env: io.env });
  // A history that cannot be written is said once, and not tried again in the same batch.
  const history = new HistoryNotice(values['no-history'] === true ? null : manager, outDir !== undefined);
  // Opened at the first image that reads, so a bad image alone costs no model loading.
  let model = null as Promise<OpenedModel> | null;
  const openOnce = () => (model ??= openModel(manager, onnxRuntimeBackend, { model: values.model!, provider, sizeModelPath: values['size-model'] }));
  // Several images overlap their network and their masks (see [Note: batch overlap]); one image has nothing to overlap.
  const overlap = jobs.length > 1 ? startOverlap() : null;
  // One question at a time: overlapped images may reach their confirmation together.
  let asking: Promise<unknown> = Promise.resolve();
  const confirmed = (run: Parameters<typeof confirmLargeRun>[1]): Promise<RunEstimate> => {
    const answer = asking.then(() => confirmLargeRun(io, run, largeRuns));
    asking = answer.catch(() => undefined);
    return answer;
  };
  let failed = 0;
  let fallbacksSaid = false;
  /** One image is the whole job: its error is the command's. In a batch, the other images still get segmented. */
  const failedOn = (imagePath: string, error: unknown) => {
    if (outDir === undefined || !(error instanceof CellDeskError)) throw error;
    failed++;
    print(io.stderr, `${imagePath}: ${error.message}`);
  };
  const report = async ({ imagePath, out }: Job, { stack, selection }: LoadedJob, { result, timings, record, recordError, seg, estimate }: SegmentedJob) => {
    const opened = await openOnce();
    const { frames, executionProvider } = result;
    const isStack = selection.planes.length * selection.frames.length > 1;
    history.failed(io, imagePath, recordError);
    if (values.json === true) {
      print(io.stdout, JSON.stringify({
        ...(outDir === undefined ? {} : { file: imagePath }),
        masks: result.maskCount,
        diameter: result.diameter,
        diameterFromStyle: result.diameterFromStyle,
        executionProvider,
        adapter: opened.session.adapter,
        image: stack.description,
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
  try {
    await segmentBatch({
      jobs,
      load: async ({ imagePath }): Promise<LoadedJob> => {
        const startedAt = performance.now();
        const { stack } = await readImageFile(imagePath, { pagesAsPlanes });
        return { stack, selection: selectPlanes(stack.description, asked), startedAt };
      },
      model: openOnce,
      segment: async ({ imagePath, out }, { stack, selection, startedAt }, opened, hooks): Promise<SegmentedJob> => {
        const { description } = stack;
        if (saveSeg && selection.frames.length > 1) throw new InvalidSettingError(`${imagePath} has ${selection.frames.length} time points; a Cellpose session file holds one: choose one with --frame.`);
        const planes = selection.planes.length * selection.frames.length;
        const estimate = await confirmed({ imagePath, width: description.width, height: description.height, planes, settings, model: opened });
        const recorded = await segmentAndRecord({
          image: description,
          source: { name: basename(imagePath), sha256: () => sha256OfFile(imagePath) },
          model: opened,
          segment: async () => framesTogether(await segmentSelection(stack, selection, opened, settings, method, hooks, { keepNetworkOutput: saveSeg })),
          recorder: history.recorder(),
          startedAt,
        });
        const { frames } = recorded.result;
        const { width, height } = frames[0]!;
        const stackShape = { planes: selection.planes.length, frames: selection.frames.length };
        await writeFileAtomically(out, encodeLabelTiff(joinFrames(frames), width, height, { stack: stackShape }));
        return { ...recorded, estimate, seg: saveSeg ? await writeSessionFile(out, imagePath, frames[0]!) : undefined };
      },
      ...(overlap === null ? {} : { overlap }),
      deliver: async (job, outcome) => {
        if ('error' in outcome) return failedOn(job.imagePath, outcome.error);
        try {
          await report(job, outcome.loaded, outcome.result);
        } catch (error) {
          failedOn(job.imagePath, error);
        }
      },
    });
    if (failed > 0) print(io.stderr, `${failed} of ${jobs.length} images could not be segmented; nothing was written for them.`);
    return failed > 0 ? 1 : 0;
  } finally {
    await overlap?.close();
    await (await model?.catch(() => null))?.release();
    manager.close();
  }
};

interface Job {
  imagePath: string;
  out: string;
}

interface LoadedJob {
  stack: ImageStack;
  selection: ReturnType<typeof selectPlanes>;
  startedAt: number;
}

type SegmentedJob = SegmentedRun<ReturnType<typeof framesTogether>> & { estimate: RunEstimate; seg: string | undefined };

/** Each image with its label file in `outDir`; a folder where a label file should go is refused before any work. */
async function batchJobs(paths: readonly string[], outDir: string): Promise<Job[]> {
  const jobs = (await expandImagePaths(paths)).map((imagePath) => ({ imagePath, out: join(outDir, `${labelFileStem(imagePath)}_cp_masks.tif`) }));
  for (const { out } of jobs) await refuseFolderAt(out);
  return jobs;
}

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

/** The run's Cellpose session file, <image name>_seg.npy beside the masks, as io.masks_flows_to_seg writes it. */
async function writeSessionFile(out: string, imagePath: string, result: StackSegmentation): Promise<string> {
  const path = sessionFilePath(out, imagePath);
  const { labels, width, height, planes, diameter, settings, networkOutputs } = result;
  const session = sessionFromApp({
    labels,
    width,
    height,
    planes,
    imagePath: resolve(imagePath),
    channels: settings.channels,
    diameter,
    network: { planes: networkOutputs, cellprobThreshold: settings.cellprobThreshold },
  });
  await writeFileAtomically(path, encodeSegFile(session));
  return path;
}

/** Where --save-seg writes the image's session file: beside its label file. */
function sessionFilePath(out: string, imagePath: string): string {
  return join(dirname(out), `${labelFileStem(imagePath)}_seg.npy`);
}

/** What a label file's name starts with: the image's name without its extension (Cellpose adds `_cp_masks.tif`). */
function labelFileStem(imagePath: string): string {
  return basename(imagePath, extname(imagePath));
}

/** The frames' label volumes one after the other, as 16-bit labels when they fit (as Cellpose writes masks). */
function joinFrames(frames: StackSegmentation[]): Uint16Array | Uint32Array {
  const joined = new Uint32Array(frames.reduce((sum, f) => sum + f.labels.length, 0));
  let at = 0;
  let max = 0;
  for (const { labels } of frames) {
    joined.set(labels, at);
    at += labels.length;
    for (let i = 0; i < labels.length; i++) if (labels[i]! > max) max = labels[i]!;
  }
  return max < 65536 ? Uint16Array.from(joined) : joined;
}

/** The frames segmented, as one run of the history: their masks counted together, the first frame's diameter and provider. */
function framesTogether(frames: StackSegmentation[]): RecordedResult & Pick<StackSegmentation, 'diameterFromStyle'> & { frames: StackSegmentation[] } {
  return { ...frames[0]!, maskCount: frames.reduce((sum, f) => sum + f.maskCount, 0), timings: sumTimings(frames), frames };
}

function sumTimings(frames: StackSegmentation[]): Record<string, number> {
  const sums: Record<string, number> = {};
  for (const { timings } of frames) for (const [stage, ms] of Object.entries(timings)) if (stage !== 'total') sums[stage] = (sums[stage] ?? 0) + ms;
  return sums;
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
