// The engine's state as its worker holds it, shared by the handlers (handlers/*.ts): opened images (by id), opened
// models (sessions cached per model and provider), per image the network output of its last run (kept for
// re-thresholding) and its running segmentation, and the stores in the data folder. Node side (the engine worker;
// see [Note: engine worker] in engineService.ts).
import { createHash, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { onnxRuntimeBackend } from '../backend/onnxruntime';
import type { MaskMeasurement } from '../core/maskMeasurements';
import { defaultPosition, type ImageStack } from '../image/imageStack';
import type { RasterImage } from '../image/raster';
import { appPathsFor } from '../io/appPaths';
import { SegmentationRecorder } from '../history/segmentAndRecord';
import { DraftStore, type DraftKey } from '../io/drafts';
import { openModel, type OpenedModel } from '../io/openModel';
import { RecentFiles } from '../io/recentFiles';
import { ModelManager } from '../models/modelManager';
import type { KeptNetworkOutput } from '../pipeline/keptNetworkOutput';
import { RunsAhead } from '../../shared/arrayRuns';
import type { CallName, DraftSummary, ExecutionProviderChoice, OpenedImage } from '../../shared/contract';
import { ImageNotOpenError, OperationCancelledError, RunReplacedError } from './errors';
import { emptyPlanes, type HeldPlanes } from './heldPlanes';

/** The abort reason of a run replaced by a newer one on its image (see [Note: one run per image]). */
interface Replacement {
  replacedBy: CallName;
}

const replacedBy = (call: CallName): Replacement => ({ replacedBy: call });

function isReplacement(reason: unknown): reason is Replacement {
  return typeof reason === 'object' && reason !== null && 'replacedBy' in reason;
}

/** What a run leaves behind so masks can be recomputed without the network, and described as the run did. */
export interface KeptRun extends DraftSummary {
  output: KeptNetworkOutput;
  networkRuns: number;
}

/** The table and outlines of the last masks sent, kept while the masks stay the same array. */
export interface Measured {
  labels: Uint16Array | Uint32Array;
  labels32: Uint32Array;
  masks: MaskMeasurement[];
  outlines: Uint8Array;
}

/**
 * The table, outlines and 32-bit labels of masks finished ahead, kept as long as the masks are (see
 * [Note: re-thresholding ahead]).
 */
export type MeasuredAhead = WeakMap<Uint16Array | Uint32Array, Omit<Measured, 'labels'>>;

export interface HeldImage {
  info: OpenedImage;
  /** The file's stack, to show and segment its other planes. */
  stack: ImageStack;
  /** The plane shown (and segmented by 'segment:run'): `info`'s plane of `info`'s frame. */
  raster: RasterImage;
  /** The shown plane's last run; other planes' runs are in `planes` (see heldPlanes.ts). */
  run: KeptRun | null;
  planes: HeldPlanes;
  /** The file's content and page: what its draft is kept under, and its content hash for the history. */
  draftKey: DraftKey;
  measured: Measured | null;
  measuredAhead: MeasuredAhead;
  /** Stops the run's work ahead for re-thresholding (see [Note: re-thresholding ahead]). */
  workAhead: AbortController | null;
}

export class EngineWorkspace {
  /** Label images and outlines packed for the answers while working ahead (see [Note: label runs]). */
  readonly runsAhead = new RunsAhead();
  private readonly images = new Map<string, HeldImage>();
  private readonly models = new Map<string, Promise<OpenedModel>>();
  /** Per image, the segmentation or calibration running on it (see runOnImage). */
  private readonly runs = new Map<string, AbortController>();
  private manager: ModelManager | null = null;
  private recent: RecentFiles | null = null;
  private draftStore: DraftStore | null = null;
  private segmentationRecorder: SegmentationRecorder | null = null;

  /** `env` is read for the data folder and the model sources (CELLDESK_HOME, CELLPOSE_LOCAL_MODELS_PATH, ...). */
  constructor(readonly env: NodeJS.ProcessEnv) {}

  get paths() {
    return appPathsFor(this.env);
  }

  /** Holds the plane shown and segmented: the one holding `page` when given, else the stack's default one. */
  async hold(
    stack: ImageStack,
    bytes: Uint8Array,
    page: number | undefined,
    file: { name: string; path: string | null; exportFolder: string },
    signal: AbortSignal | undefined,
  ): Promise<OpenedImage> {
    const position = page === undefined ? defaultPosition(stack.description) : stack.positionOfPage(page);
    const raster = await stack.readPlane(position, signal);
    const info = { imageId: randomUUID(), ...file, ...stack.description, ...position, page: raster.page };
    const draftKey = { sha256: createHash('sha256').update(bytes).digest('hex'), page: raster.page };
    this.images.set(info.imageId, { info, stack, raster, run: null, planes: emptyPlanes(), measured: null, measuredAhead: new WeakMap(), draftKey, workAhead: null });
    return info;
  }

  held(imageId: string): HeldImage {
    const held = this.images.get(imageId);
    if (held === undefined) throw new ImageNotOpenError(imageId);
    return held;
  }

  /** Forgets the image, cancelling what runs on it; false when it was not open. */
  release(imageId: string): boolean {
    this.cancelRun(imageId);
    this.images.get(imageId)?.workAhead?.abort();
    return this.images.delete(imageId);
  }

  /**
   * Runs a network operation on an image, one at a time per image.
   *
   * [Note: one run per image] A new segmentation or calibration of an image replaces the one going on for it: the
   * user changed a setting and asked again (or a second window or script asked), and the newer request is the one
   * whose result is wanted, so the older one is stopped rather than left to hold the worker for minutes. The older
   * one then fails with RUN_REPLACED, saying so, never with CANCELLED: only 'segment:cancel', closing the image or
   * cancelling the call itself cancels.
   */
  async runOnImage<T>(imageId: string, call: CallName, callSignal: AbortSignal, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    this.runs.get(imageId)?.abort(replacedBy(call));
    const controller = new AbortController();
    this.runs.set(imageId, controller);
    const signal = AbortSignal.any([controller.signal, callSignal]);
    try {
      return await work(signal);
    } catch (error) {
      if (!signal.aborted) throw error;
      const { reason } = controller.signal;
      throw !callSignal.aborted && isReplacement(reason) ? new RunReplacedError(call, reason.replacedBy) : new OperationCancelledError(call);
    } finally {
      if (this.runs.get(imageId) === controller) this.runs.delete(imageId);
    }
  }

  /** Cancels the image's running segmentation or calibration; false when none was running. */
  cancelRun(imageId: string): boolean {
    const controller = this.runs.get(imageId);
    controller?.abort();
    return controller !== undefined;
  }

  modelManager(): ModelManager {
    this.manager ??= new ModelManager({ env: this.env });
    return this.manager;
  }

  /** One opened model per (model, provider), kept for later runs; a failed opening is not kept. */
  model(reference: string, provider: ExecutionProviderChoice): Promise<OpenedModel> {
    const key = `${provider}\u0000${reference}`;
    let opened = this.models.get(key);
    if (opened === undefined) {
      opened = openModel(this.modelManager(), onnxRuntimeBackend, { model: reference, provider });
      this.models.set(key, opened);
      opened.catch(() => this.models.delete(key));
    }
    return opened;
  }

  recentFiles(): RecentFiles {
    this.recent ??= new RecentFiles(this.paths.dataDir);
    return this.recent;
  }

  drafts(): DraftStore {
    this.draftStore ??= new DraftStore(join(this.paths.dataDir, 'drafts'));
    return this.draftStore;
  }

  /** Where segmentation runs are recorded (see [Note: every segmentation recorded]). */
  recorder(): SegmentationRecorder {
    this.segmentationRecorder ??= new SegmentationRecorder(this.paths.databaseFile, onnxRuntimeBackend.version);
    return this.segmentationRecorder;
  }

  async close(): Promise<void> {
    for (const imageId of [...this.images.keys()]) this.release(imageId);
    const models = [...this.models.values()];
    this.models.clear();
    for (const model of models) await (await model.catch(() => null))?.release();
    this.manager?.close();
    this.manager = null;
  }
}
