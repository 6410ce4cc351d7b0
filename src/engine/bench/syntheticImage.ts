// The benchmark's default image: a deterministic synthetic two-channel fluorescence picture of cells (cytoplasm and
// nucleus), so that the benchmark runs anywhere without a download. Pure, runs anywhere.
// [Note: synthetic cells] The published benchmark image is 2560 x 2160; this one has that size, cells 20-40 px
// across (area-equivalent diameter, as Cellpose measures) at a density that varies over the field like a real
// culture, a brighter nucleus inside each cell, uneven background and camera noise (photon shot noise plus read
// noise, integer counts). Everything comes from one seeded PRNG, consumed in a fixed order, and the pixel values
// are rounded to whole counts, so two generations with the same seed are identical to the bit.
import type { PlanarImage } from '../core/image';

export const SYNTHETIC_WIDTH = 2560;
export const SYNTHETIC_HEIGHT = 2160;
export const SYNTHETIC_SEED = 20240311;
/** Changes whenever the generator's output changes, so history entries name the image they measured. */
export const SYNTHETIC_IMAGE_NAME = 'synthetic-cells-v1';
/** The Cellpose channels of this image: segment channel 1 (cytoplasm) with nuclei in channel 2. */
export const SYNTHETIC_CHANNELS = [1, 2] as const;

export interface SyntheticCell {
  x: number;
  y: number;
  /** Area-equivalent diameter in pixels: 2 * sqrt(a * b) of the cell's ellipse. */
  diameter: number;
}

export interface SyntheticCellImage {
  /** Channel 0 = cytoplasm, channel 1 = nuclei. */
  image: PlanarImage;
  cells: SyntheticCell[];
}

export interface SyntheticImageOptions {
  width?: number;
  height?: number;
  seed?: number;
  /** How many cells to place; default: as many as the densest culture holds (about 4,300 on the full image). */
  cellCount?: number;
}

/** mulberry32: a small, fast 32-bit PRNG, more than random enough for pictures. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface CellShape {
  x: number;
  y: number;
  /** Half axes and orientation of the cell's ellipse. */
  a: number;
  b: number;
  angle: number;
  /** Boundary wobble: amplitudes and phases of the 3rd and 5th angular harmonics. */
  wobble3: number;
  phase3: number;
  wobble5: number;
  phase5: number;
  brightness: number;
}

const MIN_DIAMETER = 20;
const MAX_DIAMETER = 40;
/** Cells per pixel where the culture is densest (about 55% of the area covered by cells of 30 px). */
const PEAK_DENSITY = 0.55 / (Math.PI * 15 * 15);
const CYTO_BRIGHTNESS = 420;
const NUCLEUS_BRIGHTNESS = 900;
const READ_NOISE = 4;

/** Local culture density in [0.25, 1]: a few broad random bumps, so some regions are crowded and some sparse. */
function densityField(width: number, height: number, random: () => number): (x: number, y: number) => number {
  const bumps = Array.from({ length: 6 }, () => ({ x: random() * width, y: random() * height, s: (0.15 + 0.2 * random()) * Math.max(width, height) }));
  return (x, y) => {
    let sum = 0;
    for (const b of bumps) sum += Math.exp(-((x - b.x) ** 2 + (y - b.y) ** 2) / (2 * b.s * b.s));
    return 0.25 + 0.75 * Math.min(1, sum);
  };
}

/**
 * Dart throwing: candidate cells land uniformly, are kept with the local density as probability, and are refused
 * when they would overlap an earlier cell by more than a thin rim (cells in culture touch, they rarely stack).
 */
function placeCells(width: number, height: number, random: () => number, cellCount?: number): CellShape[] {
  const density = densityField(width, height, random);
  const target = cellCount ?? Math.round(PEAK_DENSITY * width * height);
  const gridStep = MAX_DIAMETER;
  const gridWidth = Math.ceil(width / gridStep) + 1;
  const grid = new Map<number, CellShape[]>();
  const cells: CellShape[] = [];
  for (let attempt = 0; attempt < target * 6 && cells.length < target; attempt++) {
    const x = random() * width;
    const y = random() * height;
    const keep = random() < density(x, y);
    // log-uniform diameters between the bounds, median about 28 px.
    const diameter = MIN_DIAMETER * Math.pow(MAX_DIAMETER / MIN_DIAMETER, random());
    const elongation = 1 + 0.35 * random();
    const cell: CellShape = {
      x,
      y,
      a: (diameter / 2) * Math.sqrt(elongation),
      b: diameter / 2 / Math.sqrt(elongation),
      angle: random() * Math.PI,
      wobble3: 0.05 * random(),
      phase3: random() * 2 * Math.PI,
      wobble5: 0.03 * random(),
      phase5: random() * 2 * Math.PI,
      brightness: CYTO_BRIGHTNESS * (0.6 + 0.8 * random()),
    };
    if (!keep) continue;
    const gx = Math.floor(x / gridStep);
    const gy = Math.floor(y / gridStep);
    let overlaps = false;
    for (let ny = gy - 1; ny <= gy + 1 && !overlaps; ny++) {
      for (let nx = gx - 1; nx <= gx + 1 && !overlaps; nx++) {
        for (const other of grid.get(ny * gridWidth + nx) ?? []) {
          const radii = Math.sqrt(cell.a * cell.b) + Math.sqrt(other.a * other.b);
          if (Math.hypot(other.x - x, other.y - y) < 0.9 * radii) {
            overlaps = true;
            break;
          }
        }
      }
    }
    if (overlaps) continue;
    const key = gy * gridWidth + gx;
    const bucket = grid.get(key);
    if (bucket === undefined) grid.set(key, [cell]);
    else bucket.push(cell);
    cells.push(cell);
  }
  return cells;
}

