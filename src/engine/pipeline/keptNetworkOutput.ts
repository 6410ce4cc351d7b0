// A run's network output kept for re-thresholding: masks for new thresholds without running the network again,
// repeating only the work the changed thresholds decide, with the rest prepared ahead in the background. Runs
// anywhere (the engine worker keeps one per image and works ahead between requests).
import { candidateMasks, candidatesFromBins, checkSettings, droppedMasks, ensureFlowErrors, finishMasks, type CandidateMasks } from '../core/computeMasks';
import { flowErrorsByMask, type KnownFlowErrors } from '../core/flowError';
import type { PlanarImage } from '../core/image';
import { binsAtThreshold, prepareTrajectories, traceTrajectories, tracedDownTo, type ThresholdTrajectories } from '../core/thresholdTrajectories';
import { CELLPROB_THRESHOLD_RANGE } from '../../shared/segmentControls';
import type { SegmentSettings } from './settings';

export type MaskSettings = Pick<SegmentSettings, 'cellprobThreshold' | 'flowThreshold' | 'minSize'>;

/** Milliseconds of one computation of masks per stage: 'dynamics' and 'flowError' only when they ran. */
export type MaskTimings = Record<string, number>;

// [Note: re-thresholding ahead]
// A new cell probability threshold changes almost every mask (each cell's rim moves, so no mask keeps its pixels and
// its flow error), and the flow errors of 1,000 masks cost a few hundred milliseconds of a core: more than the
// whole budget of a re-threshold. So after a run the engine worker works ahead, between requests, in slices of a
// few milliseconds: first it traces the trajectories down to STEPS_AHEAD steps of the threshold control below the
// last threshold asked for ([Note: trajectories above a threshold]), then computes the candidate masks and their
// flow errors at the thresholds STEPS_AHEAD control steps either side of it, nearest first (where the arrows of the
// control lead), then traces the rest. Each threshold prepared ahead is also finished at the flow threshold and
// minimum size of the last request (the clean-up), and what the caller derives from masks (the engine worker: the
// results table and outlines) is derived from them then, so asking for it costs next to nothing; any other
// threshold re-walks a few pixels and computes its masks' flow errors on the spot, reusing those of masks that kept
// their pixels. All of it is the same computation as from scratch, done earlier, so the masks are the same. A step
// of the work lasts one mask's flow error, one clean-up or one derivation step: tens of milliseconds at most on a
// 2560 x 2160 image, the longest a request can wait for it.

/** Thresholds prepared ahead on each side of the last one asked for, in steps of the threshold control. */
const STEPS_AHEAD = 2;
/** Thresholds whose candidate masks are kept: those prepared ahead and the ones asked for last. */
const KEPT_THRESHOLDS = 2 * STEPS_AHEAD + 2;
/**
 * Masks kept per threshold, finished at different flow thresholds or minimum sizes, most recently used first. A
 * flow threshold moved down and back up again (0.4, 0.1, 0.05, then 0.6: the first and last drop no mask) finds
 * its masks, and what the caller derived from them, still there; each costs some 40 MB at 2560 x 2160.
 */
const FINISHED_PER_THRESHOLD = 3;
/** Longest stretch of work ahead before the worker looks at its messages again. */
const SLICE_MS = 10;
/**
 * Images with more pixels than this (about 5,800 x 5,800) are not traced ahead: the trajectories and prepared
 * thresholds take some 70 bytes a pixel, 380 MB at 2560 x 2160.
 */
const MAX_PIXELS_AHEAD = 2 ** 25;

function timed<T>(timings: MaskTimings, stage: string, work: () => T): T {
  const start = performance.now();
  try {
    return work();
  } finally {
    timings[stage] = (timings[stage] ?? 0) + (performance.now() - start);
  }
}

