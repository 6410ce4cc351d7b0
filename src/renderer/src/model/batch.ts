// The Batch view's state and actions, outside React (views subscribe to `store`): the images (a folder or files), the
// output folder and formats, the run with its queue filled in from 'batch:event' events, and opening a result in the
// Segment view. The segmentation settings are the Segment view's own (read from its store when a batch starts, never
// copied). Files in the output folder that are not the batch's own are replaced only once the user confirms (see
// [Note: batch replaces files] in src/engine/batch/appBatch.ts). Talks to the engine only through an EngineClient.
// Renderer (DOM-free).
import { MASK_FORMATS, type BatchFormat, type BatchImageResult, type BatchRequest, type StageProgress } from '../../../shared/contract';
import type { Store } from '../../../shared/viewer/store';
import type { EngineClient } from '../engineClient';
import { codeOf, detailsOf, messageOf } from '../errorText';
import { fileNameOf } from '../wording';
import { runSettings } from './segment/runs';
import type { SegmentModel } from './segment/segmentModel';

export interface BatchState {
  /** Image files and folders, one full path a line (typed, or filled by the desktop app's dialogs). */
  sources: string;
  /** A full path, or a folder name made in the first image's folder. */
  outputFolder: string;
  formats: BatchFormat[];
  /** Segment again the images an earlier run into the folder did with the same image and settings. */
  redo: boolean;
  running: boolean;
  cancelling: boolean;
  /** The run shown: its id once started, and the folder its files go to (as the engine resolved it). */
  batchId: string | null;
  writtenTo: string | null;
  /** The queue of the run shown: every image, with its status and, once done, its result. */
  images: BatchImageResult[];
  /** The image being segmented, and where its segmentation is. */
  current: { index: number; progress: StageProgress | null } | null;
  /** How the run shown ended: completed, cancelled, or stopped by an error (`error` says which). */
  status: 'completed' | 'cancelled' | 'stopped' | null;
  notes: string[];
  error: string | null;
  /** Files the run would replace, found before it did anything: it waits for the user to replace or keep them. */
  replacing: { folder: string; paths: string[] } | null;
}

export function initialBatchState(): BatchState {
  return {
    sources: '',
    outputFolder: 'masks',
    formats: ['labels-tiff'],
    redo: false,
    running: false,
    cancelling: false,
    batchId: null,
    writtenTo: null,
    images: [],
    current: null,
    status: null,
    notes: [],
    error: null,
    replacing: null,
  };
}

