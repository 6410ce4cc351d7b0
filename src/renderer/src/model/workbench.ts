// The Segment view's state and actions, outside React (views subscribe to `store`): the open image, segmentation
// parameters, the current masks with their undoable edits (delete, merge, draw, erase), the editing tool, selection,
// overlay options, exports and the draft that keeps unsaved edits. Talks to the engine only through an EngineClient,
// so it runs the same over Electron or the browser mode. Renderer (DOM-free).
//
// [Note: unsaved edits] Any edit (and its undo or redo) sets `unsaved`; from then on every change of the shown masks
// is sent to the engine as the image's draft, DRAFT_DELAY_MS after the last one, and at once before another image
// opens. Exporting a label image clears the flag and the engine deletes the draft in the same call. Opening an image
// asks for its draft; a draft found is shown with a notice and the flag set, so it is kept until exported or
// discarded. An unreadable draft is a notice, not an error: the image opens without it.
import { SEGMENT_DEFAULTS } from '../../../shared/contract';
import type {
  AppCommand,
  DisplayPixels,
  DraftSummary,
  ExecutionProviderChoice,
  ExportFormat,
  ExportResult,
  ModelChoice,
  NetworkOutputImages,
  OpenedImage,
  RecentFile,
  Segmentation,
  SegmentProgressEvent,
} from '../../../shared/contract';
import type { EngineClient } from '../engineClient';
import { codeOf, messageOf } from '../errorText';
import { fileNameOf } from '../fileNames';
import { eraseStroke, fillOutline } from '../../../shared/viewer/drawing';
import { deleteMasks, labelPresence, largestLabel, mergeMasks, reapplyEdit, revertEdit, type LabelEdit } from '../../../shared/viewer/labelEdits';
import { MaskBoxes, updateAfterEdit } from '../../../shared/viewer/maskUpdates';
import type { NetworkLayer } from '../../../shared/viewer/networkLayer';
import { createStore, type Store } from '../../../shared/viewer/store';
import { UndoStack } from '../../../shared/viewer/undoStack';

export interface SegmentParameters {
  /** Catalogue or registered model name, or a model file's path. */
  model: string;
  provider: ExecutionProviderChoice;
  /** Cellpose's [channel to segment, nuclear channel]. */
  channels: [number, number];
  diameter: number;
  estimateDiameter: boolean;
  flowThreshold: number;
  cellprobThreshold: number;
  minSize: number;
  /** Dynamics iterations; 0 lets the engine choose (200 at the model's scale). */
  niter: number;
  augment: boolean;
  batchSize: number;
}

export type Activity =
  | { kind: 'idle' }
  | { kind: 'opening' }
  | { kind: 'segmenting'; progress: SegmentProgressEvent | null }
  | { kind: 'rethresholding' }
  | { kind: 'calibrating'; progress: SegmentProgressEvent | null }
  | { kind: 'importing' }
  | { kind: 'exporting' };

/** What a press on the viewer does: select masks, draw a new one, or erase mask pixels with a brush. */
export type Tool = 'select' | 'draw' | 'erase';

/** Brush sizes, in image pixels across. */
export const BRUSH_SIZES = { min: 1, max: 100, initial: 10 } as const;

export interface OverlayState {
  showMasks: boolean;
  showOutlines: boolean;
  opacity: number;
  /** The network output shown in place of the image, under the masks. */
  network: NetworkLayer;
}

/** Something the viewer or a panel should do once (menu commands for them); `serial` tells repeats apart. */
export interface ViewRequest {
  kind: 'fit' | 'actual-size' | 'export';
  serial: number;
}

