// A stack (Z planes, T time points) in the Segment view: moving between planes, segmenting the shown plane or all the
// planes of a time point (kept apart or linked, as Cellpose's stitch_threshold), re-thresholding such a run as a
// whole, and the label volume exports write. Renderer (DOM-free).
//
// [Note: stack edits] A stack's masks are one label volume per time point, held plane by plane: the shown plane's are
// the store's `segmentation` (what the viewer draws, the tools edit, the table lists and the draft keeps, the engine
// keying each plane's draft by its own page), and the other planes' wait in the volume until shown. The table lists
// the shown plane's masks, with the area they have in it. Edits apply to the shown plane; each undo step remembers
// its plane, and undoing one made on another plane shows that plane first. A run over all planes replaces every plane
// as one undo step, and changing a threshold after it recomputes every plane (and links them again) as one step too.
// While the planes are linked, a number names one cell through the planes: a mask drawn anywhere takes a number no
// plane uses, and a plane segmented alone afterwards gets numbers of its own, so the planes are no longer linked.
import type { NetworkOutputKind, OpenedImage, Segmentation, StackSegmentation } from '../../../../shared/contract';
import { largestLabel } from '../../../../shared/viewer/labelEdits';
import type { EngineClient } from '../../engineClient';
import { codeOf } from '../../errorText';
import { fileNameOf, plural } from '../../wording';
import type { Drafts } from './drafts';
import type { LabelsToExport } from './exports';
import type { MaskHistory, PlacePosition } from './maskHistory';
import type { Overlays } from './overlays';
import { runSettings, twoDecimals, type Runs, type Thresholds, type VolumeRethreshold } from './runs';
import { showError, thresholdsMatch, type SegmentState, type SegmentStore, type StackState } from './state';

interface PlaneMasks {
  segmentation: Segmentation | null;
  networkOutput: NetworkOutputKind;
}

/** A time point's masks plane by plane; the shown plane's entry is stale until another plane is shown. */
interface Volume {
  planes: PlaneMasks[];
  /** Made by a run over all planes: a threshold change recomputes all of them. */
  wholeRun: boolean;
  /** Cells in the volume while its numbers name cells through the planes. */
  linkedCells: number | null;
}

const NO_MASKS: PlaneMasks = { segmentation: null, networkOutput: 'none' };

/** The parameters' thresholds set to those `segmentation` was made with, so that no re-threshold follows. */
function thresholdsOf(state: SegmentState, segmentation: Segmentation | null): Partial<SegmentState> {
  if (segmentation === null) return {};
  const { flowThreshold, cellprobThreshold, minSize } = segmentation.settings;
  return { parameters: { ...state.parameters, flowThreshold, cellprobThreshold, minSize } };
}

/** Distinct labels in a volume's planes. */
function distinctCells(planes: readonly PlaneMasks[]): number {
  const seen = new Set<number>();
  for (const { segmentation } of planes) for (const row of segmentation?.masks ?? []) seen.add(row.label);
  return seen.size;
}

export class StackPlanes implements VolumeRethreshold {
  /** The image the volumes belong to; another image drops them. */
  private imageId: string | null = null;
  private readonly volumes = new Map<number, Volume>();

  constructor(
    private readonly store: SegmentStore,
    private readonly client: EngineClient,
    private readonly masks: MaskHistory,
    private readonly drafts: Drafts,
    private readonly overlays: Overlays,
    private readonly runs: Runs,
  ) {
    masks.navigateWith((place) => this.goTo(place));
    runs.useVolume(this);
  }

  setScope(scope: StackState['scope']): void {
    this.store.set(({ stack }) => ({ stack: stack === null ? null : { ...stack, scope } }));
  }

  setStitchThreshold(stitchThreshold: number): void {
    if (Number.isFinite(stitchThreshold) && stitchThreshold >= 0 && stitchThreshold <= 1) this.store.set(({ stack }) => ({ stack: stack === null ? null : { ...stack, stitchThreshold } }));
  }

