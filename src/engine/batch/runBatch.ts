// Segments a list of images with one model, each recorded in the history and written to its files, a bad image
// reported while the others go on: the one batch loop of `celldesk segment` and of the app's Batch view. Node side
// (the CLI, the batch worker).
//
// [Note: batch runner] Per image, in order: read it (a file that cannot be read is that image's outcome); when the
// batch resumes, skip it if an earlier run did it ([Note: batch manifest]); refuse formats it cannot be written in;
// open the model if no image has yet; let the caller refuse it (beforeSegment: a run too large); segment it through segmentAndRecord, the path of every recorded segmentation
// ([Note: every segmentation recorded]); write its files; record it in the manifest; hand the outcome to `deliver`.
// An image's failure never stops the batch. The model failing to open does (no image could be done), and so does
// cancelling: the image in progress is left undone (its files are written whole or not at all) and the images after
// it are not started. With an overlap (the CLI's batches), the next images are started ahead, one image's masks
// computed while the next image's network runs ([Note: batch overlap]); outcomes are delivered in order all the same,
// and beforeSegment is asked one image at a time.
import { createHash } from 'node:crypto';
import { CellDeskError } from '../errors';
import { readImageFile } from '../io/imageFiles';
import type { OpenedModel } from '../io/openModel';
import type { ImageStack } from '../image/imageStack';
import { segmentAndRecord, type RecordedResult, type SegmentationRecorder, type SegmentedRun } from '../history/segmentAndRecord';
import type { StageProgress } from '../pipeline/progress';
import { segmentSelection, selectPlanes, type StackMethod, type StackSegmentation, type StackSelection } from '../pipeline/segmentStack';
import type { CellposeSettings } from '../pipeline/settings';
import type { DraftSummary, ImageDescription } from '../../shared/engineTypes';
import type { BatchJob } from './batchJobs';
import type { BatchManifest, ManifestEntry } from './batchManifest';
import type { BatchOverlap } from './overlap';
import { checkFormatsFit, writeOutputs, type WrittenOutput } from './batchOutputs';

/** Which planes and frames of each image are segmented, and how planes are joined (the CLI's --plane, --frame, --stitch-threshold). */
export interface StackChoice {
  asked: { plane?: number; frame?: number };
  method: StackMethod;
  /** Pages of a file that declares no axes read as planes (see [Note: undeclared pages]). */
  pagesAsPlanes: boolean;
}

/** Every plane and frame, planes segmented apart: what Cellpose does with a stack in 2D and stitch_threshold 0. */
export const ALL_PLANES_APART: StackChoice = { asked: {}, method: { kind: 'independent' }, pagesAsPlanes: false };

/** The frames segmented, as one run of the history: their masks counted together, the first frame's diameter and provider. */
export type FramesResult = RecordedResult & Pick<StackSegmentation, 'diameterFromStyle'> & { frames: StackSegmentation[] };

/** An image done by this run. */
export interface DoneImage extends SegmentedRun<FramesResult> {
  description: ImageDescription;
  selection: StackSelection;
  model: OpenedModel;
  /** How its masks were made, as the Segment view describes masks it shows. */
  summary: DraftSummary;
  outputs: WrittenOutput[];
  imageSha256: string;
  /** Milliseconds from reading the image to its files written. */
  ms: number;
}

export type BatchOutcome =
  | { kind: 'done'; image: DoneImage }
  /** Done by an earlier run into the same folder, with the same image and settings. */
  | { kind: 'skipped'; entry: ManifestEntry }
  | { kind: 'failed'; error: unknown }
  /** Cancelled while it was being done: nothing of it was written. */
  | { kind: 'cancelled' };

