// Opening an image in the Segment view: by path, by the desktop app's dialog, as uploaded bytes or from the recent
// list; the image before it is closed in the engine, its masks and history cleared, and its draft (if any)
// restored. The open image can be opened again as it was, in an engine that restarted (engineRestart.ts).
// Renderer (DOM-free).
import type { OpenedImage } from '../../../../shared/contract';
import type { EngineClient } from '../../engineClient';
import { plural } from '../../wording';
import type { Drafts } from './drafts';
import type { MaskHistory } from './maskHistory';
import type { Overlays } from './overlays';
import { showError, type SegmentStore } from './state';

/** An image sent as bytes: what it takes to send it again. */
interface Upload {
  name: string;
  bytes: Uint8Array;
}

export class ImageOpener {
  /** The bytes of the open image when it was uploaded (it has no path to open it again by). */
  private uploaded: Upload | null = null;

  constructor(
    private readonly store: SegmentStore,
    private readonly client: EngineClient,
    private readonly masks: MaskHistory,
    private readonly drafts: Drafts,
    private readonly overlays: Overlays,
  ) {}

  async openPath(path: string): Promise<void> {
    await this.open(() => this.client.call('image:open', { path: path.trim() }));
    await this.loadRecent();
  }

  /** The desktop app's open dialog; nothing happens when the user cancels. */
  async chooseAndOpen(): Promise<void> {
    try {
      const { path } = await this.client.call('image:choose');
      if (path !== null) await this.openPath(path);
    } catch (error) {
      showError(this.store, error);
    }
  }

  /** An image given as its file's bytes (dropped on the viewer). */
  upload(name: string, bytes: Uint8Array): Promise<void> {
    return this.open(() => this.client.call('image:upload', { name, bytes }), { name, bytes });
  }

  /**
   * Opens `image` (the one shown) again in the engine, the same plane of the same file or the same bytes, and
   * answers with it as the engine now holds it; what the view shows is left as it is.
   */
  async openAgain(image: OpenedImage): Promise<OpenedImage> {
    if (image.path !== null) return this.client.call('image:open', { path: image.path, page: image.page });
    if (this.uploaded === null) throw new Error(`the bytes of ${image.name} are no longer at hand`);
    return this.client.call('image:upload', this.uploaded);
  }

  /** A file dropped on the viewer: opened where it lies when the client knows its path (so it joins Recent and exports go beside it), else uploaded. */
  async openDropped(file: File): Promise<void> {
    const path = this.client.pathForFile(file);
    if (path !== null) return this.openPath(path);
    return this.upload(file.name, new Uint8Array(await file.arrayBuffer()));
  }

  async loadRecent(): Promise<void> {
    try {
      this.store.set({ recent: await this.client.call('image:recent') });
    } catch (error) {
      showError(this.store, error);
    }
  }

  private async open(request: () => Promise<OpenedImage>, upload: Upload | null = null): Promise<void> {
    const previous = this.store.get().image;
    this.store.set({ activity: { kind: 'opening' }, error: null, notice: null });
    try {
      await this.drafts.flush();
      const image = await request();
      const pixels = await this.client.call('image:pixels', { imageId: image.imageId });
      this.uploaded = upload;
      if (previous !== null) void this.client.call('image:close', { imageId: previous.imageId }).catch(() => undefined);
      this.overlays.forgetNetworkOutput();
      this.store.set(({ parameters }) => ({
        image,
        pixels,
        displayRanges: pixels.ranges.map(([low, high]) => [low, high] as [number, number]),
        channelVisible: pixels.ranges.map(() => true),
        parameters: { ...parameters, channels: image.channels === 1 ? [0, 0] : parameters.channels },
        lastExport: null,
        notice: `Opened ${image.name} (${image.width} x ${image.height}, ${plural(image.channels, 'channel')}, ${image.sampleType}).`,
      }));
      this.masks.reset(null, { selected: new Set(), unsaved: false, restoredDraftAt: null, draftSavedAt: null });
      await this.drafts.restore(image);
    } catch (error) {
      showError(this.store, error);
    } finally {
      this.store.set({ activity: { kind: 'idle' } });
    }
  }
}