/** Soft edge: 1 well inside (d << 1), 0 well outside, half at d = 1; `width` in units of the radius. */
function edge(d: number, width: number): number {
  return 1 / (1 + Math.exp((d - 1) / width));
}

/** Adds one cell's cytoplasm and nucleus to the two planes (additive, as fluorescence is). */
function drawCell(cell: CellShape, random: () => number, cyto: Float32Array, nuclei: Float32Array, width: number, height: number): void {
  const nucleusScale = 0.4 + 0.12 * random();
  const nucleusShiftX = (random() - 0.5) * 0.3 * cell.b;
  const nucleusShiftY = (random() - 0.5) * 0.3 * cell.b;
  const nucleusBrightness = NUCLEUS_BRIGHTNESS * (0.6 + 0.8 * random());
  const cos = Math.cos(cell.angle);
  const sin = Math.sin(cell.angle);
  const reach = Math.ceil(cell.a * (1 + cell.wobble3 + cell.wobble5) + 4);
  const x0 = Math.max(0, Math.floor(cell.x) - reach);
  const x1 = Math.min(width - 1, Math.floor(cell.x) + reach);
  const y0 = Math.max(0, Math.floor(cell.y) - reach);
  const y1 = Math.min(height - 1, Math.floor(cell.y) + reach);
  const c3 = Math.cos(cell.phase3);
  const s3 = Math.sin(cell.phase3);
  const c5 = Math.cos(cell.phase5);
  const s5 = Math.sin(cell.phase5);
  for (let y = y0; y <= y1; y++) {
    const dy = y + 0.5 - cell.y;
    for (let x = x0; x <= x1; x++) {
      const dx = x + 0.5 - cell.x;
      const u = (dx * cos + dy * sin) / cell.a;
      const v = (-dx * sin + dy * cos) / cell.b;
      const rho = Math.sqrt(u * u + v * v);
      // cos(k phi + phase) of the pixel's angle phi from (u, v)/rho by complex powers: no atan2 in the loop.
      const c = rho > 0 ? u / rho : 1;
      const s = rho > 0 ? v / rho : 0;
      const cos3 = c * (4 * c * c - 3);
      const sin3 = s * (3 - 4 * s * s);
      const cos2 = c * c - s * s;
      const sin2 = 2 * c * s;
      const cos5 = cos3 * cos2 - sin3 * sin2;
      const sin5 = sin3 * cos2 + cos3 * sin2;
      const boundary = 1 + cell.wobble3 * (cos3 * c3 - sin3 * s3) + cell.wobble5 * (cos5 * c5 - sin5 * s5);
      const d = rho / boundary;
      const i = y * width + x;
      // Thicker (brighter) cytoplasm towards the middle, as in a spread cell.
      cyto[i] = cyto[i]! + cell.brightness * (0.65 + 0.35 * Math.max(0, 1 - d * d)) * edge(d, 0.06);
      const nu = (dx - nucleusShiftX) / (cell.a * nucleusScale);
      const nv = (dy - nucleusShiftY) / (cell.b * nucleusScale);
      nuclei[i] = nuclei[i]! + nucleusBrightness * edge(Math.sqrt(nu * nu + nv * nv), 0.08);
    }
  }
}

/** Uneven illumination: brightest in the middle, about 35% dimmer in the corners. */
function addBackground(plane: Float32Array, width: number, height: number, level: number): void {
  const cx = width / 2;
  const cy = height / 2;
  const r2 = cx * cx + cy * cy;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const falloff = 1 - 0.35 * (((x - cx) ** 2 + (y - cy) ** 2) / r2);
      plane[i] = (plane[i]! + level) * falloff;
    }
  }
}

/** Photon shot noise (variance = signal) and Gaussian read noise, rounded to whole non-negative counts. */
function addCameraNoise(data: Float32Array, random: () => number): void {
  for (let i = 0; i < data.length; i += 2) {
    // Box-Muller: two normal draws per pair of uniforms.
    const radius = Math.sqrt(-2 * Math.log(1 - random()));
    const theta = 2 * Math.PI * random();
    const g0 = radius * Math.cos(theta);
    const g1 = radius * Math.sin(theta);
    const v0 = data[i]!;
    data[i] = Math.max(0, Math.round(v0 + g0 * Math.sqrt(v0 + READ_NOISE * READ_NOISE)));
    if (i + 1 < data.length) {
      const v1 = data[i + 1]!;
      data[i + 1] = Math.max(0, Math.round(v1 + g1 * Math.sqrt(v1 + READ_NOISE * READ_NOISE)));
    }
  }
}

/** The synthetic image (see [Note: synthetic cells]) and the cells drawn in it. */
export function syntheticCellImage(options: SyntheticImageOptions = {}): SyntheticCellImage {
  const width = options.width ?? SYNTHETIC_WIDTH;
  const height = options.height ?? SYNTHETIC_HEIGHT;
  const random = mulberry32(options.seed ?? SYNTHETIC_SEED);
  const plane = width * height;
  const data = new Float32Array(2 * plane);
  const cyto = data.subarray(0, plane);
  const nuclei = data.subarray(plane);
  const shapes = placeCells(width, height, random, options.cellCount);
  for (const shape of shapes) drawCell(shape, random, cyto, nuclei, width, height);
  addBackground(cyto, width, height, 110);
  addBackground(nuclei, width, height, 90);
  addCameraNoise(data, random);
  return {
    image: { width, height, channels: 2, data },
    cells: shapes.map((s) => ({ x: s.x, y: s.y, diameter: 2 * Math.sqrt(s.a * s.b) })),
  };
}
