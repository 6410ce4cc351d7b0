// Writing the shown masks to files (label images, outlines, ImageJ ROIs, measurements); a label image written keeps
// the edits, so their draft goes (see [Note: unsaved edits] in drafts.ts). Renderer (DOM-free).
import type { ExportFormat } from '../../../../shared/contract';
import type { EngineClient } from '../../engineClient';
import { plural } from '../../wording';
import type { Drafts } from './drafts';
import { showError, type SegmentStore } from './state';

export class MaskExports {
  constructor(
    private readonly store: SegmentStore,
    private readonly client: EngineClient,
    private readonly drafts: Drafts,
  ) {}

  /** The desktop app's folder dialog for exports, opened at `current`; null when the user cancels or it fails (shown). */
  async chooseFolder(current: string): Promise<string | null> {
    try {
      return (await this.client.call('masks:chooseFolder', { current: current.trim() })).path;
    } catch (error) {
      showError(this.store, error);
      return null;
    }
  }

  async write(formats: ExportFormat[], folder: string): Promise<void> {
    const { image, segmentation } = this.store.get();
    if (image === null || segmentation === null) return;
    this.store.set({ activity: { kind: 'exporting' }, error: null, lastExport: null });
    try {
      const labelsWritten = formats.includes('labels-tiff') || formats.includes('labels-png');
      // A draft save still waiting would write the draft again after the export deleted it.
      if (labelsWritten) this.drafts.cancelPending();
      const result = await this.client.call('masks:export', { imageId: image.imageId, labels: segmentation.labels, formats, folder: folder.trim() });
      this.store.set({ lastExport: result, notice: `Exported ${plural(result.files.length, 'file')} to ${folder.trim()}.` });
      if (labelsWritten) this.drafts.exported();
    } catch (error) {
      showError(this.store, error);
    } finally {
      this.store.set({ activity: { kind: 'idle' } });
    }
  }
}
