// The desktop app's menu commands ('app:command' events) carried out as the Segment view's buttons and keys do, and
// the one-off requests they make of the viewer and the results panel (fit, actual size, the export dialog).
// Renderer (DOM-free).
import type { AppCommand } from '../../../../shared/contract';
import type { ImageOpener } from './openImage';
import type { Overlays } from './overlays';
import type { SegmentStore, ViewRequest } from './state';

export class Commands {
  constructor(
    private readonly store: SegmentStore,
    private readonly images: ImageOpener,
    private readonly overlays: Overlays,
  ) {}

  /** Runs a command of the desktop app's menu as its button or key does. */
  perform(command: AppCommand): void {
    switch (command.command) {
      case 'open':
        void this.images.chooseAndOpen();
        break;
      case 'open-recent':
      case 'open-file':
        void this.images.openPath(command.path);
        break;
      case 'toggle-masks':
        this.overlays.toggleMasks();
        break;
      case 'toggle-outlines':
        this.overlays.toggleOutlines();
        break;
      case 'toggle-numbers':
        this.overlays.toggleNumbers();
        break;
      case 'toggle-flows':
        this.overlays.toggleNetworkLayer('flows');
        break;
      case 'toggle-cellprob':
        this.overlays.toggleNetworkLayer('cellprob');
        break;
      case 'export':
        if (this.store.get().segmentation !== null) this.request('export');
        break;
      case 'fit':
      case 'actual-size':
        this.request(command.command);
        break;
    }
  }

  private request(kind: ViewRequest['kind']): void {
    this.store.set(({ viewRequest }) => ({ viewRequest: { kind, serial: (viewRequest?.serial ?? 0) + 1 } }));
  }
}