  /** Shows another plane or time point, with its masks (kept here, or its draft); false when it could not. */
  async goTo(place: PlacePosition): Promise<boolean> {
    const { image, activity, stack } = this.store.get();
    if (image === null || stack === null) return false;
    if (place.plane === image.plane && place.frame === image.frame) return true;
    if (activity.kind !== 'idle') return false;
    this.store.set({ activity: { kind: 'opening' }, error: null });
    try {
      // The waiting draft is the shown plane's: it is written under that plane's key before the engine moves.
      await this.drafts.flush();
      this.keepShown();
      const shown = await this.client.call('image:plane', { imageId: image.imageId, plane: place.plane, frame: place.frame });
      const pixels = await this.client.call('image:pixels', { imageId: image.imageId });
      if (this.store.get().image?.imageId !== image.imageId) return false;
      this.overlays.forgetNetworkOutput();
      const volume = this.volumeOf(place.frame);
      const masks = volume?.planes[place.plane] ?? NO_MASKS;
      this.store.set({ image: shown, pixels, stack: { ...stack, linkedCells: volume?.linkedCells ?? null } });
      this.masks.show(masks.segmentation, { selected: new Set(), networkOutputHeld: masks.networkOutput });
      if (masks.segmentation === null) await this.drafts.restore(shown);
      this.overlays.refreshNetworkOutput();
      return true;
    } catch (error) {
      showError(this.store, error);
      return false;
    } finally {
      this.store.set({ activity: { kind: 'idle' } });
    }
  }

  /** Run: the shown plane, or all planes of the shown time point, as the stack controls say. */
  async run(): Promise<void> {
    const { stack, image } = this.store.get();
    if (image === null) return;
    if (stack !== null && stack.scope === 'all' && image.planes > 1) return this.runAll(image, stack);
    await this.runs.run();
  }

  /** See VolumeRethreshold. */
  wholeVolume(): boolean {
    const { image, stack } = this.store.get();
    return image !== null && stack !== null && this.volumeOf(image.frame)?.wholeRun === true;
  }

  /** Recomputes every plane from the last run over all planes, and links them again as it did. */
  async rethreshold(thresholds: Thresholds): Promise<void> {
    const { image } = this.store.get();
    if (image === null) return;
    const result = await this.client.call('segment:rethresholdStack', { imageId: image.imageId, ...thresholds });
    if (this.store.get().image?.imageId !== image.imageId) return;
    this.replaceVolume(result, true);
    const ms = Math.round(result.planes[0]?.timings['total'] ?? 0);
    this.store.set({ notice: `Masks of all ${result.planes.length} planes recomputed from the kept network output in ${ms} ms, without running the network.` });
  }

  /** Shows a session file's masks, one per plane of `image` (a 3D session's numbers name cells through the planes). */
  showSession(image: OpenedImage, planes: Segmentation[], networkOutput: NetworkOutputKind): void {
    const masks = planes.map((segmentation) => ({ segmentation, networkOutput }));
    const linkedCells = planes.length > 1 ? distinctCells(masks) : null;
    this.setVolume(image.frame, { planes: masks, wholeRun: false, linkedCells });
  }

  /** A drawn mask's number is above every label of the volume, so that it names no cell of another plane. */
  labelAbove(segmentation: Segmentation): number {
    const { image, stack } = this.store.get();
    let largest = largestLabel(segmentation.labels);
    if (image === null || stack === null) return largest;
    for (const plane of this.volumeOf(image.frame)?.planes ?? []) if (plane.segmentation !== null && plane.segmentation !== segmentation) largest = Math.max(largest, largestLabel(plane.segmentation.labels));
    return largest;
  }

  /** The labels exports write: for a stack, every plane of the shown time point (planes without masks empty). */
  labelsToExport(): LabelsToExport | null {
    const { image, stack, segmentation } = this.store.get();
    if (image === null) return null;
    if (stack === null || image.planes === 1) return segmentation === null ? null : { labels: segmentation.labels };
    this.keepShown();
    const planes = this.volumeOf(image.frame)?.planes ?? [];
    if (planes.every((plane) => plane.segmentation === null)) return null;
    const size = image.width * image.height;
    const labels = new Uint32Array(image.planes * size);
    planes.forEach((plane, z) => plane.segmentation !== null && labels.set(plane.segmentation.labels, z * size));
    return { labels, planes: image.planes };
  }

