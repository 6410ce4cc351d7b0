// The engine's state and operations as its worker holds them: opened images (by id), opened models (sessions cached
// per model and provider), and per image the network output of its last run, kept for re-thresholding. Node side
// (the engine worker; see [Note: engine worker] in engineService.ts).
import { createHash, randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { onnxRuntimeBackend } from '../backend/onnxruntime';
import type { ExecutionProvider } from '../backend/types';
import { displayNetworkOutput } from '../core/flowDisplay';
import { measureMasks, type MaskMeasurement } from '../core/maskMeasurements';
import { outlinePixels } from '../core/outlines';
import { decodeImage } from '../image/decodeImage';
import { rasterToPlanarFloat32, type RasterImage } from '../image/raster';
import { appPathsFor } from '../io/appPaths';
import { DraftStore, DraftUnreadableError, type DraftKey } from '../io/drafts';
import { openModel, type OpenedModel } from '../io/openModel';
import { RecentFiles } from '../io/recentFiles';
import { ModelManager } from '../models/modelManager';
import type { RunHooks } from '../pipeline/progress';
import { KeptNetworkOutput } from '../pipeline/keptNetworkOutput';
import { estimateImageDiameter, segmentImage } from '../pipeline/segment';
import { resolveSettings, type SegmentSettings } from '../pipeline/settings';
import { channelStatistics, displaySamples } from './display';
import { InvalidSettingError } from '../errors';
import { ImageFileError, ImageNotOpenError, NoNetworkOutputError, NoSegmentationError, NoSizeModelError } from './errors';
import { writeExports } from './exportMasks';
import { refuseLargeRun } from './largeRuns';
import type { OperationInput, OperationResult } from './protocol';
import { draftSummary } from '../../shared/contract';

/** What a run leaves behind so masks can be recomputed without the network. */
interface KeptRun {
  output: KeptNetworkOutput;
  settings: SegmentSettings;
  networkRuns: number;
  diameter: number;
  diameterFromStyle: number | null;
  executionProvider: ExecutionProvider;
  fallbackReasons: string[];
  model: { name: string | null; path: string };
}

/** The table and outlines of the last masks sent, kept while the masks stay the same array. */
interface Measured {
  labels: Uint16Array | Uint32Array;
  labels32: Uint32Array;
  masks: MaskMeasurement[];
  outlines: Uint8Array;
}

interface HeldImage {
  info: OperationResult<'openImage'>;
  raster: RasterImage;
  run: KeptRun | null;
  /** The file's content and page: what its draft is kept under. */
  draftKey: DraftKey;
  measured: Measured | null;
}

/** Exports that hold the labels themselves: writing one keeps the edits, so the draft is no longer needed. */
const LABEL_FORMATS: ReadonlySet<string> = new Set(['labels-tiff', 'labels-png']);

export class EngineWorkspace {
  private readonly images = new Map<string, HeldImage>();
  private readonly models = new Map<string, Promise<OpenedModel>>();
  private manager: ModelManager | null = null;
  private recent: RecentFiles | null = null;
  private draftStore: DraftStore | null = null;

  /** `env` is read for the data folder and the model sources (CELLDESK_HOME, CELLPOSE_LOCAL_MODELS_PATH, ...). */
  constructor(private readonly env: NodeJS.ProcessEnv) {}

  async openImage({ path, page }: OperationInput<'openImage'>, hooks: RunHooks): Promise<OperationResult<'openImage'>> {
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await readFile(path));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new ImageFileError(path, code === 'ENOENT' ? 'there is no such file' : code === 'EISDIR' ? 'it is a folder' : `the system said ${code}`, error);
    }
    const raster = await decodeImage(bytes, page === undefined ? { signal: hooks.signal } : { page, signal: hooks.signal });
    // A list that cannot be written must not stop the image from opening (see [Note: recent files]).
    await this.recentList().record(resolve(path)).catch(() => undefined);
    return this.hold(raster, bytes, basename(path), path, dirname(path));
  }

  async uploadImage({ name, bytes }: OperationInput<'uploadImage'>, hooks: RunHooks): Promise<OperationResult<'uploadImage'>> {
    const raster = await decodeImage(bytes, { signal: hooks.signal });
    const exportFolder = join(appPathsFor(this.env).dataDir, 'exports');
    return this.hold(raster, bytes, basename(name.replaceAll('\\', '/')), null, exportFolder);
  }

  closeImage({ imageId }: OperationInput<'closeImage'>): OperationResult<'closeImage'> {
    return { closed: this.images.delete(imageId) };
  }

  displayPixels({ imageId }: OperationInput<'displayPixels'>): OperationResult<'displayPixels'> {
    const { raster } = this.held(imageId);
    return { imageId, width: raster.width, height: raster.height, channels: raster.channels, data: displaySamples(raster), ...channelStatistics(raster) };
  }

  async listModels(): Promise<OperationResult<'listModels'>> {
    const { models } = await this.modelManager().list();
    return models.map((m) => ({
      name: m.name,
      description: m.description,
      available: m.record !== null,
      supported: m.supported,
      unsupportedReason: m.unsupportedReason,
    }));
  }

  async segment(request: OperationInput<'segment'>, hooks: RunHooks): Promise<OperationResult<'segment'>> {
    const held = this.held(request.imageId);
    const settings = resolveSettings(request.settings);
    const model = await this.model(request.model, request.provider);
    if (request.confirmLarge !== true) refuseLargeRun(held.raster, settings, model);
    const result = await segmentImage(rasterToPlanarFloat32(held.raster), model, settings, hooks);
    held.run = {
      output: result.kept,
      settings: result.settings,
      networkRuns: (held.run?.networkRuns ?? 0) + 1,
      diameter: result.diameter,
      diameterFromStyle: result.diameterFromStyle,
      executionProvider: result.executionProvider,
      fallbackReasons: model.fallbackReasons.map((f) => `${f.provider}: ${f.reason}`),
      model: { name: model.resolved.name, path: model.resolved.path },
    };
    return this.segmentation(held, held.run, result.labels, result.timings, true);
  }

  rethreshold(request: OperationInput<'rethreshold'>): OperationResult<'rethreshold'> {
    const held = this.held(request.imageId);
    const run = held.run;
    if (run === null) throw new NoSegmentationError(request.imageId);
    const settings = resolveSettings({ ...run.settings, flowThreshold: request.flowThreshold, cellprobThreshold: request.cellprobThreshold, minSize: request.minSize });
    const start = performance.now();
    const timings: Record<string, number> = {};
    const labels = run.output.masks(settings, timings);
    run.settings = settings;
    const reply = this.segmentation(held, run, labels, timings, false);
    timings.total = performance.now() - start;
    return reply;
  }

  async exportMasks(request: OperationInput<'exportMasks'>): Promise<OperationResult<'exportMasks'>> {
    const { info, raster, draftKey } = this.held(request.imageId);
    const result = await writeExports({ imageName: info.name, raster, labels: request.labels, formats: request.formats, folder: request.folder });
    if (request.formats.some((format) => LABEL_FORMATS.has(format))) await this.drafts().delete(draftKey);
    return result;
  }

  saveDraft({ imageId, labels, summary }: OperationInput<'saveDraft'>): Promise<OperationResult<'saveDraft'>> {
    const { info, raster, draftKey } = this.held(imageId);
    if (labels.length !== raster.width * raster.height) {
      throw new InvalidSettingError(`The masks to keep have ${labels.length} pixels, but the image has ${raster.width} x ${raster.height}.`, { labels: labels.length });
    }
    return this.drafts().save({ key: draftKey, width: raster.width, height: raster.height, imageName: info.name, summary, labels });
  }

  /** The image's draft as a segmentation, measured on the image; see [Note: mask drafts] in src/engine/io/drafts.ts. */
  async loadDraft({ imageId }: OperationInput<'loadDraft'>): Promise<OperationResult<'loadDraft'>> {
    const { info, raster, draftKey } = this.held(imageId);
    const store = this.drafts();
    const draft = await store.load(draftKey);
    if (draft === null) return null;
    const path = store.pathOf(draftKey);
    if (draft.width !== raster.width || draft.height !== raster.height) throw new DraftUnreadableError(path, 'its size is not the image\'s');
    const summary = draftSummary.safeParse(draft.summary);
    if (!summary.success) throw new DraftUnreadableError(path, 'its description of the masks is damaged');
    const { labels, width, height } = draft;
    const masks = measureMasks(labels, height, width, raster);
    const segmentation = {
      ...summary.data,
      imageId: info.imageId,
      width,
      height,
      labels,
      outlines: outlinePixels(labels, height, width),
      maskCount: masks.length,
      masks,
      timings: {},
      networkRuns: 0,
      networkRan: false,
    };
    return { segmentation, savedAt: draft.savedAt };
  }

  async discardDraft({ imageId }: OperationInput<'discardDraft'>): Promise<OperationResult<'discardDraft'>> {
    return { discarded: await this.drafts().delete(this.held(imageId).draftKey) };
  }

  /** The image's kept network output as the viewer draws it (see [Note: network output display]). */
  networkOutput({ imageId }: OperationInput<'networkOutput'>): OperationResult<'networkOutput'> {
    const run = this.held(imageId).run;
    if (run === null) throw new NoNetworkOutputError(imageId);
    return { imageId, ...displayNetworkOutput(run.output.flows) };
  }

  /** The diameter the model's size model estimates for the image, without segmenting it. */
  async calibrate(request: OperationInput<'calibrate'>, hooks: RunHooks): Promise<OperationResult<'calibrate'>> {
    const held = this.held(request.imageId);
    const { channels, batchSize, augment } = request;
    const settings = resolveSettings({ channels, ...(batchSize === undefined ? {} : { batchSize }), ...(augment === undefined ? {} : { augment }) });
    const model = await this.model(request.model, request.provider);
    const { sizeModel } = model;
    if (sizeModel === undefined) throw model.sizeModelError ?? new NoSizeModelError(model.resolved.name ?? basename(model.resolved.path));
    const estimate = await estimateImageDiameter(rasterToPlanarFloat32(held.raster), { ...model, sizeModel }, settings, hooks);
    return {
      imageId: request.imageId,
      diameter: estimate.diameter,
      diameterFromStyle: estimate.fromStyle,
      model: { name: model.resolved.name, path: model.resolved.path },
      timings: estimate.timings,
    };
  }

  /**
   * Registers a model file under its file name, numbered when another file has that name (copied into the cache,
   * with its size model when beside it); importing the same file again gives the model it already is.
   */
  async importModel({ path }: OperationInput<'importModel'>): Promise<OperationResult<'importModel'>> {
    const record = await this.modelManager().importModel(path, { numberIfTaken: true });
    return { name: record.name, description: 'your model, imported', available: true, supported: true, unsupportedReason: null };
  }

  /** A model file sent as its bytes (a browser upload): written to a private temporary folder, imported, removed. */
  async uploadModel({ name, bytes }: OperationInput<'uploadModel'>): Promise<OperationResult<'uploadModel'>> {
    const fileName = basename(name.replaceAll('\\', '/'));
    const folder = await mkdtemp(join(tmpdir(), 'celldesk-upload-'));
    try {
      const path = join(folder, extname(fileName) === '' ? `${fileName}.pth` : fileName);
      await writeFile(path, bytes);
      return await this.importModel({ path });
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  }

  recentFiles(): Promise<OperationResult<'recentFiles'>> {
    return this.recentList().list();
  }

  async close(): Promise<void> {
    this.images.clear();
    const models = [...this.models.values()];
    this.models.clear();
    for (const model of models) await (await model.catch(() => null))?.release();
    this.manager?.close();
    this.manager = null;
  }

  private hold(raster: RasterImage, bytes: Uint8Array, name: string, path: string | null, exportFolder: string): OperationResult<'openImage'> {
    const { width, height, channels, sampleType, page, pageCount } = raster;
    const info = { imageId: randomUUID(), name, path, width, height, channels, sampleType, page, pageCount, exportFolder };
    const draftKey = { sha256: createHash('sha256').update(bytes).digest('hex'), page };
    this.images.set(info.imageId, { info, raster, run: null, measured: null, draftKey });
    return info;
  }

  private drafts(): DraftStore {
    this.draftStore ??= new DraftStore(join(appPathsFor(this.env).dataDir, 'drafts'));
    return this.draftStore;
  }

  private held(imageId: string): HeldImage {
    const held = this.images.get(imageId);
    if (held === undefined) throw new ImageNotOpenError(imageId);
    return held;
  }

  private recentList(): RecentFiles {
    this.recent ??= new RecentFiles(appPathsFor(this.env).dataDir);
    return this.recent;
  }

  private modelManager(): ModelManager {
    this.manager ??= new ModelManager({ env: this.env });
    return this.manager;
  }

  /** One opened model per (model, provider), kept for later runs; a failed opening is not kept. */
  private model(reference: string, provider: OperationInput<'segment'>['provider']): Promise<OpenedModel> {
    const key = `${provider}\u0000${reference}`;
    let opened = this.models.get(key);
    if (opened === undefined) {
      opened = openModel(this.modelManager(), onnxRuntimeBackend, { model: reference, provider });
      this.models.set(key, opened);
      opened.catch(() => this.models.delete(key));
    }
    return opened;
  }

  /** The reply to a run or a re-threshold; `timings` gains 'measure', the time taken by the table and the outlines. */
  private segmentation(held: HeldImage, run: KeptRun, labels: Uint16Array | Uint32Array, timings: Record<string, number>, networkRan: boolean) {
    const { width, height } = held.raster;
    const measureStart = performance.now();
    if (held.measured?.labels !== labels) {
      const labels32 = labels instanceof Uint32Array ? labels : new Uint32Array(labels);
      held.measured = { labels, labels32, masks: measureMasks(labels32, height, width, held.raster), outlines: outlinePixels(labels32, height, width) };
    }
    const { labels32, masks, outlines } = held.measured;
    timings.measure = performance.now() - measureStart;
    return {
      imageId: held.info.imageId,
      width,
      height,
      labels: labels32,
      outlines,
      maskCount: masks.length,
      masks,
      diameter: run.diameter,
      diameterFromStyle: run.diameterFromStyle,
      executionProvider: run.executionProvider,
      fallbackReasons: run.fallbackReasons,
      model: run.model,
      settings: run.settings,
      timings,
      networkRuns: run.networkRuns,
      networkRan,
    };
  }
}
