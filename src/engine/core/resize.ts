// Image resizing exactly as Cellpose's transforms.resize_image gets it from OpenCV's cv2.resize; pure, runs anywhere.
import { InvalidSettingError } from '../errors';
import { cropWindow, type ImageWindow, type PlanarImage, type Region } from './image';

// [Note: OpenCV resize arithmetic]
// cv::hal::resize (modules/imgproc/src/resize.cpp) on float32 with INTER_LINEAR, reproduced operation by operation:
// - scale = 1 / (dst / src) in float64 (not src / dst: the two can differ in the last bit).
// - If both scales are exactly 2 it switches to INTER_AREA's fast path: each output is the float32 sum of its 2x2
//   block times 0.25, summed ((a + b) + c) + d, or (a + b) + (c + d) where its SIMD loop runs (1 or 4 channels).
// - Otherwise, per output column: fx = float32((dx + 0.5) * scale - 0.5), sx = floor(fx), fx -= sx; sx < 0 gives
//   sx = 0, fx = 0 and sx >= L - 1 gives sx = L - 1, fx = 0 (edge replicate, no antialiasing); weights are the
//   float32 pair (1 - fx, fx). Each source row is first interpolated along x, then two such rows are mixed along y
//   with (1 - fy, fy), every product and sum rounded to float32. Along y OpenCV does not reset fy at the edges: it
//   clamps the two row indices into the image and keeps the weights.
// opencv-python's x86-64 wheels are built with Intel IPP, which cv::hal::resize tries first for float32
// INTER_LINEAR; IPP computes the same interpolation, but its last-bit rounding cannot be checked from source.

/** Output size Cellpose uses for a rescale: Python's int(L * rescale), i.e. truncation. */
export function rescaledSize(length: number, rescale: number): number {
  return Math.trunc(length * rescale);
}

/** cv2.resize(img, (width, height)) with INTER_LINEAR on a float32 image; see [Note: OpenCV resize arithmetic]. */
export function resizeBilinear(image: PlanarImage, height: number, width: number): PlanarImage {
  return resizeBilinearRegion({ image, top: 0, left: 0 }, image.height, image.width, height, width, { top: 0, left: 0, height, width });
}

/**
 * The part `region` of resizeBilinear(full source, height, width), from a window of the full source (srcHeight x
 * srcWidth) that holds resizeSourceRegion of it: the same values, as each output pixel reads the same few source
 * pixels with weights that depend on its position in the full images only.
 */
export function resizeBilinearRegion(source: ImageWindow, srcHeight: number, srcWidth: number, height: number, width: number, region: Region): PlanarImage {
  checkSize(srcHeight, srcWidth, height, width);
  const out: PlanarImage = { width: region.width, height: region.height, channels: source.image.channels, data: new Float32Array(source.image.channels * region.height * region.width) };
  if (height === srcHeight && width === srcWidth) return cropWindow(source, region); // cv2.resize copies when the size does not change
  const scaleX = 1 / (width / srcWidth);
  const scaleY = 1 / (height / srcHeight);
  if (isExactly(scaleX, 2) && isExactly(scaleY, 2)) {
    halveByArea(source, out, region, width);
  } else {
    interpolateLinear(source, srcHeight, srcWidth, out, region, scaleX, scaleY);
  }
  return out;
}

/** The rows and columns of the source that `region` of resizeBilinear(source, height, width) reads. */
export function resizeSourceRegion(srcHeight: number, srcWidth: number, height: number, width: number, region: Region): Region {
  checkSize(srcHeight, srcWidth, height, width);
  if (height === srcHeight && width === srcWidth) return { ...region };
  const scaleX = 1 / (width / srcWidth);
  const scaleY = 1 / (height / srcHeight);
  if (isExactly(scaleX, 2) && isExactly(scaleY, 2)) return { top: 2 * region.top, left: 2 * region.left, height: 2 * region.height, width: 2 * region.width };
  const [top, bottom] = sourceSpan(region.top, region.top + region.height - 1, scaleY, srcHeight);
  const [left, right] = sourceSpan(region.left, region.left + region.width - 1, scaleX, srcWidth);
  return { top, left, height: bottom - top + 1, width: right - left + 1 };
}

