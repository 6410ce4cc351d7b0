// The Segment view's state and actions, outside React (views subscribe to `store`): the open image, segmentation
// parameters, the current masks with their undoable edits, selection, overlay options and exports. Talks to the
// engine only through an EngineClient, so it runs the same over Electron or the browser mode. Renderer (DOM-free).
import { SEGMENT_DEFAULTS } from '../../../shared/contract';
import type {
  AppCommand,
  DisplayPixels,
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
import { deleteMasks, labelPresence, reapplyDelete, revertDelete, type DeleteEdit } from '../../../shared/viewer/labelEdits';
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
  | { kind: 'calibrating' }
  | { kind: 'importing' }
  | { kind: 'exporting' };

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
}

/** A whole new set of masks (a run or a re-threshold) replacing the shown one. */
interface ReplaceEdit {
  kind: 'replace';
  before: Segmentation | null;
  after: Segmentation;
}

type Edit = DeleteEdit | ReplaceEdit;

/** How long threshold changes settle before masks are recomputed. */
const RETHRESHOLD_DELAY_MS = 250;

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
  };
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));
const codeOf = (error: unknown) => (typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : null);
const fileName = (path: string) => path.split(/[/\\]/).pop() ?? path;

export class Workbench {
  readonly store: Store<WorkbenchState>;
  private readonly history = new UndoStack<Edit>();
  private rethresholdTimer: ReturnType<typeof setTimeout> | null = null;
  private rethresholdRunning = false;
  private rethresholdPending = false;
  /** Counts network runs, so a network output fetched for an earlier run is not shown after a newer one. */
  private runSerial = 0;

  constructor(private readonly client: EngineClient) {
    this.store = createStore(initialState());
    client.on('segment:progress', (event) => {
      const { activity, image } = this.store.get();
      if (activity.kind === 'segmenting' && image?.imageId === event.imageId) this.store.set({ activity: { kind: 'segmenting', progress: event } });
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

  async run(): Promise<void> {
    const { image, parameters, segmentation } = this.store.get();
    if (image === null) return;
    this.store.set({ activity: { kind: 'segmenting', progress: null }, error: null, notice: null });
    try {
      const result = await this.client.call('segment:run', {
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
      const model = result.model.name ?? fileName(result.model.path);
      this.store.set(({ parameters: current }) => ({
        notice: `Segmented with ${model} on ${result.executionProvider} in ${seconds} s.`,
        parameters: current.estimateDiameter ? { ...current, diameter: Math.round(result.diameter * 100) / 100 } : current,
      }));
      if (!this.thresholdsMatch(result)) this.scheduleRethreshold();
    } catch (error) {
      if (codeOf(error) === 'CANCELLED') this.store.set({ notice: 'Segmentation cancelled.' });
      else this.fail(error);
    } finally {
      this.store.set({ activity: { kind: 'idle' } });
    }
  }

  /** Estimates the diameter with the model's size model, without segmenting, and puts it in the diameter field. */
  async calibrate(): Promise<void> {
    const { image, parameters, activity } = this.store.get();
    if (image === null || activity.kind !== 'idle') return;
    this.store.set({ activity: { kind: 'calibrating' }, error: null, notice: null });
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

  clearSelection(): void {
    this.store.set({ selected: new Set() });
  }

  deleteSelected(): void {
    const { segmentation, selected } = this.store.get();
    if (segmentation === null) return;
    const edit = deleteMasks(segmentation.labels, selected);
    if (edit === null) return;
    this.history.push(edit);
    this.showMasks(segmentation, { selected: new Set(), notice: `Deleted ${edit.labels.length === 1 ? 'mask' : 'masks'} ${edit.labels.join(', ')}.` });
  }

  undo(): void {
    const edit = this.history.undo();
    if (edit === undefined) return;
    if (edit.kind === 'delete') {
      const { segmentation } = this.store.get();
      revertDelete(segmentation!.labels, edit);
      this.showMasks(segmentation, { selected: new Set(edit.labels), notice: 'Undone: the deleted masks are back.' });
    } else {
      this.showMasks(edit.before, { selected: new Set(), notice: 'Undone: the previous masks are back.', ...this.thresholdsOf(edit.before) });
    }
  }

  redo(): void {
    const edit = this.history.redo();
    if (edit === undefined) return;
    if (edit.kind === 'delete') {
      const { segmentation } = this.store.get();
      reapplyDelete(segmentation!.labels, edit);
      this.showMasks(segmentation, { selected: new Set(), notice: 'Redone.' });
    } else {
      this.showMasks(edit.after, { selected: new Set(), notice: 'Redone.', ...this.thresholdsOf(edit.after) });
    }
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
      const result = await this.client.call('masks:export', { imageId: image.imageId, labels: segmentation.labels, formats, folder: folder.trim() });
      this.store.set({ lastExport: result, notice: `Exported ${result.files.length} file${result.files.length === 1 ? '' : 's'} to ${folder.trim()}.` });
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
      this.showMasks(null, { selected: new Set() });
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
    this.showMasks(edit.after, { selected: new Set() });
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
        if (image === null || segmentation === null || activity.kind === 'segmenting' || this.thresholdsMatch(segmentation)) return;
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
