// Test helper for browser tests: where the viewer's floating controls (zoom read-out and buttons, editing tool bar)
// cover its canvas, so pixel checks of the canvas leave those places out.
import type { Page } from 'playwright-core';

/** A test of canvas pixel coordinates (CSS pixels from its top left): true under a floating control. */
export async function floatingControlsTest(page: Page): Promise<(sx: number, sy: number) => boolean> {
  const canvasBox = (await page.locator('canvas.viewer-canvas').boundingBox())!;
  const floating = [(await page.getByLabel('Zoom').locator('..').boundingBox())!, (await page.getByRole('toolbar', { name: 'Editing tool' }).boundingBox())!];
  return (sx, sy) =>
    floating.some(
      (box) => sx >= box.x - canvasBox.x - 2 && sx <= box.x - canvasBox.x + box.width + 2 && sy >= box.y - canvasBox.y - 2 && sy <= box.y - canvasBox.y + box.height + 2,
    );
}
