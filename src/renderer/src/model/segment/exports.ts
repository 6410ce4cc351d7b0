// Writing the shown masks to files (label images, outlines, ImageJ ROIs, measurements, Cellpose session files): label
// images numbered 1..N unless the user keeps the original numbers (see [Note: label numbering] in
// src/engine/core/labelNumbering.ts), files already there replaced only once the user confirms, and in the browser
// mode each file's bytes kept for a download to the browser's computer. A label image or session written keeps the
// edits, so their draft goes (see [Note: unsaved edits] in drafts.ts). A stack's masks go out as a whole volume, in
// the formats that hold one. Renderer (DOM-free).
import { STACK_EXPORT_FORMATS, type ExportFormat } from '../../../../shared/contract';
import type { EngineClient } from '../../engineClient';
import { codeOf, detailsOf } from '../../errorText';
import { plural } from '../../wording';
import type { Drafts } from './drafts';
import { showError, type ExportRequest, type SegmentStore } from './state';

/** The labels to write: the shown plane's, or a stack's planes one after the other. */
export interface LabelsToExport {
  labels: Uint32Array;
  planes?: number;
}

const HOLDS_LABELS: readonly ExportFormat[] = ['labels-tiff', 'labels-png', 'seg-npy'];

export class MaskExports {
  constructor(
    private readonly store: SegmentStore,
    private readonly client: EngineClient,
    private readonly drafts: Drafts,
    private readonly labelsToExport: () => LabelsToExport | null = () => {
      const { segmentation } = store.get();
      return segmentation === null ? null : { labels: segmentation.labels };
    },
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

  /**
   * Writes the files (for a stack, those of the formats that hold every plane; the others are said); when some are
   * there already, nothing is written and the view asks first (`exportConflict`).
   */
  write(request: ExportRequest): Promise<void> {
    return this.export({ ...request, folder: request.folder.trim() }, false);
  }

  /** Saves the masks as a Cellpose session file (<image>_seg.npy) in the image's export folder: beside it when it was opened from disk. */
  async saveSession(): Promise<void> {
    const folder = this.store.get().image?.exportFolder;
    if (folder !== undefined) await this.export({ formats: ['seg-npy'], folder, numbering: 'consecutive' }, false);
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
    const { image, stack } = this.store.get();
    if (image === null) return;
    const masks = this.labelsToExport();
    if (masks === null) {
      this.store.set({ notice: 'There are no masks to write yet: run the segmentation first.' });
      return;
    }
    const { folder, numbering } = request;
    const formats = stack === null ? request.formats : request.formats.filter((format) => STACK_EXPORT_FORMATS.includes(format));
    if (formats.length === 0) {
      this.store.set({ notice: `A stack's masks are exported as a label TIFF or a Cellpose session file; ${request.formats.join(', ')} hold one plane.` });
      return;
    }
    this.store.set({ activity: { kind: 'exporting' }, error: null, lastExport: null, exportConflict: null });
    try {
      const labelsWritten = formats.some((format) => HOLDS_LABELS.includes(format));
      // A draft save still waiting would write the draft again after the export deleted it.
      if (labelsWritten) this.drafts.cancelPending();
      const result = await this.client.call('masks:export', {
        imageId: image.imageId,
        ...masks,
        formats,
        folder,
        numbering,
        overwrite,
        // The browser's computer may not be the one the files were written on.
        includeBytes: this.client.kind === 'browser',
      });
      this.store.set({ lastExport: result, notice: this.writtenNotice(request.formats, formats, result.files, result.renumbered, folder) });
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

  private writtenNotice(asked: ExportFormat[], written: ExportFormat[], files: readonly { path: string }[], renumbered: boolean, folder: string): string {
    const onlySession = written.length === 1 && written[0] === 'seg-npy';
    if (onlySession && asked.length === 1) return `Saved the session as ${files[0]?.path ?? folder}; the Cellpose GUI opens it.`;
    const { maskCount, stack } = this.store.get();
    // A stack's count shown is one plane's; its files number the volume's masks.
    const numbered = !renumbered ? '' : stack === null ? ` Label images number the ${plural(maskCount, 'mask')} 1 to ${maskCount}.` : ' Label images number the masks from 1 without gaps.';
    const left = asked.filter((format) => !written.includes(format));
    const leftOut = left.length === 0 ? '' : ` Not written for a stack (they hold one plane): ${left.join(', ')}.`;
    return `Exported ${plural(files.length, 'file')} to ${folder}.${numbered}${leftOut}`;
  }
}