export interface BatchPlan {
  jobs: readonly BatchJob[];
  /** Opens the model, asked once an image is to be segmented (a batch of unreadable or done images opens none); its failure is the batch's. */
  model: () => Promise<OpenedModel>;
  settings: CellposeSettings;
  stack?: StackChoice;
  /** Where each image is recorded, asked per image (a history that failed can be left out for the rest); null: not recorded. */
  recorder: () => SegmentationRecorder | null;
  /** Keeps the manifest of the output folder, skipping images done earlier unless `redo`; absent: no manifest (the CLI). */
  resume?: { manifest: BatchManifest; settingsKey: string; redo: boolean };
  signal?: AbortSignal;
  /** Images overlapped ([Note: batch overlap]); one at a time, masks in this thread, when absent. */
  overlap?: BatchOverlap;
  /** Told once an image is read and the model open, before any network work; a throw is that image's failure (a large run refused). */
  beforeSegment?: (index: number, image: { description: ImageDescription; selection: StackSelection; model: OpenedModel }) => void | Promise<void>;
  /** Told when an image starts being read. */
  onImageStart?: (index: number) => void | Promise<void>;
  /** Told of each stage inside the image's segmentation, and awaited (a worker reads cancellations there). */
  onProgress?: (index: number, progress: StageProgress) => void | Promise<void>;
  /** Each image's outcome, in order; a throw stops the batch (the CLI's one image: its error is the command's). */
  deliver: (index: number, outcome: BatchOutcome) => void | Promise<void>;
}

/** A failed image's error as the batch reports it: CellDesk's own errors as they are, others as an unexpected problem. */
export function imageError(error: unknown): { code: string; message: string } {
  if (error instanceof CellDeskError) return { code: error.code, message: error.message };
  return { code: 'INTERNAL', message: `CellDesk hit an unexpected problem with this image: ${error instanceof Error ? error.message : String(error)}` };
}

function framesTogether(frames: StackSegmentation[]): FramesResult {
  const timings: Record<string, number> = {};
  for (const frame of frames) for (const [stage, ms] of Object.entries(frame.timings)) if (stage !== 'total') timings[stage] = (timings[stage] ?? 0) + ms;
  return { ...frames[0]!, maskCount: frames.reduce((sum, f) => sum + f.maskCount, 0), timings, frames };
}

function summaryOf(result: FramesResult, model: OpenedModel): DraftSummary {
  return {
    diameter: result.diameter,
    diameterFromStyle: result.diameterFromStyle,
    executionProvider: result.executionProvider,
    fallbackReasons: model.fallbackReasons.map((f) => `${f.provider}: ${f.reason}`),
    model: { name: model.resolved.name, path: model.resolved.path },
    settings: result.settings,
  };
}

interface ReadJob {
  stack: ImageStack;
  selection: StackSelection;
  sha256: string;
}

