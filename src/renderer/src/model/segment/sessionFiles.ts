// Opening a Cellpose session file (<image>_seg.npy) in the Segment view, by path or as dropped bytes: its image (as
// the Cellpose GUI finds it) opens with the file's masks over it, editable, with its flows and settings; a file whose
// image cannot be found opens over a blank canvas of the masks' size, and the view says where it looked. Saving one
// is an export (exports.ts). Renderer (DOM-free).
import type { OpenedImage, OpenedSession } from '../../../../shared/contract';
import type { EngineClient } from '../../engineClient';
import { plural } from '../../wording';
import type { ImageOpener, SessionOpener } from './openImage';
import type { MaskHistory } from './maskHistory';
import type { StackPlanes } from './stack';
import type { SegmentStore } from './state';

const WITHOUT_FLOWS: Readonly<Record<OpenedSession['networkOutput'], string>> = {
  kept: '',
  pictures: ' It has pictures of its flows but not the flows themselves: new thresholds apply at the next run.',
  none: ' It has no flows: new thresholds apply at the next run, and the flows appear after it.',
};

export class SessionFiles implements SessionOpener {
  constructor(
    private readonly store: SegmentStore,
    private readonly client: EngineClient,
    private readonly images: ImageOpener,
    private readonly masks: MaskHistory,
    private readonly stack: StackPlanes,
  ) {}

  async openPath(path: string): Promise<void> {
    await this.open(() => this.client.call('session:open', { path: path.trim() }));
    await this.images.loadRecent();
  }

  /** A session file given as its bytes (dropped in the browser): over the open image when its size fits the masks. */
  upload(name: string, bytes: Uint8Array): Promise<void> {
    const open = this.store.get().image;
    return this.open(() => this.client.call('session:upload', { name, bytes, ...(open === null ? {} : { imageId: open.imageId }) }));
  }

  private async open(request: () => Promise<OpenedSession>): Promise<void> {
    let opened: OpenedSession | null = null;
    await this.images.open(
      async () => (opened = await request()).image,
      async (image) => this.show(image, opened!),
    );
  }

  /** The session's masks over its image, the controls set to the settings the file records. */
  private show(image: OpenedImage, opened: OpenedSession): Promise<void> {
    const { planes, networkOutput } = opened;
    const shown = planes[image.plane] ?? null;
    if (this.store.get().stack === null) this.masks.show(shown, { networkOutputHeld: networkOutput });
    else this.stack.showSession(image, planes, networkOutput);
    const over = opened.imageFound ? `over ${image.name}` : `over a blank canvas: ${opened.imageMissing}`;
    const masks = planes.length > 1 ? `${plural(planes.length, 'plane')} of masks` : plural(shown?.maskCount ?? 0, 'mask');
    const notes = opened.notes.length === 0 ? '' : ` Left out: ${opened.notes.join(' ')}`;
    this.store.set(({ parameters }) => ({
      openedSession: { name: opened.sessionName, imageMissing: opened.imageMissing },
      notice: `Opened the session ${opened.sessionName}: ${masks} ${over}.${WITHOUT_FLOWS[networkOutput]}${notes}`,
      parameters:
        shown === null
          ? parameters
          : {
              ...parameters,
              channels: image.channels === 1 ? [0, 0] : shown.settings.channels,
              diameter: shown.diameter,
              estimateDiameter: false,
              flowThreshold: shown.settings.flowThreshold,
              cellprobThreshold: shown.settings.cellprobThreshold,
              minSize: shown.settings.minSize,
            },
    }));
    return Promise.resolve();
  }
}
