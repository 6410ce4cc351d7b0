// The engine's state and operations as its worker holds them: opened images (by id), opened models (sessions cached
// per model and provider), and per image the network output of its last run, kept for re-thresholding. Node side
// (the engine worker; see [Note: engine worker] in engineService.ts).
import { createHash, randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { onnxRuntimeBackend } from '../backend/onnxruntime';
import type { ExecutionProvider } from '../backend/types';
import type { PlanarImage } from '../core/image';
import { measureMasks } from '../core/maskMeasurements';
import { outlinePixels } from '../core/outlines';
import { decodeImage } from '../image/decodeImage';
import { rasterToPlanarFloat32, type RasterImage } from '../image/raster';
import { appDataDir } from '../io/appPaths';
import { DraftStore, DraftUnreadableError, type DraftKey } from '../io/drafts';
import { openModel, type OpenedModel } from '../io/openModel';
import { ModelManager } from '../models/modelManager';
import type { RunHooks } from '../pipeline/progress';
import { masksFromNetworkOutput, segmentImage } from '../pipeline/segment';
import { resolveSettings, type SegmentSettings } from '../pipeline/settings';
import { channelStatistics, displaySamples } from './display';
import { InvalidSettingError } from '../errors';
import { ImageFileError, ImageNotOpenError, NoSegmentationError } from './errors';
import { writeExports } from './exportMasks';
import type { OperationInput, OperationResult } from './protocol';
import { draftSummary } from '../../shared/contract';

/** What a run leaves behind so masks can be recomputed without the network. */
interface KeptRun {
  flows: PlanarImage;
  niter: number;
  settings: SegmentSettings;
  networkRuns: number;
  diameter: number;
  diameterFromStyle: number | null;
  executionProvider: ExecutionProvider;
  fallbackReasons: string[];
  model: { name: string | null; path: string };
}

interface HeldImage {
  info: OperationResult<'openImage'>;
  raster: RasterImage;
  run: KeptRun | null;
  /** The file's content and page: what its draft is kept under. */
  draftKey: DraftKey;
}

/** Exports that hold the labels themselves: writing one keeps the edits, so the draft is no longer needed. */
const LABEL_FORMATS: ReadonlySet<string> = new Set(['labels-tiff', 'labels-png']);

export class EngineWorkspace {
  private readonly images = new Map<string, HeldImage>();
  private readonly models = new Map<string, Promise<OpenedModel>>();
  private manager: ModelManager | null = null;
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
    return this.hold(raster, bytes, basename(path), path, dirname(path));
  }

  async uploadImage({ name, bytes }: OperationInput<'uploadImage'>, hooks: RunHooks): Promise<OperationResult<'uploadImage'>> {
    const raster = await decodeImage(bytes, { signal: hooks.signal });
    const exportFolder = join(this.dataDir(), 'exports');
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
    const result = await segmentImage(rasterToPlanarFloat32(held.raster), model, settings, hooks);
    held.run = {
      flows: result.flows,
      niter: result.niter,
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
    const labels = masksFromNetworkOutput(run.flows, run.niter, settings);
    run.settings = settings;
    const elapsed = performance.now() - start;
    return this.segmentation(held, run, labels, { masks: elapsed, total: elapsed }, false);
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
    this.images.set(info.imageId, { info, raster, run: null, draftKey });
    return info;
  }

  private dataDir(): string {
    return appDataDir({ env: this.env, platform: process.platform, home: homedir() });
  }

  private drafts(): DraftStore {
    this.draftStore ??= new DraftStore(join(this.dataDir(), 'drafts'));
    return this.draftStore;
  }

  private held(imageId: string): HeldImage {
    const held = this.images.get(imageId);
    if (held === undefined) throw new ImageNotOpenError(imageId);
    return held;
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

  private segmentation(held: HeldImage, run: KeptRun, labels: Uint16Array | Uint32Array, timings: Record<string, number>, networkRan: boolean) {
    const { width, height } = held.raster;
    const labels32 = labels instanceof Uint32Array ? labels : Uint32Array.from(labels);
    const masks = measureMasks(labels32, height, width, held.raster);
    return {
      imageId: held.info.imageId,
      width,
      height,
      labels: labels32,
      outlines: outlinePixels(labels32, height, width),
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
