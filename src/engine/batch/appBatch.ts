// The app's batch ('batch:start' from the Batch view): the images and folders given, segmented with the Segment
// view's settings through runBatch (the CLI's loop), resumed from the output folder's manifest, reported as events as
// it goes and as a report at the end. Node side (the batch worker; see [Note: batch worker]).
//
// [Note: batch replaces files] As the Segment view's export, a batch replaces no file a user may care about without
// asking: before any work, the files it would write that are in the output folder already fail the run with
// BatchFilesExistError (nothing written), and the Batch view asks; confirmed, the run goes again with `overwrite`.
// The batch's own files are not asked about: those the batch record says an earlier run here wrote for the same
// image file, unchanged since (same size). Replacing them is what a resumed run, "Redo images already done" or a
// changed setting is for; a file of another image of the same name, or one edited since, is asked about.
import { randomUUID } from 'node:crypto';
import { basename, dirname, isAbsolute } from 'node:path';
import type { InferenceBackend } from '../backend/types';
import { CellDeskError, InvalidSettingError } from '../errors';
import type { SegmentationRecorder } from '../history/segmentAndRecord';
import { openModel } from '../io/openModel';
import { fileThere, prepareOutputFolder, refuseFolderAt } from '../io/outputPaths';
import type { ModelManager } from '../models/modelManager';
import { resolveExportFolder } from '../service/exportFolder';
import type { BatchEvent, BatchImageResult, BatchReport, BatchRequest } from '../../shared/batchTypes';
import { expandImagePaths, planJobs, type BatchJob } from './batchJobs';
import { BatchManifest, settingsKey } from './batchManifest';
import { ALL_PLANES_APART, imageError, runBatch, type BatchOutcome } from './runBatch';

export interface AppBatchServices {
  manager: ModelManager;
  backend: InferenceBackend;
  /** Where each image is recorded when the request asks for it. */
  recorder: SegmentationRecorder;
}

export interface AppBatchHooks {
  signal: AbortSignal;
  /** Each event, awaited (the worker reads a cancellation there). */
  onEvent: (event: BatchEvent) => void | Promise<void>;
}

/** Files the batch would write are in its output folder already, and the user has not said to replace them. */
export class BatchFilesExistError extends CellDeskError {
  constructor(folder: string, paths: string[]) {
    const named = paths.slice(0, 3).map((path) => basename(path));
    const listed = paths.length > 3 ? `${named.join(', ')} and ${paths.length - 3} more` : named.join(', ');
    super(
      'BATCH_FILES_EXIST',
      `Nothing was run: ${folder} holds ${paths.length === 1 ? 'a file' : `${paths.length} files`} the batch would write (${listed}). Confirm to replace ${paths.length === 1 ? 'it' : 'them'}, or choose another output folder.`,
      { folder, paths },
    );
  }
}

/** The files the jobs would write that are there already and are not the batch's own (see [Note: batch replaces files]). */
async function filesToReplace(jobs: readonly BatchJob[], manifest: BatchManifest): Promise<string[]> {
  const found: string[] = [];
  for (const job of jobs) for (const output of job.outputs) if ((await fileThere(output.path)) && !(await manifest.wroteUnchanged(job, output))) found.push(output.path);
  return found;
}

function pending(job: BatchJob): BatchImageResult {
  return { imagePath: job.imagePath, name: job.name, status: 'pending', masks: null, diameter: null, ms: null, outputs: [], error: null, summary: null, historyRun: null };
}

function resultOf(job: BatchJob, outcome: BatchOutcome, manifest: BatchManifest): BatchImageResult {
  const base = pending(job);
  switch (outcome.kind) {
    case 'done': {
      const { result, ms, outputs, summary, record } = outcome.image;
      return { ...base, status: 'done', masks: result.maskCount, diameter: result.diameter, ms, outputs: outputs.map(({ format, path }) => ({ format, path })), summary, historyRun: record?.uuid ?? null };
    }
    case 'skipped': {
      const { masks, diameter, ms, summary, historyRun } = outcome.entry;
      return { ...base, status: 'skipped', masks, diameter, ms, outputs: manifest.outputsOf(outcome.entry), summary, historyRun };
    }
    case 'failed':
      return { ...base, status: 'failed', error: imageError(outcome.error) };
    case 'cancelled':
      return { ...base, status: 'cancelled' };
  }
}

export async function runAppBatch(request: BatchRequest, services: AppBatchServices, hooks: AppBatchHooks): Promise<BatchReport> {
  const start = performance.now();
  // Relative to what? The engine's working folder is nothing a user can see.
  const relative = request.images.find((path) => !isAbsolute(path.trim()));
  if (relative !== undefined) throw new InvalidSettingError(`Give each image or folder by its full path; "${relative}" is not one.`, { path: relative });
  const imagePaths = await expandImagePaths(request.images.map((path) => path.trim()));
  // Where the files go (a full path as it is, a name inside the first image's folder), checked before any work (see
  // [Note: output paths]).
  const outputFolder = await prepareOutputFolder(resolveExportFolder(request.outputFolder, dirname(imagePaths[0]!)));
  const jobs = planJobs(imagePaths, outputFolder, [...new Set(request.formats)]);
  for (const { outputs } of jobs) for (const { path } of outputs) await refuseFolderAt(path);
  const { manager, backend } = services;
  const model = await manager.resolve(request.model);
  const { manifest, note } = await BatchManifest.open(outputFolder);
  if (!request.overwrite) {
    const there = await filesToReplace(jobs, manifest);
    if (there.length > 0) throw new BatchFilesExistError(outputFolder, there);
  }
  const notes = note === null ? [] : [note];
  const batchId = randomUUID();
  const images = jobs.map(pending);
  await hooks.onEvent({ type: 'started', batchId, outputFolder, images: [...images], notes });
  const update = async (index: number, result: BatchImageResult) => {
    images[index] = result;
    await hooks.onEvent({ type: 'image', batchId, index, result });
  };
  const status = await runBatch({
    jobs,
    model: () => openModel(manager, backend, { model: request.model, provider: request.provider }),
    settings: request.settings,
    stack: ALL_PLANES_APART,
    recorder: () => (request.record ? services.recorder : null),
    resume: { manifest, settingsKey: settingsKey(model.sha256, request.settings, ALL_PLANES_APART.method), redo: request.redo },
    signal: hooks.signal,
    onImageStart: (index) => update(index, { ...images[index]!, status: 'running' }),
    onProgress: (index, progress) => hooks.onEvent({ type: 'progress', batchId, index, progress }),
    deliver: async (index, outcome) => {
      if (outcome.kind === 'done' && outcome.image.recordError !== null) {
        console.error(`CellDesk: ${jobs[index]!.imagePath} was segmented but not recorded in the history:`, outcome.image.recordError);
      }
      await update(index, resultOf(jobs[index]!, outcome, manifest));
    },
  });
  return { batchId, status, outputFolder, images, notes, ms: performance.now() - start };
}
