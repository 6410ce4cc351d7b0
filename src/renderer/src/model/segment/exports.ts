// Writing the shown masks to files (label images, outlines, ImageJ ROIs, measurements): label images numbered 1..N
// unless the user keeps the original numbers (see [Note: label numbering] in src/engine/core/labelNumbering.ts),
// files already there replaced only once the user confirms, and in the browser mode each file's bytes kept for a
// download to the browser's computer. A label image written keeps the edits, so their draft goes (see [Note: unsaved
// edits] in drafts.ts). Renderer (DOM-free).
import type { EngineClient } from '../../engineClient';
import { codeOf, detailsOf } from '../../errorText';
import { plural } from '../../wording';
import type { Drafts } from './drafts';
import { showError, type ExportRequest, type SegmentStore } from './state';

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

  /** Writes the files; when some are there already, nothing is written and the view asks first (`exportConflict`). */
  write(request: ExportRequest): Promise<void> {
    return this.export({ ...request, folder: request.folder.trim() }, false);
  }

  /** The user confirmed replacing the files named in `exportConflict`. */
  async replaceExisting(): Promise<void> {
    const conflict = this.store.get().exportConflict;
    if (conflict === null) return;
    this.store.set({ exportConflict: null });
    await this.export(conflict.request, true);
  }

  /** The user chose not to replace them: nothing is written. */
  keepExisting(): void {
    if (this.store.get().exportConflict === null) return;
    this.store.set({ exportConflict: null, notice: 'Nothing exported: the files there were kept.' });
  }

  private async export(request: ExportRequest, overwrite: boolean): Promise<void> {
    const { image, segmentation } = this.store.get();
    if (image === null || segmentation === null) return;
    const { formats, folder, numbering } = request;
    this.store.set({ activity: { kind: 'exporting' }, error: null, lastExport: null, exportConflict: null });
    try {
      const labelsWritten = formats.includes('labels-tiff') || formats.includes('labels-png');
      // A draft save still waiting would write the draft again after the export deleted it.
      if (labelsWritten) this.drafts.cancelPending();
      const result = await this.client.call('masks:export', {
        imageId: image.imageId,
        labels: segmentation.labels,
        formats,
        folder,
        numbering,
        overwrite,
        // The browser's computer may not be the one the files were written on.
        includeBytes: this.client.kind === 'browser',
      });
      const numbered = result.renumbered ? ` Label images number the ${plural(this.store.get().maskCount, 'mask')} 1 to ${this.store.get().maskCount}.` : '';
      this.store.set({ lastExport: result, notice: `Exported ${plural(result.files.length, 'file')} to ${folder}.${numbered}` });
      if (labelsWritten) this.drafts.exported();
    } catch (error) {
      if (codeOf(error) === 'EXPORT_FILES_EXIST') {
        const { paths } = detailsOf(error);
        this.store.set({ exportConflict: { request, paths: Array.isArray(paths) ? paths.map(String) : [] } });
      } else {
        showError(this.store, error);
      }
    } finally {
      this.store.set({ activity: { kind: 'idle' } });
    }
  }
}
