// Writing the shown masks to files (label images, outlines, ImageJ ROIs, measurements, Cellpose session files); a
// label image or session written keeps the edits, so their draft goes (see [Note: unsaved edits] in drafts.ts). A
// stack's masks go out as a whole volume, in the formats that hold one. Renderer (DOM-free).
import { STACK_EXPORT_FORMATS, type ExportFormat } from '../../../../shared/contract';
import type { EngineClient } from '../../engineClient';
import { plural } from '../../wording';
import type { Drafts } from './drafts';
import { showError, type SegmentStore } from './state';

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

  /** Writes `formats` into `folder`; for a stack, only the formats that hold every plane (the others are said). */
  async write(formats: ExportFormat[], folder: string): Promise<void> {
    const written = await this.export(formats, folder);
    if (written === null) return;
    const left = formats.filter((format) => !written.formats.includes(format));
    const leftOut = left.length === 0 ? '' : ` Not written for a stack (they hold one plane): ${left.join(', ')}.`;
    this.store.set({ notice: `Exported ${plural(written.files, 'file')} to ${folder.trim()}.${leftOut}` });
  }

  /** Saves the masks as a Cellpose session file (<image>_seg.npy) in the image's export folder: beside it when it was opened from disk. */
  async saveSession(): Promise<void> {
    const folder = this.store.get().image?.exportFolder;
    if (folder === undefined) return;
    const written = await this.export(['seg-npy'], folder);
    const path = this.store.get().lastExport?.files[0]?.path;
    if (written !== null && path !== undefined) this.store.set({ notice: `Saved the session as ${path}; the Cellpose GUI opens it.` });
  }

  private async export(asked: ExportFormat[], folder: string): Promise<{ formats: ExportFormat[]; files: number } | null> {
    const { image, stack } = this.store.get();
    const masks = this.labelsToExport();
    if (image === null) return null;
    if (masks === null) {
      this.store.set({ notice: 'There are no masks to write yet: run the segmentation first.' });
      return null;
    }
    const formats = stack === null ? asked : asked.filter((format) => STACK_EXPORT_FORMATS.includes(format));
    if (formats.length === 0) {
      this.store.set({ notice: `A stack's masks are exported as a label TIFF or a Cellpose session file; ${asked.join(', ')} hold one plane.` });
      return null;
    }
    this.store.set({ activity: { kind: 'exporting' }, error: null, lastExport: null });
    try {
      const labelsWritten = formats.some((format) => HOLDS_LABELS.includes(format));
      // A draft save still waiting would write the draft again after the export deleted it.
      if (labelsWritten) this.drafts.cancelPending();
      const result = await this.client.call('masks:export', { imageId: image.imageId, ...masks, formats, folder: folder.trim() });
      this.store.set({ lastExport: result });
      if (labelsWritten) this.drafts.exported();
      return { formats, files: result.files.length };
    } catch (error) {
      showError(this.store, error);
      return null;
    } finally {
      this.store.set({ activity: { kind: 'idle' } });
    }
  }
}
