// Running the network from the Segment view: a segmentation with progress, a diameter calibration, cancelling
// either, and re-thresholding (masks recomputed from the kept network output) when a threshold changes. Renderer
// (DOM-free).
//
// [Note: re-threshold coalescing] Threshold changes settle for `rethresholdDelayMs` before the masks are
// recomputed, so that typing 0.45 is one call, not three. At most one re-threshold is in flight: a change that
// settles while one runs only marks another as due, and when it ends one more call is made with the thresholds set
// by then, however many changes came meanwhile. Thresholds changed during a run or a calibration wait for it to end.
import type { SegmentSettings } from '../../../../shared/contract';
import type { EngineClient } from '../../engineClient';
import { codeOf, messageOf } from '../../errorText';
import { fileNameOf } from '../../wording';
import type { MaskHistory } from './maskHistory';
import type { Overlays } from './overlays';
import { lacksNetworkOutput, NEEDS_NETWORK_OUTPUT, showError, thresholdsMatch, type SegmentParameters, type SegmentStore } from './state';

/**
 * How long threshold changes settle before masks are recomputed: enough to gather the keystrokes of a number typed
 * at speed, short beside a re-threshold's own time (a change made while one runs is applied when it ends).
 */
export const RETHRESHOLD_DELAY_MS = 60;

export const twoDecimals = (value: number) => Math.round(value * 100) / 100;

/** The settings a run is asked for, from the view's parameters. */
export function runSettings(parameters: SegmentParameters): SegmentSettings {
  return {
    channels: parameters.channels,
    diameter: parameters.estimateDiameter ? 'estimate' : parameters.diameter,
    flowThreshold: parameters.flowThreshold,
    cellprobThreshold: parameters.cellprobThreshold,
    minSize: parameters.minSize,
    ...(parameters.niter === 0 ? {} : { niter: parameters.niter }),
    augment: parameters.augment,
    batchSize: parameters.batchSize,
  };
}

/** Thresholds for masks recomputed from kept network output. */
export type Thresholds = Pick<SegmentParameters, 'flowThreshold' | 'cellprobThreshold' | 'minSize'>;

/** A stack whose planes were segmented together re-thresholds them together (see [Note: stack edits] in stack.ts). */
export interface VolumeRethreshold {
  /** Whether the shown masks are such a volume's. */
  wholeVolume(): boolean;
  /** Recomputes and shows every plane's masks; the notice says how it went. */
  rethreshold(thresholds: Thresholds): Promise<void>;
  /** The shown plane's masks were replaced by a run or a re-threshold of that plane alone. */
  planeReplaced(): void;
}

export class Runs {
  private rethresholdTimer: ReturnType<typeof setTimeout> | null = null;
  private rethresholdRunning = false;
  private rethresholdDue = false;
  private volume: VolumeRethreshold | null = null;
  /** Runs started by this view; only the latest one's end makes the view idle. */
  private runsStarted = 0;

  constructor(
    private readonly store: SegmentStore,
    private readonly client: EngineClient,
    private readonly masks: MaskHistory,
    private readonly overlays: Overlays,
    private readonly rethresholdDelayMs = RETHRESHOLD_DELAY_MS,
  ) {
    client.on('segment:progress', (event) => {
      const { activity, image } = this.store.get();
      const running = activity.kind === 'segmenting' || activity.kind === 'calibrating';
      if (running && image?.imageId === event.imageId) this.store.set({ activity: { kind: activity.kind, progress: event } });
    });
  }