export interface WorkbenchState {
  models: ModelChoice[];
  image: OpenedImage | null;
  pixels: DisplayPixels | null;
  /** Per channel, the values shown as black and as full intensity. */
  displayRanges: [number, number][];
  channelVisible: boolean[];
  parameters: SegmentParameters;
  activity: Activity;
  error: string | null;
  /** What the last action did, in a sentence. */
  notice: string | null;
  /** The masks shown; its labels change in place with each edit (see masksVersion). */
  segmentation: Segmentation | null;
  /** present[label] = 1 for the labels left after edits. */
  present: Uint8Array;
  maskCount: number;
  /** Increases with every change to the shown labels. */
  masksVersion: number;
  selected: ReadonlySet<number>;
  overlay: OverlayState;
  canUndo: boolean;
  canRedo: boolean;
  /** A request for the viewer to centre on an image point; `serial` tells repeated requests apart. */
  focus: { x: number; y: number; serial: number } | null;
  lastExport: ExportResult | null;
  /** The network output of the open image's last run, fetched when first shown. */
  networkOutput: NetworkOutputImages | null;
  /** Images opened lately, most recent first. */
  recent: RecentFile[];
  viewRequest: ViewRequest | null;
  tool: Tool;
  brushSize: number;
  /** Edits not yet exported as a label image (see [Note: unsaved edits]). */
  unsaved: boolean;
  /** When the shown masks come from a restored draft: when it was saved (ISO 8601). */
  restoredDraftAt: string | null;
  /** When the engine last kept the unsaved edits as a draft (ISO 8601); null while none is kept. */
  draftSavedAt: string | null;
  /** A segmentation estimated to be large, waiting for the user's yes (see [Note: run estimates]): what it would take. */
  largeRun: string | null;
}

/** A whole new set of masks (a run or a re-threshold) replacing the shown one. */
interface ReplaceEdit {
  kind: 'replace';
  before: Segmentation | null;
  after: Segmentation;
}

type Edit = LabelEdit | ReplaceEdit;

/** How long threshold changes settle before masks are recomputed. */
const RETHRESHOLD_DELAY_MS = 250;
/** How long edits settle before the draft is written. */
const DRAFT_DELAY_MS = 800;

const UNDONE: Readonly<Record<LabelEdit['kind'], string>> = {
  delete: 'Undone: the deleted masks are back.',
  merge: 'Undone: the merged masks are separate again.',
  draw: 'Undone: the drawn mask is gone.',
  erase: 'Undone: the erased pixels are back.',
};

const listed = (labels: readonly number[]) => `${labels.length === 1 ? 'mask' : 'masks'} ${labels.join(', ')}`;

function summaryOf(segmentation: Segmentation): DraftSummary {
  const { diameter, diameterFromStyle, executionProvider, fallbackReasons, model, settings } = segmentation;
  return { diameter, diameterFromStyle, executionProvider, fallbackReasons, model, settings };
}

function initialState(): WorkbenchState {
  return {
    models: [],
    image: null,
    pixels: null,
    displayRanges: [],
    channelVisible: [],
    parameters: {
      model: '',
      provider: 'auto',
      channels: [0, 0],
      diameter: 30,
      estimateDiameter: false,
      ...SEGMENT_DEFAULTS,
    },
    activity: { kind: 'idle' },
    error: null,
    notice: null,
    largeRun: null,
    segmentation: null,
    present: new Uint8Array(0),
    maskCount: 0,
    masksVersion: 0,
    selected: new Set(),
    overlay: { showMasks: true, showOutlines: true, opacity: 0.5, network: 'none' },
    canUndo: false,
    canRedo: false,
    focus: null,
    lastExport: null,
    networkOutput: null,
    recent: [],
    viewRequest: null,
    tool: 'select',
    brushSize: BRUSH_SIZES.initial,
    unsaved: false,
    restoredDraftAt: null,
    draftSavedAt: null,
  };
}