/** The paths typed, one a line, blank lines left out. */
export function sourcePaths(sources: string): string[] {
  return sources
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

/** Counts of the queue's images by what became of them. */
export function batchCounts(images: readonly BatchImageResult[]) {
  const count = (...statuses: BatchImageResult['status'][]) => images.filter((image) => statuses.includes(image.status)).length;
  return { total: images.length, done: count('done'), skipped: count('skipped'), failed: count('failed'), left: count('pending', 'running', 'cancelled') };
}

/** The file a result's masks are read back from, by MASK_FORMATS' preference; null when none was written. */
export function masksFileOf(result: BatchImageResult): string | null {
  for (const format of MASK_FORMATS) {
    const output = result.outputs.find((o) => o.format === format);
    if (output !== undefined) return output.path;
  }
  return null;
}

/** What is missing before a batch can run with `model`, in a sentence; null when it can. */
export function missingForBatch(state: Pick<BatchState, 'sources' | 'outputFolder' | 'formats'>, model: string): string | null {
  if (sourcePaths(state.sources).length === 0) return 'Choose a folder or images to segment.';
  if (state.outputFolder.trim() === '') return 'Give the folder the results go to.';
  if (!state.formats.some((format) => MASK_FORMATS.includes(format))) return 'Choose a label TIFF, a label PNG or a _seg.npy: the masks are kept in one of them.';
  if (model.trim() === '') return 'Choose a model in the Segment view.';
  return null;
}

export class BatchModel {
  /** `onRecorded` is told when a batch has ended (its images are in the history). */
  constructor(
    private readonly client: EngineClient,
    readonly store: Store<BatchState>,
    readonly segment: SegmentModel,
    private readonly onRecorded: () => void = () => {},
  ) {
    // Subscribed once, before any run, so that no event of a run is missed while a listener connects.
    client.on('batch:event', (event) => {
      const state = this.store.get();
      if (!state.running) return;
      if (event.type === 'started') {
        this.store.set({ batchId: event.batchId, writtenTo: event.outputFolder, images: event.images, notes: event.notes });
      } else if (event.batchId !== state.batchId) {
        return;
      } else if (event.type === 'progress') {
        this.store.set({ current: { index: event.index, progress: event.progress } });
      } else {
        const images = [...state.images];
        images[event.index] = event.result;
        this.store.set({ images, current: event.result.status === 'running' ? { index: event.index, progress: null } : state.current });
      }
    });
  }

  /** A question about files to replace is about the batch asked for: changing it drops the question. */
  set(change: Partial<Pick<BatchState, 'sources' | 'outputFolder' | 'redo'>>): void {
    this.store.set({ ...change, replacing: null });
  }

  toggleFormat(format: BatchFormat): void {
    this.store.set(({ formats }) => ({ formats: formats.includes(format) ? formats.filter((f) => f !== format) : [...formats, format], replacing: null }));
  }

  /** The desktop app's dialog for a folder or image files; their paths replace the ones typed. Nothing happens when the user cancels. */
  async chooseImages(kind: 'folder' | 'files'): Promise<void> {
    try {
      const { paths } = await this.client.call('batch:chooseImages', { kind });
      if (paths.length > 0) this.set({ sources: paths.join('\n') });
    } catch (error) {
      this.store.set({ error: messageOf(error) });
    }
  }

  /** The desktop app's folder dialog for the output folder. */
  async chooseOutputFolder(): Promise<void> {
    try {
      const { path } = await this.client.call('masks:chooseFolder', { current: this.store.get().outputFolder.trim() });
      if (path !== null) this.set({ outputFolder: path });
    } catch (error) {
      this.store.set({ error: messageOf(error) });
    }
  }

  /** What is missing before a batch can run, in a sentence; null when it can. */
  missing(): string | null {
    return missingForBatch(this.store.get(), this.segment.store.get().parameters.model);
  }

  /**
   * Runs the batch with the Segment view's settings (Run and Resume alike: images done earlier are skipped unless
   * `redo`); when files not its own are in the output folder, nothing runs and the view asks first (`replacing`).
   */
  start(): Promise<void> {
    return this.run(false);
  }

  /** The user confirmed replacing the files named in `replacing`: the batch runs. */
  replaceExisting(): Promise<void> {
    if (this.store.get().replacing === null) return Promise.resolve();
    return this.run(true);
  }

  /** The user chose to keep them: nothing runs. */
  keepExisting(): void {
    const { replacing } = this.store.get();
    if (replacing !== null) this.store.set({ replacing: null, status: null, error: null, notes: [`Nothing was run: the files in ${replacing.folder} were kept. Choose another output folder, or run again and replace them.`] });
  }

  private async run(overwrite: boolean): Promise<void> {
    if (this.store.get().running || this.missing() !== null) return;
    const { sources, outputFolder, formats, redo } = this.store.get();
    const parameters = this.segment.store.get().parameters;
    const request: BatchRequest = {
      images: sourcePaths(sources),
      outputFolder: outputFolder.trim(),
      formats,
      model: parameters.model.trim(),
      provider: parameters.provider,
      settings: runSettings(parameters),
      record: parameters.record,
      redo,
      overwrite,
    };
    this.store.set({ running: true, cancelling: false, batchId: null, writtenTo: null, images: [], current: null, status: null, notes: [], error: null, replacing: null });
    try {
      const report = await this.client.call('batch:start', request);
      this.store.set({ batchId: report.batchId, writtenTo: report.outputFolder, images: report.images, notes: report.notes, status: report.status });
    } catch (error) {
      if (codeOf(error) === 'BATCH_FILES_EXIST') {
        const { folder, paths } = detailsOf(error);
        this.store.set({ replacing: { folder: String(folder), paths: Array.isArray(paths) ? paths.map(String) : [] } });
      } else {
        this.store.set({ status: 'stopped', error: messageOf(error) });
      }
    } finally {
      this.store.set({ running: false, cancelling: false, current: null });
      this.onRecorded();
    }
  }

  async cancel(): Promise<void> {
    if (!this.store.get().running) return;
    this.store.set({ cancelling: true });
    try {
      await this.client.call('batch:cancel');
    } catch (error) {
      this.store.set({ error: messageOf(error), cancelling: false });
    }
  }

  /**
   * Opens a done image in the Segment view with the masks the batch wrote for it (read back from its label file,
   * so what is shown is what is on disk). Unsaved edits of that image restored as its draft are kept instead.
   */
  async open(index: number): Promise<void> {
    const result = this.store.get().images[index];
    const masksFile = result === undefined ? null : masksFileOf(result);
    if (result === undefined || masksFile === null || result.summary === null) return;
    const { segment } = this;
    await segment.images.openPath(result.imagePath);
    const { image, unsaved } = segment.store.get();
    // Opening failed (the Segment view shows why), or the user's own edits of this image came back.
    if (image?.path !== result.imagePath || unsaved) return;
    try {
      const masks = await this.client.call('masks:load', { imageId: image.imageId, path: masksFile, summary: result.summary });
      if (segment.store.get().image?.imageId !== image.imageId) return;
      segment.masks.replace(masks);
      segment.store.set({ notice: `Showing the ${masks.maskCount} masks the batch wrote to ${fileNameOf(masksFile)}.` });
    } catch (error) {
      segment.store.set({ error: messageOf(error) });
    }
  }

  dismissError(): void {
    this.store.set({ error: null });
  }
}
