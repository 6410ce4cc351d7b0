// When the engine stopped under the Segment view (it crashed; the next call starts a fresh one: see [Note: engine
// host] in src/engine/service/engineService.ts): the view offers to restart it, and the image is opened again in the
// new engine while the view keeps everything it shows. Renderer (DOM-free).
//
// [Note: engine restart] The engine that held the open image is gone, with the image, its kept network output and
// any run in progress; the masks, their undo history, the selection and the unsaved edits live here and are kept.
// The desktop app's engine publishes 'engine:stopped' when its process ends: the view then shows how it ended and
// offers to restart it (recover()), which opens the image again. The browser mode does not listen (its engine is a
// thread of the server, which a native crash takes down with it, and an event stream per view costs one of the
// browser's few connections to the server); there, and whenever a call meets the crash first, the failed call starts
// the recovery: one that fails with ENGINE_CRASHED (it was running when the engine died), or with IMAGE_NOT_OPEN for
// the open image (the engine died while the view was idle, and this call reached the new one). Recovery runs once
// however many calls failed: the image is opened again by its path and page, or from the bytes it was uploaded with,
// and takes the place of the old one in the view without touching the masks; unsaved edits are then kept again as
// the image's draft, under its new id. A crash's message stays shown (it says what to do again), "no longer open"
// goes; what the engine lost with the image (the network output, hence re-thresholding and the flows) comes back
// with the next run. The event reaches the view before the failed calls' answers, so the recovery those calls start
// withdraws the offer.
import type { OpenedImage } from '../../../../shared/contract';
import type { EngineClient } from '../../engineClient';
import { codeOf, detailsOf, messageOf } from '../../errorText';
import type { Drafts } from './drafts';
import type { ImageOpener } from './openImage';
import type { Overlays } from './overlays';
import type { SegmentStore } from './state';

export class EngineRestart {
  private recovering: Promise<void> | null = null;
  /** The message of a call that failed for want of the image: outdated once the image is open again. */
  private outdatedMessage: string | null = null;

  constructor(
    private readonly store: SegmentStore,
    private readonly client: EngineClient,
    private readonly images: ImageOpener,
    private readonly drafts: Drafts,
    private readonly overlays: Overlays,
  ) {}

  /** A call failed: when it says the engine lost the open image, opens it again (see [Note: engine restart]). */
  failed(error: unknown): void {
    const code = codeOf(error);
    const { image } = this.store.get();
    const lost = code === 'ENGINE_CRASHED' || (code === 'IMAGE_NOT_OPEN' && image !== null && detailsOf(error)['imageId'] === image.imageId);
    if (!lost) return;
    if (code === 'IMAGE_NOT_OPEN') this.outdatedMessage = messageOf(error);
    void this.recover();
  }

  /** The engine's process ended (`reason`: how): the view offers to restart it. */
  stopped(reason: string): void {
    this.store.set({ engineStopped: reason });
  }

  /**
   * Restarts the engine and opens the shown image again in it (with no image, the Recent list is read again, which
   * starts the engine too); once while a recovery is under way. Resolves when it is done.
   */
  recover(): Promise<void> {
    this.recovering ??= this.openAgain().finally(() => (this.recovering = null));
    return this.recovering;
  }

  private async openAgain(): Promise<void> {
    const { image } = this.store.get();
    if (image === null) {
      await this.images.loadRecent();
      this.store.set({ engineStopped: null });
      return;
    }
    let reopened: OpenedImage;
    try {
      reopened = await this.images.openAgain(image);
    } catch (error) {
      if (this.store.get().image?.imageId === image.imageId) {
        this.store.set({
          error: `CellDesk's engine restarted but could not open ${image.name} again: ${messageOf(error)} Open it again to go on; edits not yet exported come back with it, as its draft.`,
        });
      }
      // An engine that crashed again is offered for restart again (its event said so); else it runs.
      if (codeOf(error) !== 'ENGINE_CRASHED') this.store.set({ engineStopped: null });
      return;
    }
    // Another image opened meanwhile: the one opened again is not shown.
    if (this.store.get().image?.imageId !== image.imageId) {
      await this.client.call('image:close', { imageId: reopened.imageId }).catch(() => undefined);
      return;
    }
    this.overlays.forgetNetworkOutput();
    this.store.set(({ overlay, error }) => ({
      image: reopened,
      overlay: { ...overlay, network: 'none' },
      error: error === this.outdatedMessage ? null : error,
      engineStopped: null,
      notice: `CellDesk's engine restarted: ${image.name} is open again, with your masks and edits as they were. Run the segmentation again to change the thresholds or see the flows.`,
    }));
    // Unsaved edits are kept again as the draft, now under the image's new id.
    this.drafts.changed(false);
  }
}

/**
 * `client` with every failed call shown to `restart()` before it fails as it would: the Segment view's modules call
 * through it, so whichever of them meets the restarted engine first starts the recovery.
 */
export function watchForRestart(client: EngineClient, restart: () => EngineRestart): EngineClient {
  return {
    kind: client.kind,
    call: async (name, ...args) => {
      try {
        return await client.call(name, ...args);
      } catch (error) {
        restart().failed(error);
        throw error;
      }
    },
    on: (name, listener) => client.on(name, listener),
    pathForFile: (file) => client.pathForFile(file),
    recycled: client.recycled,
  };
}
