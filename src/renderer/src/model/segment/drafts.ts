// Keeps the Segment view's unsaved edits as the image's draft in the engine, so that they survive a closed window
// or a crash: written a moment after the last change, restored when the image opens again, discarded on request.
// Renderer (DOM-free).
//
// [Note: unsaved edits] Any edit (and its undo or redo) sets `unsaved`; from then on every change of the shown masks
// is sent to the engine as the image's draft, `delayMs` after the last one, and at once before another image opens.
// Exporting a label image clears the flag and the engine deletes the draft in the same call. Opening an image asks
// for its draft; a draft found is shown with a notice and the flag set, so it is kept until exported or discarded.
// An unreadable draft is a notice, not an error: the image opens without it.
import type { DraftSummary, OpenedImage, Segmentation } from '../../../../shared/contract';
import type { EngineClient } from '../../engineClient';
import { codeOf, messageOf } from '../../errorText';
import type { MaskHistory } from './maskHistory';
import { showError, type SegmentStore } from './state';

/** How long edits settle before the draft is written. */
export const DRAFT_DELAY_MS = 800;

function summaryOf(segmentation: Segmentation): DraftSummary {
  const { diameter, diameterFromStyle, executionProvider, fallbackReasons, model, settings } = segmentation;
  return { diameter, diameterFromStyle, executionProvider, fallbackReasons, model, settings };
}

export class Drafts {
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly store: SegmentStore,
    private readonly client: EngineClient,
    private readonly masks: MaskHistory,
    private readonly delayMs = DRAFT_DELAY_MS,
  ) {}

  /** After a change of the shown masks: an edit makes them unsaved, and unsaved masks are kept as a draft soon. */
  changed(edited: boolean): void {
    if (edited) this.store.set({ unsaved: true });
    if (!this.store.get().unsaved) return;
    this.cancelPending();
    // The kept draft no longer holds the shown masks: the view says so until the next save lands.
    this.store.set({ draftSavedAt: null });
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.save();
    }, this.delayMs);
  }

  /** Writes the draft now if one is waiting (before the page unloads, before another image opens). */
  async flush(): Promise<void> {
    if (this.timer === null) return;
    this.cancelPending();
    await this.save();
  }

  /** Forgets a draft save still waiting: a label image about to be exported deletes the draft. */
  cancelPending(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  /** A label image was exported: the edits are saved, and the engine deleted their draft. */
  exported(): void {
    this.store.set({ unsaved: false, restoredDraftAt: null, draftSavedAt: null });
  }

  /** Drops the restored draft: the engine deletes it and the image is shown without masks. */
  async discard(): Promise<void> {
    const { image } = this.store.get();
    if (image === null) return;
    this.cancelPending();
    try {
      await this.client.call('masks:discardDraft', { imageId: image.imageId });
      this.masks.reset(null, { selected: new Set(), unsaved: false, restoredDraftAt: null, draftSavedAt: null, notice: 'Discarded the unsaved edits.' });
    } catch (error) {
      showError(this.store, error);
    }
  }

  /** Shows the draft kept for `image`, if any; an unreadable one is reported and left out. */
  async restore(image: OpenedImage): Promise<void> {
    try {
      const draft = await this.client.call('masks:loadDraft', { imageId: image.imageId });
      // Another image, or another plane of this one (each plane keeps its own draft), may be shown by now.
      const shown = this.store.get().image;
      if (draft === null || shown?.imageId !== image.imageId || shown.page !== image.page) return;
      const when = new Date(draft.savedAt).toLocaleString();
      this.masks.show(draft.segmentation, {
        selected: new Set(),
        unsaved: true,
        restoredDraftAt: draft.savedAt,
        draftSavedAt: draft.savedAt,
        notice: `Restored your unsaved edits of ${image.name} (${draft.segmentation.maskCount} masks, saved ${when}). Export the masks to keep them, or discard them.`,
      });
    } catch (error) {
      if (codeOf(error) === 'DRAFT_UNREADABLE') this.store.set({ notice: messageOf(error) });
      else showError(this.store, error);
    }
  }

  /** Sends the shown masks as the image's draft; with no masks left, the draft is deleted instead. */
  private async save(): Promise<void> {
    const { image, segmentation, unsaved } = this.store.get();
    if (image === null || !unsaved) return;
    try {
      let savedAt: string | null = null;
      if (segmentation === null) await this.client.call('masks:discardDraft', { imageId: image.imageId });
      else ({ savedAt } = await this.client.call('masks:saveDraft', { imageId: image.imageId, labels: segmentation.labels, summary: summaryOf(segmentation) }));
      if (this.store.get().image?.imageId === image.imageId && this.store.get().unsaved) this.store.set({ draftSavedAt: savedAt });
    } catch (error) {
      showError(this.store, error);
    }
  }
}