/** First and last source index read by destination indices first..last (positions grow with the index). */
function sourceSpan(first: number, last: number, scale: number, length: number): [number, number] {
  const below = (d: number) => Math.floor(Math.fround((d + 0.5) * scale - 0.5));
  return [clampRow(below(first), length), clampRow(below(last) + 1, length)];
}

type LabelArray = Uint8Array | Uint16Array | Uint32Array | Int32Array | Float32Array;

/**
 * cv2.resize with INTER_NEAREST, for label images: source index = min(floor(dst * scale), L - 1) with
 * scale = 1 / (dst / src) in float64. Returns an array of the same type.
 */
export function resizeNearest<T extends LabelArray>(labels: T, height: number, width: number, newHeight: number, newWidth: number): T {
  checkSize(height, width, newHeight, newWidth);
  if (labels.length !== height * width) {
    throw new InvalidSettingError(`A ${height} x ${width} label image needs ${height * width} values; got ${labels.length}.`);
  }
  const out = new (labels.constructor as new (length: number) => T)(newHeight * newWidth);
  const scaleX = 1 / (newWidth / width);
  const scaleY = 1 / (newHeight / height);
  const columns = new Int32Array(newWidth);
  for (let x = 0; x < newWidth; x++) columns[x] = Math.min(Math.floor(x * scaleX), width - 1);
  for (let y = 0; y < newHeight; y++) {
    const row = Math.min(Math.floor(y * scaleY), height - 1) * width;
    const target = y * newWidth;
    for (let x = 0; x < newWidth; x++) out[target + x] = labels[row + columns[x]!]!;
  }
  return out;
}

function checkSize(height: number, width: number, newHeight: number, newWidth: number): void {
  for (const size of [height, width, newHeight, newWidth]) {
    if (!Number.isInteger(size) || size < 1) {
      throw new InvalidSettingError(
        `Cannot resize a ${height} x ${width} image to ${newHeight} x ${newWidth}: both sizes need at least one pixel ` +
          'per side. A diameter far larger than the cells (or an image only a few pixels wide) shrinks it to nothing.',
        { height, width, newHeight, newWidth },
      );
    }
  }
}

/** OpenCV's is_area_fast test against an integer scale: |scale - round(scale)| < DBL_EPSILON. */
function isExactly(scale: number, integer: number): boolean {
  return Math.round(scale) === integer && Math.abs(scale - integer) < Number.EPSILON;
}

/** INTER_AREA fast path for an exact 2x downscale (resizeAreaFast_ and ResizeAreaFastVec_SIMD_32f), over `region` of the output. */
function halveByArea(source: ImageWindow, out: PlanarImage, region: Region, fullWidth: number): void {
  const { image } = source;
  const { width: srcWidth, channels } = image;
  const { width, height } = out;
  // The SIMD loop covers 4 floats per step of the interleaved row: all pixels for 4 channels, the first
  // floor(width / 4) * 4 for 1 channel (of the full output width); the scalar loop (sequential sum) does the rest
  // and every other channel count.
  const pairedColumns = channels === 4 ? Infinity : channels === 1 ? fullWidth - (fullWidth % 4) : 0;
  const f = Math.fround;
  for (let c = 0; c < channels; c++) {
    const src = image.data.subarray(c * image.height * srcWidth, (c + 1) * image.height * srcWidth);
    const dst = out.data.subarray(c * height * width, (c + 1) * height * width);
    for (let y = 0; y < height; y++) {
      const row0 = (2 * (region.top + y) - source.top) * srcWidth - source.left;
      const row1 = row0 + srcWidth;
      const target = y * width;
      for (let x = 0; x < width; x++) {
        const sx = 2 * (region.left + x);
        const a = src[row0 + sx]!;
        const b = src[row0 + sx + 1]!;
        const c0 = src[row1 + sx]!;
        const d = src[row1 + sx + 1]!;
        const sum = region.left + x < pairedColumns ? f(f(a + b) + f(c0 + d)) : f(f(f(a + b) + c0) + d);
        dst[target + x] = sum * 0.25;
      }
    }
  }
}

