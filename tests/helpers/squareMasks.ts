// Test helper: a label image of square masks on a grid and its outline mask, long runs of equal values as real
// label images have, for the tests of runs (tests/contract).

/** 30 x 30 masks every 100 pixels, numbered in scan order, and their one-pixel outlines. */
export function squareMasks(width: number, height: number): { labels: Uint32Array; outlines: Uint8Array } {
  const labels = new Uint32Array(width * height);
  const outlines = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (x % 100 >= 30 || y % 100 >= 30) continue;
      labels[y * width + x] = 1 + Math.floor(y / 100) * Math.ceil(width / 100) + Math.floor(x / 100);
      outlines[y * width + x] = x % 100 === 0 || x % 100 === 29 || y % 100 === 0 || y % 100 === 29 ? 1 : 0;
    }
  }
  return { labels, outlines };
}