function sameFlags(a: Uint8Array | null, b: Uint8Array | null): boolean {
  if (a === null || b === null) return a === b;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

type Labels = Uint16Array | Uint32Array;

/**
 * What a caller derives from masks (the engine worker: their table and outlines), in steps between which the work
 * ahead can stop; given to workAhead, it runs on every threshold's masks finished ahead.
 */
export type DeriveFromMasks = (labels: Labels) => Iterable<void>;

/** Masks finished from a threshold's candidates, with what decided them. */
interface Finished {
  dropped: Uint8Array | null;
  minSize: number;
  labels: Labels;
  /** Whether the caller's derivation has run on them. */
  derived: boolean;
}

/** The candidate masks of one cell probability threshold, with their flow errors being computed ahead. */
interface AtThreshold {
  candidates: CandidateMasks;
  pendingErrors: Generator<void, Float64Array, void> | null;
  /** Most recently used first, at most FINISHED_PER_THRESHOLD. */
  finished: Finished[];
  usedAt: number;
}

/**
 * The network's dY, dX and cell probability (three planes at the image size) and the dynamics iterations of a run.
 * Holds candidate masks per cell probability threshold (see [Note: masks before the flow check]), so a change of the
 * flow threshold or the minimum size skips the dynamics and the flow errors; and with each the last few masks
 * finished from them with what decided them (masks dropped by the flow check, minimum size), so a flow threshold that drops
 * the same masks returns the very same array. Once working ahead (workAhead), new cell probability thresholds are mostly prepared
 * before they are asked for (see [Note: re-thresholding ahead]). The masks are those computeMasks gives from scratch.
 */
export class KeptNetworkOutput {
  private readonly thresholds = new Map<number, AtThreshold>();
  private uses = 0;
  /** The last request: its threshold (float32, and as asked), around which work ahead centres, and the rest of its settings. */
  private focus: { threshold: number; asked: number; flowThreshold: number; minSize: number } | null = null;
  /** The latest candidates whose flow errors were computed. */
  private knownErrors: KnownFlowErrors | null = null;
  /** undefined until work ahead starts; null when this output cannot be traced ahead. */
  private trajectories: ThresholdTrajectories | null | undefined = undefined;
  private tracing: Generator<void, void, void> | null = null;
  private ahead: { signal: AbortSignal; running: boolean; derive: DeriveFromMasks | null } | null = null;

  constructor(
    readonly flows: PlanarImage,
    readonly niter: number,
  ) {}

  /**
   * Labels 1..N, 0 = background, at the image size; `timings` gets the stages' milliseconds and 'masks' in all.
   * The same array as before when these masks were finished before and are still kept (the last few of each
   * threshold), including those finished ahead (and given to the derivation), so callers can keep what they
   * derived from it.
   */
  masks(settings: MaskSettings, timings: MaskTimings = {}): Labels {
    checkSettings({ ...settings, niter: this.niter });
    const start = performance.now();
    const { flowThreshold, minSize } = settings;
    // candidateMasks reads the threshold as float32, so thresholds equal in float32 give the same candidates.
    const threshold = Math.fround(settings.cellprobThreshold);
    const changed = this.focus?.threshold !== threshold;
    this.focus = { threshold, asked: settings.cellprobThreshold, flowThreshold, minSize };
    // 'dynamics' is timed whenever the threshold changes, even when its candidates were prepared ahead.
    const find = () => this.thresholds.get(threshold) ?? this.keep(threshold, this.candidatesAt(threshold));
    const entry = changed ? timed(timings, 'dynamics', find) : find();
    entry.usedAt = ++this.uses;
    const { candidates } = entry;
    if (flowThreshold > 0 && candidates.flowErrors === null) timed(timings, 'flowError', () => this.finishFlowErrors(entry));
    const labels = timed(timings, 'cleanup', () => this.finish(entry, flowThreshold, minSize).labels);
    this.forgetFarThresholds();
    this.resumeAhead();
    timings.masks = performance.now() - start;
    return labels;
  }

  /**
   * Starts working ahead in the background (see [Note: re-thresholding ahead]), in slices between the event loop's
   * other work, until `signal` aborts; each later request resumes it around its threshold.
   */
  workAhead(signal: AbortSignal, derive: DeriveFromMasks | null = null): void {
    this.ahead = { signal, running: false, derive };
    this.resumeAhead();
  }

  /**
   * The work ahead as steps of a few milliseconds each; done when everything around the last threshold asked for is
   * prepared. workAhead runs it; tests step through it.
   */
  *stepsAhead(): Generator<void, void, void> {
    if (this.trajectories === undefined) {
      const { dP, cellprob } = this.planes();
      const { height, width } = this.flows;
      this.trajectories = height * width > MAX_PIXELS_AHEAD ? null : prepareTrajectories(dP, cellprob, height, width, this.niter, CELLPROB_THRESHOLD_RANGE.min);
      if (this.trajectories !== null) this.tracing = traceTrajectories(this.trajectories);
      yield;
    }
    const trajectories = this.trajectories;
    if (trajectories === null) return;
    for (;;) {
      const targets = this.thresholdsAhead();
      const lowest = Math.min(...targets, this.focus?.threshold ?? Infinity);
      if (targets.length === 0 || !tracedDownTo(trajectories, lowest)) {
        if (this.tracing === null) return;
        if (this.tracing.next().done === true) this.tracing = null;
        yield;
        continue;
      }
      const threshold = targets[0]!;
      const entry = this.thresholds.get(threshold) ?? this.keep(threshold, this.candidatesAt(threshold));
      yield;
      while (this.thresholds.get(threshold) === entry && this.stepFlowErrors(entry)) yield;
      if (this.thresholds.get(threshold) !== entry || this.focus === null) continue;
      const finished = this.finish(entry, this.focus.flowThreshold, this.focus.minSize);
      yield;
      if (!finished.derived) {
        for (const _ of this.ahead?.derive?.(finished.labels) ?? []) yield;
        finished.derived = true;
      }
    }
  }

  /** Whether every pixel's end point at a cell probability threshold is traced. */
  tracedFor(cellprobThreshold: number): boolean {
    return this.trajectories !== undefined && this.trajectories !== null && tracedDownTo(this.trajectories, cellprobThreshold);
  }

  /**
   * Whether the candidate masks and flow errors of a cell probability threshold are ready; with the other settings
   * given, whether its masks at them are finished too (and derived from, when working ahead with a derivation).
   */
  preparedFor(cellprobThreshold: number, rest?: Omit<MaskSettings, 'cellprobThreshold'>): boolean {
    const entry = this.thresholds.get(Math.fround(cellprobThreshold));
    if (entry?.candidates.flowErrors == null) return false;
    return rest === undefined || this.finishedAt(entry, rest.flowThreshold, rest.minSize)?.derived === true;
  }

  private resumeAhead(): void {
    const ahead = this.ahead;
    if (ahead === null || ahead.running || ahead.signal.aborted) return;
    ahead.running = true;
    const steps = this.stepsAhead();
    const run = async () => {
      // Not before the request that resumed it has its answer.
      await nextTurn();
      while (!ahead.signal.aborted) {
        const sliceEnd = performance.now() + SLICE_MS;
        while (performance.now() < sliceEnd) if (steps.next().done === true) return;
        await nextTurn();
      }
    };
    void run().finally(() => {
      ahead.running = false;
    });
  }

  /** The thresholds to prepare around the focus, nearest first, that are not prepared yet. */
  private thresholdsAhead(): number[] {
    const focus = this.focus;
    if (focus === null) return [];
    const { min, max, step } = CELLPROB_THRESHOLD_RANGE;
    const targets: number[] = [];
    for (let k = 1; k <= STEPS_AHEAD; k++) {
      for (const direction of [1, -1]) {
        // As the control's arrows make them: the value asked for plus whole steps, in its 3 decimals.
        const value = Math.round((focus.asked + direction * k * step) * 1000) / 1000;
        const threshold = Math.fround(value);
        if (value >= min && value <= max && !this.preparedFor(threshold, focus)) targets.push(threshold);
      }
    }
    return targets;
  }

  /** The entry's masks finished at these settings, when it still has them (then first in its list); else null. */
  private finishedAt(entry: AtThreshold, flowThreshold: number, minSize: number): Finished | null {
    if (entry.finished.length === 0 || (flowThreshold > 0 && entry.candidates.flowErrors === null)) return null;
    const dropped = droppedMasks(entry.candidates, this.planes().dP, flowThreshold);
    const index = entry.finished.findIndex((f) => f.minSize === minSize && sameFlags(f.dropped, dropped));
    if (index < 0) return null;
    const [found] = entry.finished.splice(index, 1);
    entry.finished.unshift(found!);
    return found!;
  }

  /** The entry's masks at these settings (flow errors computed when the flow threshold needs them). */
  private finish(entry: AtThreshold, flowThreshold: number, minSize: number): Finished {
    const { dP } = this.planes();
    const kept = this.finishedAt(entry, flowThreshold, minSize);
    if (kept !== null) return kept;
    const labels = finishMasks(entry.candidates, { dP, flowThreshold, minSize });
    const finished = { dropped: droppedMasks(entry.candidates, dP, flowThreshold), minSize, labels, derived: false };
    entry.finished.unshift(finished);
    entry.finished.length = Math.min(entry.finished.length, FINISHED_PER_THRESHOLD);
    return finished;
  }

  private keep(threshold: number, candidates: CandidateMasks): AtThreshold {
    const { dP } = this.planes();
    const { labels, height, width } = candidates;
    const pendingErrors = labels === null ? null : flowErrorsByMask(labels, dP, height, width, this.knownErrors);
    if (labels === null) candidates.flowErrors = new Float64Array(0);
    const entry: AtThreshold = { candidates, pendingErrors, finished: [], usedAt: ++this.uses };
    this.thresholds.set(threshold, entry);
    return entry;
  }

  /** Computes the next mask's flow error of an entry; false once they are all there. */
  private stepFlowErrors(entry: AtThreshold): boolean {
    if (entry.pendingErrors === null) return false;
    const step = entry.pendingErrors.next();
    if (step.done !== true) return true;
    const { candidates } = entry;
    candidates.flowErrors = step.value;
    entry.pendingErrors = null;
    if (candidates.labels !== null) this.knownErrors = { labels: candidates.labels, errors: step.value };
    return false;
  }

  /** Completes the flow errors of an entry (whatever was computed ahead stays). */
  private finishFlowErrors(entry: AtThreshold): void {
    while (this.stepFlowErrors(entry));
    ensureFlowErrors(entry.candidates, this.planes().dP);
  }

  /** Drops the candidates of thresholds neither around the focus nor among the last asked for. */
  private forgetFarThresholds(): void {
    if (this.thresholds.size <= KEPT_THRESHOLDS) return;
    const ahead = new Set(this.thresholdsAhead());
    const byUse = [...this.thresholds.entries()].filter(([threshold]) => !ahead.has(threshold)).sort((a, b) => a[1].usedAt - b[1].usedAt);
    for (const [threshold] of byUse.slice(0, this.thresholds.size - KEPT_THRESHOLDS)) this.thresholds.delete(threshold);
  }

  private planes() {
    const { height, width, data } = this.flows;
    const plane = height * width;
    return { dP: data.subarray(0, 2 * plane), cellprob: data.subarray(2 * plane, 3 * plane) };
  }

  private candidatesAt(threshold: number): CandidateMasks {
    const { height, width } = this.flows;
    const trajectories = this.trajectories;
    if (trajectories !== undefined && trajectories !== null && threshold >= trajectories.base) {
      const { bins, histogram, moving } = binsAtThreshold(trajectories, threshold);
      return candidatesFromBins(bins, moving, height, width, { scratch: histogram });
    }
    const { dP, cellprob } = this.planes();
    return candidateMasks({ dP, cellprob, height, width, niter: this.niter, cellprobThreshold: threshold, interp: true });
  }
}