/** resizeGeneric_ with HResizeLinear / VResizeLinear on float32 over `region` of the output; see [Note: OpenCV resize arithmetic]. */
function interpolateLinear(source: ImageWindow, srcHeight: number, srcWidth: number, out: PlanarImage, region: Region, scaleX: number, scaleY: number): void {
  const { image } = source;
  const { width, height } = out;
  const f = Math.fround;

  // Per output column: its left source column (in the window) and weights; `copies` from the first column whose
  // source pair would leave the image on: a copy of the source pixel at xofs.
  const xofs = new Int32Array(width);
  const alpha0 = new Float32Array(width);
  const alpha1 = new Float32Array(width);
  let copies = width;
  for (let k = 0; k < width; k++) {
    const dx = region.left + k;
    let fx = f((dx + 0.5) * scaleX - 0.5);
    let sx = Math.floor(fx);
    fx = f(fx - sx);
    if (sx < 0) {
      fx = 0;
      sx = 0;
    }
    if (sx + 1 >= srcWidth) {
      copies = Math.min(copies, k);
      if (sx >= srcWidth - 1) {
        fx = 0;
        sx = srcWidth - 1;
      }
    }
    xofs[k] = sx - source.left;
    alpha0[k] = 1 - fx;
    alpha1[k] = fx;
  }

  const rows = [new Float32Array(width), new Float32Array(width)];
  const rowSource = [-1, -1];
  for (let c = 0; c < image.channels; c++) {
    const src = image.data.subarray(c * image.height * image.width, (c + 1) * image.height * image.width);
    const dst = out.data.subarray(c * height * width, (c + 1) * height * width);
    rowSource[0] = rowSource[1] = -1;
    for (let k = 0; k < height; k++) {
      const dy = region.top + k;
      let fy = f((dy + 0.5) * scaleY - 0.5);
      const sy = Math.floor(fy);
      fy = f(fy - sy);
      const beta0 = f(1 - fy);
      const sy0 = clampRow(sy, srcHeight) - source.top;
      const sy1 = clampRow(sy + 1, srcHeight) - source.top;
      // Keep the x-interpolated rows of the previous output row when they are still the ones needed.
      if (rowSource[0] !== sy0) {
        if (rowSource[1] === sy0) {
          [rows[0], rows[1]] = [rows[1]!, rows[0]!];
          rowSource[0] = sy0;
          rowSource[1] = -1;
        } else {
          interpolateRow(src, sy0 * image.width, rows[0]!, xofs, alpha0, alpha1, copies);
          rowSource[0] = sy0;
        }
      }
      if (rowSource[1] !== sy1) {
        interpolateRow(src, sy1 * image.width, rows[1]!, xofs, alpha0, alpha1, copies);
        rowSource[1] = sy1;
      }
      const r0 = rows[0]!;
      const r1 = rows[1]!;
      const target = k * width;
      for (let x = 0; x < width; x++) dst[target + x] = f(r0[x]! * beta0) + f(r1[x]! * fy);
    }
  }
}

function interpolateRow(
  src: Float32Array,
  rowStart: number,
  row: Float32Array,
  xofs: Int32Array,
  alpha0: Float32Array,
  alpha1: Float32Array,
  copies: number,
): void {
  const f = Math.fround;
  for (let dx = 0; dx < copies; dx++) {
    const sx = rowStart + xofs[dx]!;
    row[dx] = f(src[sx]! * alpha0[dx]!) + f(src[sx + 1]! * alpha1[dx]!);
  }
  for (let dx = copies; dx < row.length; dx++) row[dx] = src[rowStart + xofs[dx]!]!;
}

/** OpenCV's clip(y, 0, L): the row index kept inside the image. */
function clampRow(y: number, length: number): number {
  return y < 0 ? 0 : y < length ? y : length - 1;
}
