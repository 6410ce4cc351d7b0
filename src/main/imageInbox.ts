// Images the operating system asks CellDesk to open (see [Note: single instance] in launchArguments.ts), held until
// the window's page is ready to open them. Main process; no Electron import, so tests use it as it is.

/** Opens one image in a ready page. */
export type ImageTarget = (path: string) => void;

export class ImageInbox {
  private waiting: string | null = null;
  private target: ImageTarget | null = null;

  /** Opens `path` now when a page is ready, else as soon as one is; CellDesk shows one image, so the latest wins. */
  open(path: string): void {
    if (this.target === null) this.waiting = path;
    else this.target(path);
  }

  /** The page that opens images from now on; null while none is ready (loading, reloading, closed). */
  attach(target: ImageTarget | null): void {
    this.target = target;
    if (target === null || this.waiting === null) return;
    const path = this.waiting;
    this.waiting = null;
    target(path);
  }
}
