// The masks the Segment view shows and their undo history: a run or a re-threshold replaces them, an edit changes
// their labels in place, and undo or redo walks both kinds back and forth; in a stack, each step on its own plane
// (see [Note: stack edits] in stack.ts). Renderer (DOM-free).
import { isArrayRuns, toRuns, unpackArrays } from '../../../../shared/arrayRuns';
import type { Segmentation } from '../../../../shared/contract';
import { labelPresence, reapplyEdit, revertEdit, type LabelEdit } from '../../../../shared/viewer/labelEdits';
import { MaskBoxes, updateAfterEdit } from '../../../../shared/viewer/maskUpdates';
import { RecycledArrays } from '../../../../shared/viewer/recycledArrays';
import { UndoStack } from '../../../../shared/viewer/undoStack';
import type { SegmentState, SegmentStore } from './state';

/**
 * Masks the history keeps while others are shown: in a 2D image with their label image and outlines as `runs`, the
 * arrays given back until the masks are shown again (see [Note: recycled label arrays]); else null.
 */
interface Kept {
  segmentation: Segmentation;
  runs: Pick<Segmentation, 'labels' | 'outlines'> | null;
}

/** A whole new set of masks (a run or a re-threshold) replacing the shown one. */
interface ReplaceEdit {
  kind: 'replace';
  before: Kept | null;
  /** Null while they are shown. */
  after: Kept | null;
}

/** A change of masks made outside this history (a stack's planes replaced together): how to undo and redo it. */
export interface OuterEdit {
  kind: 'outer';
  revert(): void;
  reapply(): void;
}

type Edit = LabelEdit | ReplaceEdit | OuterEdit;

/** A plane (Z) of a time point (T): 0, 0 for a 2D image. */
export interface PlacePosition {
  plane: number;
  frame: number;
}

/** An edit, and the plane it was made on. */
interface Step extends PlacePosition {
  edit: Edit;
}

const UNDONE: Readonly<Record<LabelEdit['kind'], string>> = {
  delete: 'Undone: the deleted masks are back.',
  merge: 'Undone: the merged masks are separate again.',
  draw: 'Undone: the drawn mask is gone.',
  erase: 'Undone: the erased pixels are back.',
};

export class MaskHistory {
  private readonly history = new UndoStack<Step>();
  /** Per segmentation, its masks' bounding boxes, built at its first edit (see maskUpdates.ts). */
  private readonly boxes = new WeakMap<Segmentation, MaskBoxes>();
  /** Shows another plane of a stack, so that a step made there is undone or redone where it was made. */
  private goTo: ((place: PlacePosition) => Promise<boolean>) | null = null;
  /** A step waits while its plane is being shown. */
  private moving = false;

  /**
   * `onChanged` hears of every change the user made to the masks: `edited` for an edit, its undo or redo, not for
   * new masks from a run (see [Note: unsaved edits] in drafts.ts).
   */
  constructor(
    private readonly store: SegmentStore,
    private readonly onChanged: (edited: boolean) => void,
    private readonly recycled: RecycledArrays = new RecycledArrays(),
  ) {}