/** Runs the batch; 'cancelled' when its signal stopped it. */
export async function runBatch(plan: BatchPlan): Promise<'completed' | 'cancelled'> {
  const { jobs } = plan;
  // Stopped when the loop ends early (a throw from deliver), so that images started ahead stop too.
  const stop = new AbortController();
  const signal = plan.signal === undefined ? stop.signal : AbortSignal.any([plan.signal, stop.signal]);
  const stack = plan.stack ?? ALL_PLANES_APART;
  const formats = (job: BatchJob) => job.outputs.map((o) => o.format);
  // Assigned in the closures below: typed by assertion so that TypeScript does not narrow it to null here.
  let model = null as Promise<OpenedModel> | null;
  // One question at a time (a terminal prompt): overlapped images may reach beforeSegment together.
  let asking: Promise<unknown> = Promise.resolve();
  const beforeSegment = (...args: Parameters<NonNullable<BatchPlan['beforeSegment']>>): Promise<void> => {
    const answered = asking.then(() => plan.beforeSegment?.(...args));
    asking = answered.catch(() => undefined);
    return answered;
  };

  const readJob = async (job: BatchJob): Promise<ReadJob> => {
    const { bytes, stack: image } = await readImageFile(job.imagePath, { pagesAsPlanes: stack.pagesAsPlanes });
    const selection = selectPlanes(image.description, stack.asked);
    return { stack: image, selection, sha256: createHash('sha256').update(bytes).digest('hex') };
  };

  const segmentJob = async (index: number, job: BatchJob, read: ReadJob, startedAt: number): Promise<DoneImage> => {
    checkFormatsFit(job.imagePath, formats(job), read.selection);
    const opened = await (model ??= plan.model());
    const { description } = read.stack;
    await beforeSegment(index, { description, selection: read.selection, model: opened });
    const hooks = { signal, onProgress: (progress: StageProgress) => plan.onProgress?.(index, progress), masks: plan.overlap?.masks };
    const run = await segmentAndRecord({
      image: description,
      source: { name: job.name, sha256: () => Promise.resolve(read.sha256) },
      model: opened,
      segment: async () =>
        framesTogether(await segmentSelection(read.stack, read.selection, opened, plan.settings, stack.method, hooks, { keepNetworkOutput: formats(job).includes('seg-npy') })),
      recorder: plan.recorder(),
      startedAt,
    });
    const outputs = await writeOutputs(job.outputs, { imagePath: job.imagePath, stack: read.stack, selection: read.selection, frames: run.result.frames });
    const ms = performance.now() - startedAt;
    return { ...run, description, selection: read.selection, model: opened, summary: summaryOf(run.result, opened), outputs, imageSha256: read.sha256, ms };
  };

  const finishJob = async (job: BatchJob, done: DoneImage): Promise<void> => {
    if (plan.resume === undefined) return;
    const { result, summary, imageSha256, ms, record } = done;
    const entry = { imagePath: job.imagePath, imageSha256, settingsKey: plan.resume.settingsKey, masks: result.maskCount, diameter: result.diameter, ms, summary, historyRun: record?.uuid ?? null };
    await plan.resume.manifest.record(job, entry, done.outputs);
  };

  /** The image's outcome; never throws but for the model (the batch's failure). */
  const doJob = async (index: number, job: BatchJob): Promise<BatchOutcome> => {
    const startedAt = performance.now();
    let read: ReadJob;
    try {
      read = await readJob(job);
      const { resume } = plan;
      const earlier = resume === undefined || resume.redo ? null : await resume.manifest.doneEarlier(job, read.sha256, resume.settingsKey);
      if (earlier !== null) return { kind: 'skipped', entry: earlier };
    } catch (error) {
      return signal.aborted ? { kind: 'cancelled' } : { kind: 'failed', error };
    }
    let done: DoneImage;
    try {
      done = await segmentJob(index, job, read, startedAt);
    } catch (error) {
      if (signal.aborted) return { kind: 'cancelled' };
      // A model that cannot be opened is no image's fault.
      if (model !== null && (await model.then(() => false, () => true))) throw error;
      return { kind: 'failed', error };
    }
    try {
      await finishJob(job, done);
    } catch (error) {
      return { kind: 'failed', error };
    }
    return { kind: 'done', image: done };
  };

  // Jobs started ahead are awaited only in their turn: each settles to its outcome or to the model's failure, never
  // to an unawaited rejection (which would end the process).
  const inFlight = Math.max(1, plan.overlap?.inFlight ?? 1);
  const started: Promise<{ outcome: BatchOutcome } | { fatal: unknown }>[] = [];
  const startUpTo = (count: number) => {
    while (started.length < Math.min(count, jobs.length) && !signal.aborted) {
      const index = started.length;
      started.push(Promise.resolve(plan.onImageStart?.(index)).then(() => doJob(index, jobs[index]!)).then((outcome) => ({ outcome }), (fatal: unknown) => ({ fatal })));
    }
  };
  try {
    for (let index = 0; index < jobs.length; index++) {
      if (signal.aborted) return 'cancelled';
      startUpTo(index + inFlight);
      const settled = await started[index]!;
      if ('fatal' in settled) throw settled.fatal;
      await plan.deliver(index, settled.outcome);
      if (settled.outcome.kind === 'cancelled') return 'cancelled';
    }
    return 'completed';
  } finally {
    // Nothing may outlive the call: the model is released after the images in flight.
    stop.abort();
    await Promise.allSettled(started);
    await (await model?.catch(() => null))?.release();
  }
}
