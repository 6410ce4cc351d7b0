// The Segment view's state, its slice of the renderer's store, and what the Segment modules share about it: the
// image, the parameters, the masks shown, the editing tool, overlay options and the unsaved-edits flags. Renderer
// (DOM-free).
import {
  DEFAULT_DIAMETER,
  SEGMENT_DEFAULTS,
  type DisplayPixels,
  type ExecutionProviderChoice,
  type ExportFormat,
  type ExportResult,
  type LabelNumbering,
  type NetworkOutputImages,
  type NetworkOutputKind,
  type OpenedImage,
  type RecentFile,
  type Segmentation,
  type SegmentProgressEvent,
} from '../../../../shared/contract';
import type { NetworkLayer } from '../../../../shared/viewer/networkLayer';
import type { Store } from '../../../../shared/viewer/store';
import { codeOf, messageOf } from '../../errorText';

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
  /** Whether each run is recorded in the history; remembered as a preference. */
  record: boolean;
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
  /** Each mask's number written on it (see [Note: mask numbers] in src/shared/viewer/maskNumbers.ts). */
  showNumbers: boolean;
  opacity: number;
  /** The network output shown in place of the image, under the masks. */
  network: NetworkLayer;
}

/** An export asked for: what to write, where, and how label images number the masks. */
export interface ExportRequest {
  formats: ExportFormat[];
  folder: string;
  numbering: LabelNumbering;
}

/** Something the viewer or a panel should do once (menu commands for them); `serial` tells repeats apart. */
export interface ViewRequest {
  kind: 'fit' | 'actual-size' | 'export';
  serial: number;
}

export interface SegmentState {
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
  /** An export that would replace files already there, waiting for the user to confirm (see exports.ts). */
  exportConflict: { request: ExportRequest; paths: string[] } | null;
  /** The network output of the open image's last run, fetched when first shown. */
  networkOutput: NetworkOutputImages | null;
  /** Images opened lately, most recent first. */
  recent: RecentFile[];
  viewRequest: ViewRequest | null;
  tool: Tool;
  brushSize: number;
  /** Edits not yet exported as a label image (see [Note: unsaved edits] in drafts.ts). */
  unsaved: boolean;
  /** When the shown masks come from a restored draft: when it was saved (ISO 8601). */
  restoredDraftAt: string | null;
  /** When the engine last kept the unsaved edits as a draft (ISO 8601); null while none is kept. */
  draftSavedAt: string | null;
  /** How the engine stopped, while the view offers to restart it (see [Note: engine restart]); else null. */
  engineStopped: string | null;
  /** A segmentation estimated to be large, waiting for the user's yes (see [Note: run estimates]): what it would take. */
  largeRun: string | null;
  /** Null for a 2D image. */
  stack: StackState | null;
  pixelSize: PixelSize | null;
  /** What the engine holds of the shown masks' network output: re-thresholds and the F and P layers need it. */
  networkOutputHeld: NetworkOutputKind;
  /** The Cellpose session file the masks were opened from, and why its image is blank if it is. */
  openedSession: { name: string; imageMissing: string | null } | null;
}

/** A stack's planes and time points, and how a run goes over them (see [Note: stack edits] in stack.ts). */
export interface StackState {
  planes: number;
  frames: number;
  /** Run segments the shown plane, or every plane of the shown time point. */
  scope: 'plane' | 'all';
  /** Cellpose's stitch_threshold for a run over all planes: 0 keeps the planes apart, above 0 links them by IoU. */
  stitchThreshold: number;
  /** Cells in the volume while its numbers name cells through the planes (a linked run, a 3D session); else null. */
  linkedCells: number | null;
}

/** A pixel's size in micrometres, from the file or typed by the user. */
export interface PixelSize {
  x: number;
  y: number;
  fromFile: boolean;
}

export type SegmentStore = Store<SegmentState>;

export function initialSegmentState(): SegmentState {
  return {
    image: null,
    pixels: null,
    displayRanges: [],
    channelVisible: [],
    parameters: { model: '', provider: 'auto', channels: [0, 0], diameter: DEFAULT_DIAMETER, estimateDiameter: false, ...SEGMENT_DEFAULTS, record: true },
    activity: { kind: 'idle' },
    error: null,
    notice: null,
    segmentation: null,
    present: new Uint8Array(0),
    maskCount: 0,
    masksVersion: 0,
    selected: new Set(),
    overlay: { showMasks: true, showOutlines: true, showNumbers: false, opacity: 0.5, network: 'none' },
    canUndo: false,
    canRedo: false,
    focus: null,
    lastExport: null,
    exportConflict: null,
    networkOutput: null,
    recent: [],
    viewRequest: null,
    tool: 'select',
    brushSize: BRUSH_SIZES.initial,
    unsaved: false,
    restoredDraftAt: null,
    draftSavedAt: null,
    engineStopped: null,
    largeRun: null,
    stack: null,
    pixelSize: null,
    networkOutputHeld: 'none',
    openedSession: null,
  };
}

/** The stack controls of a newly opened image: null for a 2D image. */
export function stackStateOf(image: OpenedImage): StackState | null {
  if (image.planes === 1 && image.frames === 1) return null;
  return { planes: image.planes, frames: image.frames, scope: image.planes > 1 ? 'all' : 'plane', stitchThreshold: 0, linkedCells: null };
}

/** The pixel size an image declares, if any. */
export function pixelSizeOf(image: OpenedImage): PixelSize | null {
  const declared = image.pixelSize;
  return declared === null || !(declared.x > 0 && declared.y > 0) ? null : { x: declared.x, y: declared.y, fromFile: true };
}

/** Shows a failed call's message over the viewer, until dismissed. */
export function showError(store: SegmentStore, error: unknown): void {
  store.set({ error: messageOf(error) });
}

/**
 * Masks on screen without the network output behind them (restored from a draft, read from a file): what re-thresholding and the flow
 * layers need comes from a run, so the view says so plainly instead of showing an error over the masks.
 */
export const NEEDS_NETWORK_OUTPUT =
  'These masks came without the network output (restored from a draft or read from a file): press Run to change thresholds or show flows; it replaces them.';

/** Whether a failed call failed only because the shown masks have no network output behind them. */
export function lacksNetworkOutput(error: unknown): boolean {
  const code = codeOf(error);
  return code === 'NO_SEGMENTATION' || code === 'NO_NETWORK_OUTPUT';
}

/** Whether `segmentation` was made with the thresholds set now (else a re-threshold is due). */
export function thresholdsMatch(parameters: SegmentParameters, segmentation: Segmentation): boolean {
  const { settings } = segmentation;
  return settings.flowThreshold === parameters.flowThreshold && settings.cellprobThreshold === parameters.cellprobThreshold && settings.minSize === parameters.minSize;
}