  /** Segments the open image; a run estimated to be large waits for `confirmLargeRun` (see [Note: run estimates]). */
  async run(confirmLarge = false): Promise<void> {
    const { image, parameters } = this.store.get();
    if (image === null) return;
    this.store.set({ activity: { kind: 'segmenting', progress: null }, error: null, notice: null, largeRun: null });
    const started = ++this.runsStarted;
    try {
      const result = await this.client.call('segment:run', {
        imageId: image.imageId,
        model: parameters.model.trim(),
        provider: parameters.provider,
        settings: runSettings(parameters),
        record: parameters.record,
        ...(confirmLarge ? { confirmLarge } : {}),
      });
      this.overlays.forgetNetworkOutput();
      this.masks.replace(result);
      this.volume?.planeReplaced();
      this.overlays.refreshNetworkOutput();
      const seconds = ((result.timings['total'] ?? 0) / 1000).toFixed(1);
      const model = result.model.name ?? fileNameOf(result.model.path);
      this.store.set(({ parameters: current }) => ({
        notice: `Segmented with ${model} on ${result.executionProvider} in ${seconds} s.`,
        parameters: current.estimateDiameter ? { ...current, diameter: twoDecimals(result.diameter) } : current,
      }));
      // Thresholds changed while the network ran.
      if (!thresholdsMatch(this.store.get().parameters, result)) this.thresholdsChanged();
    } catch (error) {
      const code = codeOf(error);
      // A run replaced by a newer one of this view says nothing: the newer one reports (see [Note: one run per
      // image] in src/engine/service/workspace.ts); replaced from elsewhere, it says so.
      if (code === 'RUN_REPLACED') {
        if (started === this.runsStarted) this.store.set({ notice: messageOf(error) });
      } else if (code === 'CANCELLED') this.store.set({ notice: 'Segmentation cancelled.' });
      else if (code === 'LARGE_RUN') this.store.set({ largeRun: messageOf(error) });
      else showError(this.store, error);
    } finally {
      if (started === this.runsStarted) this.store.set({ activity: { kind: 'idle' } });
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
      const diameter = twoDecimals(result.diameter);
      this.store.set(({ parameters: current }) => ({
        parameters: { ...current, diameter, estimateDiameter: false },
        notice: `Calibrated: the size model estimates a cell diameter of ${diameter.toFixed(2)} px.`,
      }));
    } catch (error) {
      if (codeOf(error) === 'CANCELLED') this.store.set({ notice: 'Calibration cancelled.' });
      else showError(this.store, error);
    } finally {
      this.store.set({ activity: { kind: 'idle' } });
      // Thresholds changed while calibrating were left for now (see [Note: re-threshold coalescing]).
      const { segmentation, parameters: current } = this.store.get();
      if (segmentation !== null && !thresholdsMatch(current, segmentation)) this.thresholdsChanged();
    }
  }

  /** Stops the segmentation or calibration of the open image. */
  async cancel(): Promise<void> {
    const { image } = this.store.get();
    if (image !== null) await this.client.call('segment:cancel', { imageId: image.imageId }).catch((error: unknown) => showError(this.store, error));
  }

  useVolume(volume: VolumeRethreshold): void {
    this.volume = volume;
  }

  /** A threshold changed: the masks are recomputed once the changes settle (see [Note: re-threshold coalescing]). */
  thresholdsChanged(): void {
    if (this.rethresholdTimer !== null) clearTimeout(this.rethresholdTimer);
    this.rethresholdTimer = setTimeout(() => {
      this.rethresholdTimer = null;
      void this.rethreshold();
    }, this.rethresholdDelayMs);
  }

  /** Recomputes masks from the kept network output with the current thresholds; runs again if they changed meanwhile. */
  private async rethreshold(): Promise<void> {
    if (this.rethresholdRunning) {
      this.rethresholdDue = true;
      return;
    }
    this.rethresholdRunning = true;
    try {
      do {
        this.rethresholdDue = false;
        const { image, segmentation, activity, parameters, networkOutputHeld } = this.store.get();
        if (image === null || segmentation === null || activity.kind === 'segmenting' || activity.kind === 'calibrating' || thresholdsMatch(parameters, segmentation)) return;
        if (networkOutputHeld !== 'kept') {
          this.store.set({ notice: NEEDS_NETWORK_OUTPUT });
          return;
        }
        this.store.set({ activity: { kind: 'rethresholding' }, error: null });
        try {
          const { flowThreshold, cellprobThreshold, minSize } = parameters;
          if (this.volume?.wholeVolume() === true) {
            await this.volume.rethreshold({ flowThreshold, cellprobThreshold, minSize });
            continue;
          }
          const result = await this.client.call('segment:rethreshold', { imageId: image.imageId, flowThreshold, cellprobThreshold, minSize });
          if (this.store.get().image?.imageId !== image.imageId) return;
          this.masks.replace(result);
          this.volume?.planeReplaced();
          const ms = Math.round(result.timings['total'] ?? 0);
          this.store.set({ notice: `Masks recomputed from the kept network output in ${ms} ms, without running the network.` });
        } catch (error) {
          if (lacksNetworkOutput(error)) this.store.set({ notice: NEEDS_NETWORK_OUTPUT });
          else showError(this.store, error);
        } finally {
          this.store.set({ activity: { kind: 'idle' } });
        }
      } while (this.rethresholdDue);
    } finally {
      this.rethresholdRunning = false;
    }
  }
}