  /** Shows `segmentation` (null: none) as it is, outside the history: an image opened, a draft restored. */
  show(segmentation: Segmentation | null, extra: Partial<SegmentState>): void {
    const { present, count } = segmentation === null ? { present: new Uint8Array(0), count: 0 } : this.presenceOf(segmentation.labels);
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

  /** Forgets the history and shows `segmentation`: another image, or the draft's edits thrown away. */
  reset(segmentation: Segmentation | null, extra: Partial<SegmentState>): void {
    this.history.clear();
    this.show(segmentation, extra);
  }

  /** How a stack shows another plane (see [Note: stack edits] in stack.ts); a 2D image never needs to. */
  navigateWith(goTo: (place: PlacePosition) => Promise<boolean>): void {
    this.goTo = goTo;
  }

  /** Shows masks from a run or a re-threshold in place of the current ones, as one undoable step. */
  replace(after: Segmentation): void {
    this.push({ kind: 'replace', before: this.keepShown(), after: null });
    this.show(after, { selected: new Set(), restoredDraftAt: null, networkOutputHeld: 'kept' });
    this.onChanged(false);
  }

  /** Records a change of masks already made and shown by its maker, as one undoable step. */
  record(edit: OuterEdit): void {
    this.push(edit);
    this.store.set({ canUndo: this.history.canUndo, canRedo: this.history.canRedo });
    this.onChanged(false);
  }

  /** Records an edit already applied to `segmentation`'s labels and shows its result. */
  apply(segmentation: Segmentation, edit: LabelEdit, extra: Partial<SegmentState>): void {
    this.push(edit);
    this.updateMeasurements(segmentation, edit);
    this.show(segmentation, extra);
    this.onChanged(true);
  }

  undo(): void {
    this.step(this.history.undo(), (edit) => this.revert(edit), () => this.history.redo());
  }

  redo(): void {
    this.step(this.history.redo(), (edit) => this.reapply(edit), () => this.history.undo());
  }

  private push(edit: Edit): void {
    const image = this.store.get().image;
    this.history.push({ edit, plane: image?.plane ?? 0, frame: image?.frame ?? 0 });
  }

  /** Applies a step where it was made: on another plane, once that plane is shown (`putBack` if it cannot be). */
  private step(step: Step | undefined, apply: (edit: Edit) => void, putBack: () => void): void {
    if (step === undefined) return;
    if (this.moving) return putBack();
    const image = this.store.get().image;
    const here = step.plane === (image?.plane ?? 0) && step.frame === (image?.frame ?? 0);
    if (here || step.edit.kind === 'outer') return apply(step.edit);
    if (this.goTo === null) return putBack();
    this.moving = true;
    void this.goTo({ plane: step.plane, frame: step.frame }).then((shown) => {
      this.moving = false;
      if (shown) apply(step.edit);
      else putBack();
    });
  }

  private revert(edit: Edit): void {
    if (edit.kind === 'outer') {
      edit.revert();
      this.store.set({ canUndo: this.history.canUndo, canRedo: this.history.canRedo });
    } else if (edit.kind === 'replace') {
      edit.after = this.keepShown();
      const before = this.restore(edit.before);
      this.show(before, { selected: new Set(), notice: 'Undone: the previous masks are back.', ...this.thresholdsOf(before) });
    } else {
      const segmentation = this.store.get().segmentation!;
      revertEdit(segmentation.labels, edit);
      this.updateMeasurements(segmentation, edit);
      const selected = edit.kind === 'draw' ? new Set<number>() : new Set(edit.labels);
      this.show(segmentation, { selected, notice: UNDONE[edit.kind] });
    }
    this.onChanged(true);
  }

  private reapply(edit: Edit): void {
    if (edit.kind === 'outer') {
      edit.reapply();
      this.store.set({ canUndo: this.history.canUndo, canRedo: this.history.canRedo });
    } else if (edit.kind === 'replace') {
      // The masks shown are those kept as `before`, unchanged since.
      this.recycleShown(edit.before);
      const after = this.restore(edit.after);
      edit.after = null;
      this.show(after, { selected: new Set(), notice: 'Redone.', ...this.thresholdsOf(after) });
    } else {
      const segmentation = this.store.get().segmentation!;
      reapplyEdit(segmentation.labels, edit);
      this.updateMeasurements(segmentation, edit);
      this.show(segmentation, { selected: edit.kind === 'merge' ? new Set([edit.value]) : new Set(), notice: 'Redone.' });
    }
    this.onChanged(true);
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
    this.recycled.changed(segmentation.labels);
    this.recycled.changed(segmentation.outlines);
  }

  /**
   * The masks shown, as the history keeps them once others replace them: in a 2D image their label image and
   * outlines as runs, the arrays given back for the next answer (see [Note: recycled label arrays]); in a stack,
   * whose planes hold them too, as they are.
   */
  private keepShown(): Kept | null {
    const { segmentation, stack } = this.store.get();
    if (segmentation === null) return null;
    const { labels, outlines } = segmentation;
    const runs = stack === null ? { labels: this.recycled.runsOf(labels) ?? toRuns(labels) ?? labels, outlines: this.recycled.runsOf(outlines) ?? toRuns(outlines) ?? outlines } : null;
    const kept = { segmentation, runs: runs as Kept['runs'] };
    this.recycleShown(kept);
    return kept;
  }

  /** Which labels are present, read from the runs the labels came as while they are unedited. */
  private presenceOf(labels: Uint32Array): { present: Uint8Array; count: number } {
    const runs = this.recycled.runsOf(labels);
    return runs === undefined ? labelPresence(labels) : labelPresence(runs.runs, 2);
  }

  /** Gives back the arrays of the shown masks, `kept`'s, that it holds as runs. */
  private recycleShown(kept: Kept | null): void {
    const { segmentation } = this.store.get();
    if (segmentation === null || kept?.runs == null) return;
    if (isArrayRuns(kept.runs.labels)) this.recycled.give(segmentation.labels);
    if (isArrayRuns(kept.runs.outlines)) this.recycled.give(segmentation.outlines);
  }

  /** The kept masks, the same object, with arrays of their own again. */
  private restore(kept: Kept | null): Segmentation | null {
    if (kept === null) return null;
    if (kept.runs !== null) Object.assign(kept.segmentation, unpackArrays(kept.runs, this.recycled));
    return kept.segmentation;
  }

  /** The parameters with the thresholds `segmentation` was made with, so that undoing a re-threshold shows them. */
  private thresholdsOf(segmentation: Segmentation | null): Partial<SegmentState> {
    if (segmentation === null) return {};
    const { flowThreshold, cellprobThreshold, minSize } = segmentation.settings;
    return { parameters: { ...this.store.get().parameters, flowThreshold, cellprobThreshold, minSize } };
  }
}