export class Workbench {
  readonly store: Store<WorkbenchState>;
  private readonly history = new UndoStack<Edit>();
  private rethresholdTimer: ReturnType<typeof setTimeout> | null = null;
  private rethresholdRunning = false;
  private rethresholdPending = false;
  /** Counts network runs, so a network output fetched for an earlier run is not shown after a newer one. */
  private runSerial = 0;
  /** Per segmentation, its masks' bounding boxes, built at its first edit (see maskUpdates.ts). */
  private readonly boxes = new WeakMap<Segmentation, MaskBoxes>();
  private draftTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly client: EngineClient) {
    this.store = createStore(initialState());
    client.on('segment:progress', (event) => {
      const { activity, image } = this.store.get();
      const running = activity.kind === 'segmenting' || activity.kind === 'calibrating';
      if (running && image?.imageId === event.imageId) this.store.set({ activity: { kind: activity.kind, progress: event } });
    });
    // Only the desktop app has a native menu; the browser mode would open an event stream for nothing.
    if (client.kind === 'desktop') client.on('app:command', (command) => this.perform(command));
  }

  get environment(): EngineClient['kind'] {
    return this.client.kind;
  }

  async loadModels(): Promise<void> {
    try {
      const models = await this.client.call('models:list');
      this.store.set(({ parameters }) => {
        const preferred = models.find((m) => m.available && m.supported) ?? models.find((m) => m.name === 'cyto3');
        return { models, parameters: parameters.model === '' && preferred !== undefined ? { ...parameters, model: preferred.name } : parameters };
      });
    } catch (error) {
      this.fail(error);
    }
  }

  async openPath(path: string): Promise<void> {
    await this.open(() => this.client.call('image:open', { path: path.trim() }));
    await this.loadRecent();
  }

  /** The desktop app's open dialog; nothing happens when the user cancels. */
  async chooseAndOpen(): Promise<void> {
    try {
      const { path } = await this.client.call('image:choose');
      if (path !== null) await this.openPath(path);
    } catch (error) {
      this.fail(error);
    }
  }

  upload(name: string, bytes: Uint8Array): Promise<void> {
    return this.open(() => this.client.call('image:upload', { name, bytes }));
  }

  setParameters(change: Partial<SegmentParameters>): void {
    const before = this.store.get().parameters;
    const parameters = { ...before, ...change };
    this.store.set({ parameters });
    const thresholdsChanged =
      parameters.flowThreshold !== before.flowThreshold || parameters.cellprobThreshold !== before.cellprobThreshold || parameters.minSize !== before.minSize;
    if (thresholdsChanged) this.scheduleRethreshold();
  }

  /** Segments the open image; a run estimated to be large waits for `confirmLargeRun` (see [Note: run estimates]). */
  async run(confirmLarge = false): Promise<void> {
    const { image, parameters, segmentation } = this.store.get();
    if (image === null) return;
    this.store.set({ activity: { kind: 'segmenting', progress: null }, error: null, notice: null, largeRun: null });
    try {
      const result = await this.client.call('segment:run', {
        confirmLarge,
        imageId: image.imageId,
        model: parameters.model.trim(),
        provider: parameters.provider,
        settings: {
          channels: parameters.channels,
          diameter: parameters.estimateDiameter ? 0 : parameters.diameter,
          flowThreshold: parameters.flowThreshold,
          cellprobThreshold: parameters.cellprobThreshold,
          minSize: parameters.minSize,
          ...(parameters.niter === 0 ? {} : { niter: parameters.niter }),
          augment: parameters.augment,
          batchSize: parameters.batchSize,
        },
      });
      this.runSerial++;
      this.store.set({ networkOutput: null });
      this.record({ kind: 'replace', before: segmentation, after: result });
      if (this.store.get().overlay.network !== 'none') void this.loadNetworkOutput();
      const seconds = ((result.timings['total'] ?? 0) / 1000).toFixed(1);
      const model = result.model.name ?? fileNameOf(result.model.path);
      this.store.set(({ parameters: current }) => ({
        notice: `Segmented with ${model} on ${result.executionProvider} in ${seconds} s.`,
        parameters: current.estimateDiameter ? { ...current, diameter: Math.round(result.diameter * 100) / 100 } : current,
      }));
      if (!this.thresholdsMatch(result)) this.scheduleRethreshold();
    } catch (error) {
      if (codeOf(error) === 'CANCELLED') this.store.set({ notice: 'Segmentation cancelled.' });
      else if (codeOf(error) === 'LARGE_RUN') this.store.set({ largeRun: messageOf(error) });
      else this.fail(error);
    } finally {
      this.store.set({ activity: { kind: 'idle' } });
    }
  }

  /** The user said yes to the large run: it starts. */
  confirmLargeRun(): Promise<void> {
    return this.run(true);
  }

  /** The user declined the large run: nothing starts. */
  declineLargeRun(): void {
    this.store.set({ largeRun: null, notice: 'Segmentation not started.' });
  }

  /** Estimates the diameter with the model's size model, without segmenting, and puts it in the diameter field. */
  async calibrate(): Promise<void> {
    const { image, parameters, activity } = this.store.get();
    if (image === null || activity.kind !== 'idle') return;
    this.store.set({ activity: { kind: 'calibrating', progress: null }, error: null, notice: null });
    try {
      const result = await this.client.call('segment:calibrate', {
        imageId: image.imageId,
        model: parameters.model.trim(),
        provider: parameters.provider,
        channels: parameters.channels,
        augment: parameters.augment,
        batchSize: parameters.batchSize,
      });
      const diameter = Math.round(result.diameter * 100) / 100;
      this.store.set(({ parameters: current }) => ({
        parameters: { ...current, diameter, estimateDiameter: false },
        notice: `Calibrated: the size model estimates a cell diameter of ${diameter.toFixed(2)} px.`,
      }));
    } catch (error) {
      if (codeOf(error) === 'CANCELLED') this.store.set({ notice: 'Calibration cancelled.' });
      else this.fail(error);
    } finally {
      this.store.set({ activity: { kind: 'idle' } });
      // Thresholds changed while calibrating were left for now (see rethreshold).
      const { segmentation } = this.store.get();
      if (segmentation !== null && !this.thresholdsMatch(segmentation)) this.scheduleRethreshold();
    }
  }

  /** Puts the settings the view offers back to Cellpose's defaults (channels, diameter and model are kept). */
  resetToDefaults(): void {
    this.setParameters({ ...SEGMENT_DEFAULTS });
  }

  /** Registers a model file, by its path or as uploaded bytes, and selects it; a refused file shows why. */
  async importModel(source: { path: string } | { name: string; bytes: Uint8Array }): Promise<void> {
    if (this.store.get().activity.kind !== 'idle') return;
    this.store.set({ activity: { kind: 'importing' }, error: null, notice: null });
    try {
      const model = 'path' in source ? await this.client.call('models:import', { path: source.path.trim() }) : await this.client.call('models:upload', source);
      await this.loadModels();
      this.store.set(({ parameters }) => ({ parameters: { ...parameters, model: model.name }, notice: `Imported the model ${model.name}; it is now in the model list.` }));
    } catch (error) {
      this.fail(error);
    } finally {
      this.store.set({ activity: { kind: 'idle' } });
    }
  }

  /** The desktop app's dialog for a model file; nothing happens when the user cancels. */
  async chooseAndImportModel(): Promise<void> {
    try {
      const { path } = await this.client.call('models:choose');
      if (path !== null) await this.importModel({ path });
    } catch (error) {
      this.fail(error);
    }
  }

  async loadRecent(): Promise<void> {
    try {
      this.store.set({ recent: await this.client.call('image:recent') });
    } catch (error) {
      this.fail(error);
    }
  }

  /** Shows a network output in place of the image (or the image again: 'none'), fetching it the first time. */
  setNetworkLayer(network: NetworkLayer): void {
    this.setOverlay({ network });
    if (network !== 'none') void this.loadNetworkOutput();
  }

  /** The F and P keys: shows that output, or the image again if it is already shown; only once there is one. */
  toggleNetworkLayer(layer: Exclude<NetworkLayer, 'none'>): void {
    const { segmentation, overlay } = this.store.get();
    if (segmentation !== null) this.setNetworkLayer(overlay.network === layer ? 'none' : layer);
  }

  /** Runs a command of the desktop app's menu as its button or key does. */
  perform(command: AppCommand): void {
    switch (command.command) {
      case 'open':
        void this.chooseAndOpen();
        break;
      case 'open-recent':
        void this.openPath(command.path);
        break;
      case 'toggle-masks':
        this.toggleMasks();
        break;
      case 'toggle-outlines':
        this.toggleOutlines();
        break;
      case 'toggle-flows':
        this.toggleNetworkLayer('flows');
        break;
      case 'toggle-cellprob':
        this.toggleNetworkLayer('cellprob');
        break;
      case 'export':
        if (this.store.get().segmentation !== null) this.request('export');
        break;
      case 'fit':
      case 'actual-size':
        this.request(command.command);
        break;
    }
  }

  async cancel(): Promise<void> {
    const { image } = this.store.get();
    if (image !== null) await this.client.call('segment:cancel', { imageId: image.imageId }).catch((error: unknown) => this.fail(error));
  }

  /** Selects the mask under image pixel (x, y); `additive` (shift) adds or removes it from the selection. */
  selectAt(x: number, y: number, additive: boolean): void {
    const { segmentation } = this.store.get();
    if (segmentation === null) return;
    const column = Math.floor(x);
    const row = Math.floor(y);
    const inside = column >= 0 && row >= 0 && column < segmentation.width && row < segmentation.height;
    this.select(inside ? segmentation.labels[row * segmentation.width + column]! : 0, additive);
  }

  /** Selects a mask from the results table and asks the viewer to centre on it. */
  selectFromTable(label: number, additive: boolean): void {
    this.select(label, additive);
    const row = this.store.get().segmentation?.masks.find((m) => m.label === label);
    if (row !== undefined) this.store.set(({ focus }) => ({ focus: { x: row.centroidX + 0.5, y: row.centroidY + 0.5, serial: (focus?.serial ?? 0) + 1 } }));
  }

  deleteSelected(): void {
    const { segmentation, selected } = this.store.get();
    if (segmentation === null) return;
    const edit = deleteMasks(segmentation.labels, selected);
    if (edit === null) return;
    this.applyEdit(segmentation, edit, { selected: new Set(), notice: `Deleted ${listed(edit.labels)}.` });
  }

  /** Merges the selected masks into one, which keeps the smallest of their labels. */
  mergeSelected(): void {
    const { segmentation, selected } = this.store.get();
    if (segmentation === null) return;
    const edit = mergeMasks(segmentation.labels, selected);
    if (edit === null) {
      this.store.set({ notice: 'Select two or more masks to merge (shift-click them), then press M.' });
      return;
    }
    this.applyEdit(segmentation, edit, { selected: new Set([edit.value]), notice: `Merged ${listed(edit.labels)} into mask ${edit.value}.` });
  }

  /** Fills the closed outline `points` ([x0, y0, ...], image coordinates) into a new mask over background pixels. */
  drawOutline(points: readonly number[]): void {
    const { segmentation } = this.store.get();
    if (segmentation === null) {
      this.store.set({ notice: 'Run a segmentation first: the draw and erase tools edit its masks.' });
      return;
    }
    const label = largestLabel(segmentation.labels) + 1;
    const edit = fillOutline(segmentation.labels, segmentation.width, segmentation.height, points, label);
    if (edit === null) {
      this.store.set({ notice: 'Nothing drawn: the outline enclosed no free pixels (pixels already in masks stay theirs).' });
      return;
    }
    this.applyEdit(segmentation, edit, { selected: new Set(), notice: `Drew mask ${label} (${edit.pixels.length} px).` });
  }

  /** Erases mask pixels under the brush along `points` ([x0, y0, ...], image coordinates): one undo step. */
  eraseAlong(points: readonly number[]): void {
    const { segmentation, brushSize, selected } = this.store.get();
    if (segmentation === null) return;
    const edit = eraseStroke(segmentation.labels, segmentation.width, segmentation.height, points, brushSize);
    if (edit === null) return;
    this.applyEdit(segmentation, edit, { selected, notice: `Erased ${edit.pixels.length} px from ${listed(edit.labels)}.` });
    this.dropVanishedFromSelection();
  }

  setTool(tool: Tool): void {
    if (tool !== 'select' && this.store.get().segmentation === null) {
      this.store.set({ notice: 'Run a segmentation first: the draw and erase tools edit its masks.' });
      return;
    }
    this.store.set({ tool });
  }

  /** Grows (steps > 0) or shrinks the brush by `steps` sizes: about 20% each, at least one pixel. */
  changeBrushSize(steps: number): void {
    this.store.set(({ brushSize }) => {
      let size = brushSize;
      for (let k = 0; k < Math.abs(steps); k++) size = steps > 0 ? Math.max(size + 1, Math.round(size * 1.2)) : Math.min(size - 1, Math.round(size / 1.2));
      return { brushSize: Math.min(BRUSH_SIZES.max, Math.max(BRUSH_SIZES.min, size)) };
    });
  }

  /** Escape: back to selecting, nothing selected. */
  escape(): void {
    this.store.set({ tool: 'select', selected: new Set() });
  }

  undo(): void {
    const edit = this.history.undo();
    if (edit === undefined) return;
    if (edit.kind === 'replace') {
      this.showMasks(edit.before, { selected: new Set(), notice: 'Undone: the previous masks are back.', ...this.thresholdsOf(edit.before) });
    } else {
      const segmentation = this.store.get().segmentation!;
      revertEdit(segmentation.labels, edit);
      this.updateMeasurements(segmentation, edit);
      const selected = edit.kind === 'draw' ? new Set<number>() : new Set(edit.labels);
      this.showMasks(segmentation, { selected, notice: UNDONE[edit.kind] });
    }
    this.markUnsaved();
  }

  redo(): void {
    const edit = this.history.redo();
    if (edit === undefined) return;
    if (edit.kind === 'replace') {
      this.showMasks(edit.after, { selected: new Set(), notice: 'Redone.', ...this.thresholdsOf(edit.after) });
    } else {
      const segmentation = this.store.get().segmentation!;
      reapplyEdit(segmentation.labels, edit);
      this.updateMeasurements(segmentation, edit);
      this.showMasks(segmentation, { selected: edit.kind === 'merge' ? new Set([edit.value]) : new Set(), notice: 'Redone.' });
    }
    this.markUnsaved();
  }

  /** Drops the restored draft: the engine deletes it and the image is shown without masks. */
  async discardDraft(): Promise<void> {
    const { image } = this.store.get();
    if (image === null) return;
    this.cancelDraftSave();
    try {
      await this.client.call('masks:discardDraft', { imageId: image.imageId });
      this.history.clear();
      this.showMasks(null, { selected: new Set(), unsaved: false, restoredDraftAt: null, draftSavedAt: null, notice: 'Discarded the unsaved edits.' });
    } catch (error) {
      this.fail(error);
    }
  }

  /** Writes the draft now if one is waiting (before the page unloads, before another image opens). */
  async flushDraft(): Promise<void> {
    if (this.draftTimer === null) return;
    this.cancelDraftSave();
    await this.saveDraft();
  }

  setOverlay(change: Partial<OverlayState>): void {
    this.store.set(({ overlay }) => ({ overlay: { ...overlay, ...change } }));
  }

  toggleMasks(): void {
    this.setOverlay({ showMasks: !this.store.get().overlay.showMasks });
  }

  toggleOutlines(): void {
    this.setOverlay({ showOutlines: !this.store.get().overlay.showOutlines });
  }

  setDisplayRange(channel: number, range: [number, number]): void {
    this.store.set(({ displayRanges }) => ({ displayRanges: displayRanges.map((r, c) => (c === channel ? range : r)) }));
  }

  setChannelVisible(channel: number, visible: boolean): void {
    this.store.set(({ channelVisible }) => ({ channelVisible: channelVisible.map((v, c) => (c === channel ? visible : v)) }));
  }

  async exportMasks(formats: ExportFormat[], folder: string): Promise<void> {
    const { image, segmentation } = this.store.get();
    if (image === null || segmentation === null) return;
    this.store.set({ activity: { kind: 'exporting' }, error: null, lastExport: null });
    try {
      const labelsWritten = formats.includes('labels-tiff') || formats.includes('labels-png');
      // A draft save still waiting would write the draft again after the export deleted it.
      if (labelsWritten) this.cancelDraftSave();
      const result = await this.client.call('masks:export', { imageId: image.imageId, labels: segmentation.labels, formats, folder: folder.trim() });
      this.store.set(({ unsaved, restoredDraftAt, draftSavedAt }) => ({
        lastExport: result,
        notice: `Exported ${result.files.length} file${result.files.length === 1 ? '' : 's'} to ${folder.trim()}.`,
        unsaved: labelsWritten ? false : unsaved,
        restoredDraftAt: labelsWritten ? null : restoredDraftAt,
        draftSavedAt: labelsWritten ? null : draftSavedAt,
      }));
    } catch (error) {
      this.fail(error);
    } finally {
      this.store.set({ activity: { kind: 'idle' } });
    }
  }

  dismissError(): void {
    this.store.set({ error: null });
  }

  private request(kind: ViewRequest['kind']): void {
    this.store.set(({ viewRequest }) => ({ viewRequest: { kind, serial: (viewRequest?.serial ?? 0) + 1 } }));
  }

  private async loadNetworkOutput(): Promise<void> {
    const { image, segmentation, networkOutput } = this.store.get();
    if (image === null || segmentation === null || networkOutput?.imageId === image.imageId) return;
    const serial = this.runSerial;
    try {
      const output = await this.client.call('segment:networkOutput', { imageId: image.imageId });
      if (serial === this.runSerial && this.store.get().image?.imageId === output.imageId) this.store.set({ networkOutput: output });
    } catch (error) {
      this.fail(error);
    }
  }

  private async open(request: () => Promise<OpenedImage>): Promise<void> {
    const previous = this.store.get().image;
    this.store.set({ activity: { kind: 'opening' }, error: null, notice: null });
    try {
      await this.flushDraft();
      const image = await request();
      const pixels = await this.client.call('image:pixels', { imageId: image.imageId });
      if (previous !== null) void this.client.call('image:close', { imageId: previous.imageId }).catch(() => undefined);
      this.history.clear();
      this.runSerial++;
      this.store.set(({ parameters }) => ({
        networkOutput: null,
        image,
        pixels,
        displayRanges: pixels.ranges.map(([low, high]) => [low, high] as [number, number]),
        channelVisible: pixels.ranges.map(() => true),
        parameters: { ...parameters, channels: image.channels === 1 ? [0, 0] : parameters.channels },
        lastExport: null,
        notice: `Opened ${image.name} (${image.width} x ${image.height}, ${image.channels} channel${image.channels === 1 ? '' : 's'}, ${image.sampleType}).`,
      }));
      this.showMasks(null, { selected: new Set(), unsaved: false, restoredDraftAt: null, draftSavedAt: null });
      await this.restoreDraft(image);
    } catch (error) {
      this.fail(error);
    } finally {
      this.store.set({ activity: { kind: 'idle' } });
    }
  }

  private select(label: number, additive: boolean): void {
    this.store.set(({ selected }) => {
      if (!additive) return { selected: new Set(label === 0 ? [] : [label]) };
      const next = new Set(selected);
      if (label !== 0 && !next.delete(label)) next.add(label);
      return { selected: next };
    });
  }

  private record(edit: ReplaceEdit): void {
    this.history.push(edit);
    this.showMasks(edit.after, { selected: new Set(), restoredDraftAt: null });
    if (this.store.get().unsaved) this.scheduleDraftSave();
  }

  /** Records an edit already applied to `segmentation`'s labels and shows its result. */
  private applyEdit(segmentation: Segmentation, edit: LabelEdit, extra: Partial<WorkbenchState>): void {
    this.history.push(edit);
    this.updateMeasurements(segmentation, edit);
    this.showMasks(segmentation, extra);
    this.markUnsaved();
  }

  /** Outlines, count and table rows of the masks `edit` touched; see [Note: incremental mask updates]. */
  private updateMeasurements(segmentation: Segmentation, edit: LabelEdit): void {
    let boxes = this.boxes.get(segmentation);
    if (boxes === undefined) {
      boxes = MaskBoxes.of(segmentation.labels, segmentation.width);
      this.boxes.set(segmentation, boxes);
    }
    const { pixels } = this.store.get();
    const image = pixels !== null && pixels.width === segmentation.width && pixels.height === segmentation.height ? pixels : null;
    updateAfterEdit(segmentation, boxes, image, edit);
  }

  private dropVanishedFromSelection(): void {
    this.store.set(({ selected, present }) => ({ selected: new Set([...selected].filter((label) => present[label] === 1)) }));
  }

  private markUnsaved(): void {
    this.store.set({ unsaved: true });
    this.scheduleDraftSave();
  }

  private scheduleDraftSave(): void {
    this.cancelDraftSave();
    // The kept draft no longer holds the shown masks: the view says so until the next save lands.
    this.store.set({ draftSavedAt: null });
    this.draftTimer = setTimeout(() => {
      this.draftTimer = null;
      void this.saveDraft();
    }, DRAFT_DELAY_MS);
  }

  private cancelDraftSave(): void {
    if (this.draftTimer !== null) clearTimeout(this.draftTimer);
    this.draftTimer = null;
  }

  /** Sends the shown masks as the image's draft; with no masks left, the draft is deleted instead. */
  private async saveDraft(): Promise<void> {
    const { image, segmentation, unsaved } = this.store.get();
    if (image === null || !unsaved) return;
    try {
      let savedAt: string | null = null;
      if (segmentation === null) await this.client.call('masks:discardDraft', { imageId: image.imageId });
      else ({ savedAt } = await this.client.call('masks:saveDraft', { imageId: image.imageId, labels: segmentation.labels, summary: summaryOf(segmentation) }));
      if (this.store.get().image?.imageId === image.imageId && this.store.get().unsaved) this.store.set({ draftSavedAt: savedAt });
    } catch (error) {
      this.fail(error);
    }
  }

  /** Shows the draft kept for `image`, if any; an unreadable one is reported and left out. */
  private async restoreDraft(image: OpenedImage): Promise<void> {
    try {
      const draft = await this.client.call('masks:loadDraft', { imageId: image.imageId });
      if (draft === null || this.store.get().image?.imageId !== image.imageId) return;
      const when = new Date(draft.savedAt).toLocaleString();
      this.showMasks(draft.segmentation, {
        selected: new Set(),
        unsaved: true,
        restoredDraftAt: draft.savedAt,
        draftSavedAt: draft.savedAt,
        notice: `Restored your unsaved edits of ${image.name} (${draft.segmentation.maskCount} masks, saved ${when}). Export the masks to keep them, or discard them.`,
      });
    } catch (error) {
      if (codeOf(error) === 'DRAFT_UNREADABLE') this.store.set({ notice: messageOf(error) });
      else this.fail(error);
    }
  }

  private showMasks(segmentation: Segmentation | null, extra: Partial<WorkbenchState>): void {
    const { present, count } = segmentation === null ? { present: new Uint8Array(0), count: 0 } : labelPresence(segmentation.labels);
    this.store.set(({ masksVersion }) => ({
      segmentation,
      present,
      maskCount: count,
      masksVersion: masksVersion + 1,
      canUndo: this.history.canUndo,
      canRedo: this.history.canRedo,
      // With no masks left to edit, no tool stays armed.
      ...(segmentation === null ? { tool: 'select' as const } : {}),
      ...extra,
    }));
  }

  private thresholdsOf(segmentation: Segmentation | null): Partial<WorkbenchState> {
    if (segmentation === null) return {};
    const { flowThreshold, cellprobThreshold, minSize } = segmentation.settings;
    return { parameters: { ...this.store.get().parameters, flowThreshold, cellprobThreshold, minSize } };
  }

  private thresholdsMatch(segmentation: Segmentation): boolean {
    const { parameters } = this.store.get();
    const { settings } = segmentation;
    return settings.flowThreshold === parameters.flowThreshold && settings.cellprobThreshold === parameters.cellprobThreshold && settings.minSize === parameters.minSize;
  }

  private scheduleRethreshold(): void {
    if (this.rethresholdTimer !== null) clearTimeout(this.rethresholdTimer);
    this.rethresholdTimer = setTimeout(() => {
      this.rethresholdTimer = null;
      void this.rethreshold();
    }, RETHRESHOLD_DELAY_MS);
  }

  /** Recomputes masks from the kept network output with the current thresholds; runs again if they changed meanwhile. */
  private async rethreshold(): Promise<void> {
    if (this.rethresholdRunning) {
      this.rethresholdPending = true;
      return;
    }
    this.rethresholdRunning = true;
    try {
      do {
        this.rethresholdPending = false;
        const { image, segmentation, activity, parameters } = this.store.get();
        if (image === null || segmentation === null || activity.kind === 'segmenting' || activity.kind === 'calibrating' || this.thresholdsMatch(segmentation)) return;
        this.store.set({ activity: { kind: 'rethresholding' }, error: null });
        try {
          const result = await this.client.call('segment:rethreshold', {
            imageId: image.imageId,
            flowThreshold: parameters.flowThreshold,
            cellprobThreshold: parameters.cellprobThreshold,
            minSize: parameters.minSize,
          });
          if (this.store.get().image?.imageId !== image.imageId) return;
          this.record({ kind: 'replace', before: this.store.get().segmentation, after: result });
          const ms = Math.round(result.timings['total'] ?? 0);
          this.store.set({ notice: `Masks recomputed from the kept network output in ${ms} ms, without running the network.` });
        } catch (error) {
          this.fail(error);
        } finally {
          this.store.set({ activity: { kind: 'idle' } });
        }
      } while (this.rethresholdPending);
    } finally {
      this.rethresholdRunning = false;
    }
  }

  private fail(error: unknown): void {
    this.store.set({ error: messageOf(error) });
  }
}
