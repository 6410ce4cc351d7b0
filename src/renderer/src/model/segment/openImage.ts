// Opening an image in the Segment view: by path, by the desktop app's dialog, as uploaded bytes or from the recent
// list; the image before it is closed in the engine, its masks and history cleared, and its draft (if any)
// restored. A Cellpose session file (_seg.npy) given any of these ways opens as one (sessionFiles.ts). The open
// image can be opened again as it was, in an engine that restarted (engineRestart.ts). Renderer (DOM-free).
import type { OpenedImage } from '../../../../shared/contract';
import type { EngineClient } from '../../engineClient';
import { plural } from '../../wording';
import type { Drafts } from './drafts';
import type { MaskHistory } from './maskHistory';
import type { Overlays } from './overlays';
import { pixelSizeOf, showError, stackStateOf, type SegmentStore } from './state';

/** Opens Cellpose session files, which name their image rather than being one (sessionFiles.ts). */
export interface SessionOpener {
  openPath(path: string): Promise<void>;
  upload(name: string, bytes: Uint8Array): Promise<void>;
}

/** Whether a file is a Cellpose session (<image>_seg.npy) rather than an image, by its name. */
export const isSessionFile = (name: string) => /\.npy$/i.test(name.trim());

/** An image sent as bytes: what it takes to send it again. */
interface Upload {
  name: string;
  bytes: Uint8Array;
}

export class ImageOpener {
  private sessions: SessionOpener | null = null;
  /** The bytes of the open image when it was uploaded (it has no path to open it again by). */
  private uploaded: Upload | null = null;

  constructor(
    private readonly store: SegmentStore,
    private readonly client: EngineClient,
    private readonly masks: MaskHistory,
    private readonly drafts: Drafts,
    private readonly overlays: Overlays,
  ) {}

  /** Where session files go when one is given in place of an image. */
  openSessionsWith(sessions: SessionOpener): void {
    this.sessions = sessions;
  }

  async openPath(path: string): Promise<void> {
    if (this.sessions !== null && isSessionFile(path)) return this.sessions.openPath(path);
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
  async upload(name: string, bytes: Uint8Array): Promise<void> {
    if (this.sessions !== null && isSessionFile(name)) return this.sessions.upload(name, bytes);
    await this.open(() => this.client.call('image:upload', { name, bytes }), undefined, { name, bytes });
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

  /**
   * Opens the image `request` opens (the image before it closed, unless it is the same one), and shows the masks
   * `showMasks` shows: by default the image's draft, if any. `upload`: the bytes it was sent as, if it was.
   */
  async open(
    request: () => Promise<OpenedImage>,
    showMasks: (image: OpenedImage) => Promise<void> = (image) => this.drafts.restore(image),
    upload: Upload | null = null,
  ): Promise<void> {
    const previous = this.store.get().image;
    this.store.set({ activity: { kind: 'opening' }, error: null, notice: null });
    try {
      await this.drafts.flush();
      const image = await request();
      const pixels = await this.client.call('image:pixels', { imageId: image.imageId });
      this.uploaded = upload;
      if (previous !== null && previous.imageId !== image.imageId) void this.client.call('image:close', { imageId: previous.imageId }).catch(() => undefined);
      this.overlays.forgetNetworkOutput();
      const planes = image.planes > 1 ? `, ${plural(image.planes, 'plane')}` : '';
      const frames = image.frames > 1 ? `, ${plural(image.frames, 'time point')}` : '';
      this.store.set(({ parameters }) => ({
        image,
        pixels,
        displayRanges: pixels.ranges.map(([low, high]) => [low, high] as [number, number]),
        channelVisible: pixels.ranges.map(() => true),
        parameters: { ...parameters, channels: image.channels === 1 ? [0, 0] : parameters.channels },
        lastExport: null,
        stack: stackStateOf(image),
        pixelSize: pixelSizeOf(image),
        openedSession: null,
        notice: `Opened ${image.name} (${image.width} x ${image.height}, ${plural(image.channels, 'channel')}${planes}${frames}, ${image.sampleType}).`,
      }));
      this.masks.reset(null, { selected: new Set(), unsaved: false, restoredDraftAt: null, draftSavedAt: null, networkOutputHeld: 'none' });
      await showMasks(image);
    } catch (error) {
      showError(this.store, error);
    } finally {
      this.store.set({ activity: { kind: 'idle' } });
    }
  }
}