  private async runAll(image: OpenedImage, stack: StackState): Promise<void> {
    const { parameters } = this.store.get();
    this.store.set({ activity: { kind: 'segmenting', progress: null }, error: null, notice: null });
    try {
      const result = await this.client.call('segment:runStack', {
        imageId: image.imageId,
        model: parameters.model.trim(),
        provider: parameters.provider,
        settings: runSettings(parameters),
        stitchThreshold: stack.stitchThreshold,
        record: parameters.record,
      });
      if (this.store.get().image?.imageId !== image.imageId) return;
      this.overlays.forgetNetworkOutput();
      this.replaceVolume(result, true);
      this.overlays.refreshNetworkOutput();
      const first = result.planes[0]!;
      const seconds = ((first.timings['total'] ?? 0) / 1000).toFixed(1);
      const perPlane = result.planes.map((plane) => plane.maskCount).join(', ');
      const made = result.stitchThreshold > 0 ? `${plural(result.cellCount, 'cell')} linked at IoU ${result.stitchThreshold}` : `${plural(result.cellCount, 'mask')}, planes kept apart`;
      this.store.set(({ parameters: current }) => ({
        notice: `Segmented ${result.planes.length} planes with ${first.model.name ?? fileNameOf(first.model.path)} on ${first.executionProvider} in ${seconds} s: ${made} (masks per plane ${perPlane}).`,
        parameters: current.estimateDiameter ? { ...current, diameter: twoDecimals(first.diameter) } : current,
      }));
      if (!thresholdsMatch(this.store.get().parameters, first)) this.runs.thresholdsChanged();
    } catch (error) {
      if (codeOf(error) === 'CANCELLED') this.store.set({ notice: 'Segmentation cancelled.' });
      else showError(this.store, error);
    } finally {
      this.store.set({ activity: { kind: 'idle' } });
    }
  }

  /** See VolumeRethreshold: the shown plane's numbers are its own now (see [Note: stack edits]). */
  planeReplaced(): void {
    const { image, stack } = this.store.get();
    if (image === null || stack === null) return;
    const volume = this.volumeOf(image.frame);
    if (volume !== undefined) Object.assign(volume, { wholeRun: false, linkedCells: null });
    this.store.set({ stack: { ...stack, linkedCells: null } });
  }

  /** A run's (or re-threshold's) planes in place of the volume, as one undo step. */
  private replaceVolume(result: StackSegmentation, wholeRun: boolean): void {
    this.keepShown();
    const before = this.volumeOf(result.frame);
    const after: Volume = {
      planes: result.planes.map((segmentation) => ({ segmentation, networkOutput: 'kept' })),
      wholeRun,
      linkedCells: result.stitchThreshold > 0 && result.planes.length > 1 ? result.cellCount : null,
    };
    const previous: Volume = before === undefined ? { planes: after.planes.map(() => NO_MASKS), wholeRun: false, linkedCells: null } : { ...before, planes: [...before.planes] };
    this.setVolume(result.frame, after);
    this.masks.record({
      kind: 'outer',
      revert: () => this.setVolume(result.frame, previous, 'Undone: the planes\' previous masks are back.'),
      reapply: () => this.setVolume(result.frame, after, 'Redone.'),
    });
  }

  /** Makes `volume` the time point's masks, showing its plane if that time point is shown. */
  private setVolume(frame: number, volume: Volume, notice?: string): void {
    this.volumeOf(frame);
    this.volumes.set(frame, { ...volume, planes: [...volume.planes] });
    const state = this.store.get();
    const { image, stack } = state;
    if (image === null || stack === null || image.frame !== frame) return;
    const shown = volume.planes[image.plane] ?? NO_MASKS;
    this.masks.show(shown.segmentation, {
      selected: new Set(),
      networkOutputHeld: shown.networkOutput,
      stack: { ...stack, linkedCells: volume.linkedCells },
      ...thresholdsOf(state, shown.segmentation),
      ...(notice === undefined ? {} : { notice }),
    });
  }

  /** Puts the shown plane's masks (the store's) into its volume, as another plane is about to be shown or all are read. */
  private keepShown(): void {
    const { image, stack, segmentation, networkOutputHeld } = this.store.get();
    if (image === null || stack === null) return;
    const volume = this.volumeOf(image.frame) ?? { planes: Array.from({ length: image.planes }, () => NO_MASKS), wholeRun: false, linkedCells: null };
    volume.planes[image.plane] = { segmentation, networkOutput: networkOutputHeld };
    this.volumes.set(image.frame, volume);
  }

  /** The time point's volume; the volumes of an image no longer open are dropped first. */
  private volumeOf(frame: number): Volume | undefined {
    const imageId = this.store.get().image?.imageId ?? null;
    if (imageId !== this.imageId) {
      this.volumes.clear();
      this.imageId = imageId;
    }
    return this.volumes.get(frame);
  }
}
