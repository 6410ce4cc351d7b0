// Distinct colours for masks, stable per label: hues spaced by the golden angle, so neighbouring labels (which
// Cellpose numbers in scan order, hence often adjacent) never look alike. Pure, runs anywhere.

const GOLDEN_FRACTION = 0.618033988749895;

/** The RGB colour (0..255 each) of mask `label` (1, 2, ...). */
export function maskColour(label: number): [number, number, number] {
  const hue = (label * GOLDEN_FRACTION) % 1;
  // Alternate two saturation/value pairs so that labels with close hues still differ in brightness.
  const saturation = label % 2 === 0 ? 0.65 : 0.85;
  const value = label % 3 === 0 ? 0.85 : 1;
  return hsvToRgb(hue, saturation, value);
}

function hsvToRgb(h: number, s: number, v: number): [number, number, number] {
  const sector = Math.floor(h * 6);
  const f = h * 6 - sector;
  const p = v * (1 - s);
  const q = v * (1 - f * s);
  const t = v * (1 - (1 - f) * s);
  const [r, g, b] = [
    [v, t, p],
    [q, v, p],
    [p, v, t],
    [p, q, v],
    [t, p, v],
    [v, p, q],
  ][sector % 6]!;
  return [Math.round(r! * 255), Math.round(g! * 255), Math.round(b! * 255)];
}
