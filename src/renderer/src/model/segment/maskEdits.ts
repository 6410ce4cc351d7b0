// Editing the shown masks by hand: selecting (in the viewer or the table), deleting, merging, drawing a new mask
// and erasing with a brush, each one undoable step of the mask history; the editing tool and brush size. Renderer
// (DOM-free).
import type { Segmentation } from '../../../../shared/contract';
import { eraseStroke, fillOutline } from '../../../../shared/viewer/drawing';
import { deleteMasks, largestLabel, mergeMasks } from '../../../../shared/viewer/labelEdits';
import type { MaskHistory } from './maskHistory';
import { BRUSH_SIZES, type SegmentStore, type Tool } from './state';

const listed = (labels: readonly number[]) => `${labels.length === 1 ? 'mask' : 'masks'} ${labels.join(', ')}`;

const SEGMENT_FIRST = 'Run a segmentation first: the draw and erase tools edit its masks.';

export class MaskEdits {
  /** `labelAbove` gives a drawn mask its number: above every label in use (in a stack, in any plane). */
  constructor(
    private readonly store: SegmentStore,
    private readonly masks: MaskHistory,
    private readonly labelAbove: (segmentation: Segmentation) => number = (segmentation) => largestLabel(segmentation.labels),
  ) {}

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
    this.masks.apply(segmentation, edit, { selected: new Set(), notice: `Deleted ${listed(edit.labels)}.` });
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
    this.masks.apply(segmentation, edit, { selected: new Set([edit.value]), notice: `Merged ${listed(edit.labels)} into mask ${edit.value}.` });
  }

  /** Fills the closed outline `points` ([x0, y0, ...], image coordinates) into a new mask over background pixels. */
  drawOutline(points: readonly number[]): void {
    const { segmentation } = this.store.get();
    if (segmentation === null) {
      this.store.set({ notice: SEGMENT_FIRST });
      return;
    }
    const label = this.labelAbove(segmentation) + 1;
    const edit = fillOutline(segmentation.labels, segmentation.width, segmentation.height, points, label);
    if (edit === null) {
      this.store.set({ notice: 'Nothing drawn: the outline enclosed no free pixels (pixels already in masks stay theirs).' });
      return;
    }
    this.masks.apply(segmentation, edit, { selected: new Set(), notice: `Drew mask ${label} (${edit.pixels.length} px).` });
  }

  /** Erases mask pixels under the brush along `points` ([x0, y0, ...], image coordinates): one undo step. */
  eraseAlong(points: readonly number[]): void {
    const { segmentation, brushSize, selected } = this.store.get();
    if (segmentation === null) return;
    const edit = eraseStroke(segmentation.labels, segmentation.width, segmentation.height, points, brushSize);
    if (edit === null) return;
    this.masks.apply(segmentation, edit, { selected, notice: `Erased ${edit.pixels.length} px from ${listed(edit.labels)}.` });
    // Masks erased whole leave the selection.
    this.store.set(({ selected: kept, present }) => ({ selected: new Set([...kept].filter((label) => present[label] === 1)) }));
  }

  setTool(tool: Tool): void {
    if (tool !== 'select' && this.store.get().segmentation === null) {
      this.store.set({ notice: SEGMENT_FIRST });
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

  /** Escape during a stroke: the stroke is dropped, the tool stays. */
  strokeCancelled(): void {
    this.store.set({ notice: 'Stroke cancelled: nothing changed.' });
  }

  /** Escape: back to selecting, nothing selected. */
  escape(): void {
    this.store.set({ tool: 'select', selected: new Set() });
  }

  private select(label: number, additive: boolean): void {
    this.store.set(({ selected }) => {
      if (!additive) return { selected: new Set(label === 0 ? [] : [label]) };
      const next = new Set(selected);
      if (label !== 0 && !next.delete(label)) next.add(label);
      return { selected: next };
    });
  }
}
