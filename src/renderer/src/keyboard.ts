// Which key presses belong to the page's own controls rather than to the Segment view's shortcuts. Renderer.

/** Text fields, selects and dialogs read the keys typed into them. */
const READS_KEYS = 'input, textarea, select, [contenteditable="true"], [role="dialog"]';
/** Space also presses buttons, links, check boxes and radios. */
const READS_SPACE = `${READS_KEYS}, button, a[href], [role="button"], [role="checkbox"], [role="radio"], [role="tab"], [role="switch"]`;

/** Whether a key press is for a text field or dialog (where the view's letter shortcuts must not fire). */
export function keyBelongsToControl(target: EventTarget | null): boolean {
  return target instanceof Element && target.closest(READS_KEYS) !== null;
}

/** Whether the space bar is for a control (pressing a button, ticking a box) rather than panning the viewer. */
export function spaceBelongsToControl(target: EventTarget | null): boolean {
  return target instanceof Element && target.closest(READS_SPACE) !== null;
}
