// How the Segment view shows the image and what lies over it: each channel's display range and visibility, masks
// and outlines on or off, their opacity, and the network output (flows, cell probability) in place of the image,
// fetched from the engine the first time it is shown after a run. Renderer (DOM-free).
import type { NetworkLayer } from '../../../../shared/viewer/networkLayer';
import type { EngineClient } from '../../engineClient';
import { lacksNetworkOutput, NEEDS_NETWORK_OUTPUT, showError, type OverlayState, type SegmentStore } from './state';

export class Overlays {
  /** Counts network outputs, so that one fetched for an earlier run is not shown after a newer one. */
  private outputSerial = 0;

  constructor(
    private readonly store: SegmentStore,
    private readonly client: EngineClient,
  ) {}

  set(change: Partial<OverlayState>): void {
    this.store.set(({ overlay }) => ({ overlay: { ...overlay, ...change } }));
  }

  toggleMasks(): void {
    this.set({ showMasks: !this.store.get().overlay.showMasks });
  }

  toggleOutlines(): void {
    this.set({ showOutlines: !this.store.get().overlay.showOutlines });
  }

  toggleNumbers(): void {
    this.set({ showNumbers: !this.store.get().overlay.showNumbers });
  }

  setDisplayRange(channel: number, range: [number, number]): void {
    this.store.set(({ displayRanges }) => ({ displayRanges: displayRanges.map((r, c) => (c === channel ? range : r)) }));
  }

  /** Auto-contrast: the channel's range back to its 1st and 99th percentiles (Cellpose's normalization). */
  autoContrast(channel: number): void {
    const range = this.store.get().pixels?.ranges[channel];
    if (range !== undefined) this.setDisplayRange(channel, [range[0], range[1]]);
  }

  setChannelVisible(channel: number, visible: boolean): void {
    this.store.set(({ channelVisible }) => ({ channelVisible: channelVisible.map((v, c) => (c === channel ? visible : v)) }));
  }

  /** Shows a network output in place of the image (or the image again: 'none'), fetching it the first time. */
  setNetworkLayer(network: NetworkLayer): void {
    this.set({ network });
    if (network !== 'none') void this.loadNetworkOutput();
  }

  /** The F and P keys: shows that output, or the image again if it is already shown; only once there is one. */
  toggleNetworkLayer(layer: Exclude<NetworkLayer, 'none'>): void {
    const { segmentation, overlay } = this.store.get();
    if (segmentation !== null) this.setNetworkLayer(overlay.network === layer ? 'none' : layer);
  }

  /** The network output fetched is no longer the engine's: another image opened, or the network ran again. */
  forgetNetworkOutput(): void {
    this.outputSerial++;
    this.store.set({ networkOutput: null });
  }

  /** Fetches the network output again if a layer shows it (after a run, whose output replaced the one fetched). */
  refreshNetworkOutput(): void {
    if (this.store.get().overlay.network !== 'none') void this.loadNetworkOutput();
  }

  private async loadNetworkOutput(): Promise<void> {
    const { image, segmentation, networkOutput } = this.store.get();
    if (image === null || segmentation === null || networkOutput?.imageId === image.imageId) return;
    const serial = this.outputSerial;
    try {
      const output = await this.client.call('segment:networkOutput', { imageId: image.imageId });
      if (serial === this.outputSerial && this.store.get().image?.imageId === output.imageId) this.store.set({ networkOutput: output });
    } catch (error) {
      if (!lacksNetworkOutput(error)) return showError(this.store, error);
      this.store.set(({ overlay }) => ({ overlay: { ...overlay, network: 'none' }, notice: NEEDS_NETWORK_OUTPUT }));
    }
  }
}
