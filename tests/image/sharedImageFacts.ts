// Known facts of every image under ../shared/images and every official label TIFF under ../shared/reference: shape,
// sample type, page count, the sum of all samples and a few pixels as [channel, y, x, value]. Obtained outside
// CellDesk with numpy and zlib only (PNG: IDAT inflated and unfiltered by hand; TIFF: directories parsed and strips
// read, inflated where Deflate), so they check the decoders against an independent reading of each file. Pixels are
// (0, 0, 0), (last channel, h/2, w/3), (0, h-1, w-1), the first maximum, and a non-zero sample mid-way in the image.
// Multi-page files (and the official stitched masks) also give the axes the one image reader must describe, as
// ../shared/DATA-SOURCES.md and reference/README.md state them: the stacks are ImageJ hyperstacks of 3 slices; the
// official 3D masks were written by tifffile as one planar RGB page of shape (3, H, W), so they hold no axes of
// their own and read as one page of 3 samples (their planes).
import type { ImageDescription } from '../../src/shared/engineTypes';
import type { SampleType } from '../../src/engine/image/raster';

export interface SharedImageFacts {
  /** Relative to ../shared. */
  path: string;
  page?: number;
  format: 'tiff' | 'png';
  width: number;
  height: number;
  channels: number;
  sampleType: SampleType;
  pageCount: number;
  sum: number;
  pixels: [number, number, number, number][];
  /** What the reader describes (for multi-page files and the official 3D masks). */
  axes?: Pick<ImageDescription, 'planes' | 'frames' | 'channels' | 'axesFrom' | 'pixelSize'>;
}

export const SHARED_IMAGE_FACTS: SharedImageFacts[] = [
  {
    path: 'images/cellpose-bmz-wrapper/test_images.tif',
    format: 'tiff', width: 807, height: 565, channels: 1, sampleType: 'uint16', pageCount: 3,
    sum: 47325015,
    pixels: [[0, 0, 0, 87], [0, 282, 269, 145], [0, 564, 806, 95], [0, 351, 352, 221], [0, 282, 403, 92]],
    // ImageJ=1.54f images=3 slices=3 unit=\u00B5m; XResolution 8077194/1000000 pixels per µm.
    axes: { planes: 3, frames: 1, channels: 1, axesFrom: 'imagej', pixelSize: { x: 1000000 / 8077194, y: 1000000 / 8077194, z: null } },
  },
  {
    path: 'images/stacks/cell_00849_drift.tif',
    format: 'tiff', width: 512, height: 512, channels: 1, sampleType: 'uint8', pageCount: 3,
    sum: 3407218,
    pixels: [[0, 0, 0, 0], [0, 256, 170, 0], [0, 511, 511, 0], [0, 38, 357, 176], [0, 139, 145, 150]],
    // ImageJ=1.11a images=3 slices=3 hyperstack=true, uncalibrated.
    axes: { planes: 3, frames: 1, channels: 1, axesFrom: 'imagej', pixelSize: null },
  },
  {
    path: 'images/stacks/cell_00849_drift.tif', page: 1,
    format: 'tiff', width: 512, height: 512, channels: 1, sampleType: 'uint8', pageCount: 3,
    sum: 3203065,
    pixels: [[0, 0, 0, 0], [0, 256, 170, 0], [0, 511, 511, 0], [0, 40, 359, 167], [0, 141, 17, 4]],
  },
  {
    path: 'images/stacks/cell_00849_drift.tif', page: 2,
    format: 'tiff', width: 512, height: 512, channels: 1, sampleType: 'uint8', pageCount: 3,
    sum: 3050731,
    pixels: [[0, 0, 0, 0], [0, 256, 170, 0], [0, 511, 511, 0], [0, 42, 362, 158], [0, 142, 242, 81]],
  },
  {
    path: 'reference/bmz_test_images.stitch0.25.masks.tif',
    format: 'tiff', width: 807, height: 565, channels: 3, sampleType: 'uint16', pageCount: 1,
    sum: 45578,
    pixels: [[0, 0, 0, 0], [2, 282, 269, 0], [0, 564, 806, 0], [2, 219, 726, 7], [1, 145, 789, 5]],
    axes: { planes: 1, frames: 1, channels: 3, axesFrom: 'undeclared', pixelSize: null },
  },
  {
    path: 'reference/cell_00849_drift.stitch0.25.masks.tif',
    format: 'tiff', width: 512, height: 512, channels: 3, sampleType: 'uint16', pageCount: 1,
    sum: 3643784,
    pixels: [[0, 0, 0, 0], [2, 256, 170, 0], [0, 511, 511, 0], [2, 209, 264, 65], [1, 109, 116, 30]],
    axes: { planes: 1, frames: 1, channels: 3, axesFrom: 'undeclared', pixelSize: null },
  },
  {
    path: 'reference/seg/cell_00849.seg-source.masks.tif',
    format: 'tiff', width: 512, height: 512, channels: 1, sampleType: 'uint16', pageCount: 1,
    sum: 615334,
    pixels: [[0, 0, 0, 0], [0, 256, 170, 0], [0, 511, 511, 0], [0, 490, 143, 51], [0, 159, 96, 17]],
  },
  {
    path: 'reference/seg/omni_img02.seg-source.masks.tif',
    format: 'tiff', width: 467, height: 349, channels: 1, sampleType: 'uint16', pageCount: 1,
    sum: 1082855,
    pixels: [[0, 0, 0, 0], [0, 174, 155, 0], [0, 348, 466, 0], [0, 337, 432, 81], [0, 196, 151, 42]],
  },
  {
    path: 'images/mediar/img1.tiff',
    format: 'tiff', width: 640, height: 480, channels: 3, sampleType: 'uint8', pageCount: 1,
    sum: 125991777,
    pixels: [[0, 0, 0, 128], [2, 240, 213, 149], [0, 479, 639, 92], [1, 314, 241, 232], [1, 240, 0, 155]],
  },
  {
    path: 'images/neurips22-cellseg/cell_00028.png',
    format: 'png', width: 2040, height: 1536, channels: 3, sampleType: 'uint8', pageCount: 1,
    sum: 1642063814,
    pixels: [[0, 0, 0, 208], [2, 768, 680, 96], [0, 1535, 2039, 248], [0, 53, 770, 255], [1, 772, 1623, 221]],
  },
  {
    path: 'images/neurips22-cellseg/cell_00225.png',
    format: 'png', width: 1024, height: 1024, channels: 3, sampleType: 'uint8', pageCount: 1,
    sum: 570177355,
    pixels: [[0, 0, 0, 158], [2, 512, 341, 226], [0, 1023, 1023, 219], [0, 148, 113, 255], [1, 512, 0, 114]],
  },
  {
    path: 'images/neurips22-cellseg/cell_00225_label.tiff',
    format: 'tiff', width: 1024, height: 1024, channels: 1, sampleType: 'int16', pageCount: 1,
    sum: 20314,
    pixels: [[0, 0, 0, 0], [0, 512, 341, 0], [0, 1023, 1023, 0], [0, 942, 275, 6], [0, 683, 359, 4]],
  },
  {
    path: 'images/neurips22-cellseg/cell_00528.tif',
    format: 'tiff', width: 200, height: 200, channels: 1, sampleType: 'uint16', pageCount: 1,
    sum: 2168099964,
    pixels: [[0, 0, 0, 30920], [0, 100, 66, 52651], [0, 199, 199, 58653], [0, 0, 101, 65535], [0, 100, 0, 32549]],
  },
  {
    path: 'images/neurips22-cellseg/cell_00528_label.tiff',
    format: 'tiff', width: 200, height: 200, channels: 1, sampleType: 'int16', pageCount: 1,
    sum: 83886,
    pixels: [[0, 0, 0, 1], [0, 100, 66, 0], [0, 199, 199, 0], [0, 184, 22, 44], [0, 122, 79, 23]],
  },
  {
    path: 'images/neurips22-cellseg/cell_00849.png',
    format: 'png', width: 512, height: 512, channels: 3, sampleType: 'uint8', pageCount: 1,
    sum: 8927942,
    pixels: [[0, 0, 0, 0], [2, 256, 170, 0], [0, 511, 511, 0], [1, 0, 48, 255], [1, 297, 21, 102]],
  },
  {
    path: 'images/neurips22-cellseg/cell_00849_label.tiff',
    format: 'tiff', width: 512, height: 512, channels: 1, sampleType: 'int16', pageCount: 1,
    sum: 12453403,
    pixels: [[0, 0, 0, 0], [0, 256, 170, 143], [0, 511, 511, 0], [0, 488, 483, 187], [0, 144, 425, 96]],
  },
  {
    path: 'images/omnipose-docs/Sample000193.png',
    format: 'png', width: 564, height: 564, channels: 3, sampleType: 'uint8', pageCount: 1,
    sum: 74427564,
    pixels: [[0, 0, 0, 77], [2, 282, 188, 117], [0, 563, 563, 85], [0, 352, 286, 203], [1, 282, 0, 74]],
  },
  {
    path: 'images/omnipose-docs/Sample000193_cp_masks.tif',
    format: 'tiff', width: 564, height: 564, channels: 1, sampleType: 'uint8', pageCount: 1,
    sum: 9045548,
    pixels: [[0, 0, 0, 0], [0, 282, 188, 0], [0, 563, 563, 0], [0, 488, 308, 182], [0, 309, 386, 96]],
  },
  {
    path: 'images/omnipose-docs/Sample000252.png',
    format: 'png', width: 908, height: 783, channels: 1, sampleType: 'uint8', pageCount: 1,
    sum: 99192880,
    pixels: [[0, 0, 0, 138], [0, 391, 302, 165], [0, 782, 907, 139], [0, 80, 144, 255], [0, 391, 453, 100]],
  },
  {
    path: 'images/omnipose-docs/Sample000252_cp_masks.tif',
    format: 'tiff', width: 908, height: 783, channels: 1, sampleType: 'uint8', pageCount: 1,
    sum: 4122181,
    pixels: [[0, 0, 0, 0], [0, 391, 302, 0], [0, 782, 907, 0], [0, 664, 721, 77], [0, 361, 495, 35]],
  },
  {
    path: 'images/omnipose-docs/e1t1_crop.tif',
    format: 'tiff', width: 392, height: 384, channels: 1, sampleType: 'uint16', pageCount: 1,
    sum: 2900526192,
    pixels: [[0, 0, 0, 8085], [0, 192, 130, 8135], [0, 383, 391, 26607], [0, 76, 73, 65535], [0, 192, 0, 9321]],
  },
  {
    path: 'images/omnipose-docs/e1t1_crop_cp_masks.tif',
    format: 'tiff', width: 392, height: 384, channels: 1, sampleType: 'uint8', pageCount: 1,
    sum: 1682658,
    pixels: [[0, 0, 0, 1], [0, 192, 130, 32], [0, 383, 391, 0], [0, 380, 317, 63], [0, 163, 123, 32]],
  },
  {
    path: 'images/omnipose-docs/img02.png',
    format: 'png', width: 467, height: 349, channels: 3, sampleType: 'uint8', pageCount: 1,
    sum: 5894990,
    pixels: [[0, 0, 0, 0], [2, 174, 155, 6], [0, 348, 466, 0], [1, 124, 383, 250], [1, 348, 441, 41]],
  },
  {
    path: 'images/scellseg-contrast_data/Kc167/095_img.png',
    format: 'png', width: 400, height: 400, channels: 3, sampleType: 'uint16', pageCount: 1,
    sum: 1259271473,
    pixels: [[0, 0, 0, 2313], [2, 200, 133, 0], [0, 399, 399, 257], [0, 42, 7, 65535], [1, 44, 86, 771]],
  },
  {
    path: 'images/scellseg-contrast_data/Kc167/095_masks.png',
    format: 'png', width: 400, height: 400, channels: 1, sampleType: 'uint16', pageCount: 1,
    sum: 1137429,
    pixels: [[0, 0, 0, 48], [0, 200, 133, 0], [0, 399, 399, 0], [0, 148, 101, 58], [0, 238, 243, 21]],
  },
  {
    path: 'images/scellseg-contrast_data/Kc167/096_img.png',
    format: 'png', width: 400, height: 400, channels: 3, sampleType: 'uint16', pageCount: 1,
    sum: 2211713836,
    pixels: [[0, 0, 0, 0], [2, 200, 133, 0], [0, 399, 399, 0], [0, 146, 105, 65535], [1, 11, 28, 514]],
  },
  {
    path: 'images/scellseg-contrast_data/Kc167/096_masks.png',
    format: 'png', width: 400, height: 400, channels: 1, sampleType: 'uint16', pageCount: 1,
    sum: 3647499,
    pixels: [[0, 0, 0, 0], [0, 200, 133, 27], [0, 399, 399, 0], [0, 121, 64, 88], [0, 186, 360, 68]],
  },
  {
    path: 'images/scellseg-contrast_data/Kc167/097_img.png',
    format: 'png', width: 400, height: 400, channels: 3, sampleType: 'uint16', pageCount: 1,
    sum: 2151308685,
    pixels: [[0, 0, 0, 45746], [2, 200, 133, 0], [0, 399, 399, 771], [0, 321, 64, 65535], [0, 399, 397, 771]],
  },
  {
    path: 'images/scellseg-contrast_data/Kc167/097_masks.png',
    format: 'png', width: 400, height: 400, channels: 1, sampleType: 'uint16', pageCount: 1,
    sum: 2180276,
    pixels: [[0, 0, 0, 65], [0, 200, 133, 0], [0, 399, 399, 0], [0, 0, 243, 75], [0, 164, 113, 68]],
  },
  {
    path: 'images/scellseg-contrast_data/Kc167/102_img.png',
    format: 'png', width: 450, height: 450, channels: 3, sampleType: 'uint16', pageCount: 1,
    sum: 3328141830,
    pixels: [[0, 0, 0, 0], [2, 225, 150, 0], [0, 449, 449, 0], [0, 252, 215, 65535], [1, 67, 270, 1027]],
  },
  {
    path: 'images/scellseg-contrast_data/Kc167/102_masks.png',
    format: 'png', width: 450, height: 450, channels: 1, sampleType: 'uint16', pageCount: 1,
    sum: 9299051,
    pixels: [[0, 0, 0, 0], [0, 225, 150, 117], [0, 449, 449, 0], [0, 171, 230, 154], [0, 242, 68, 20]],
  },
  {
    path: 'images/scellseg-contrast_data/cytomembrane/290_img.png',
    format: 'png', width: 512, height: 512, channels: 3, sampleType: 'uint16', pageCount: 1,
    sum: 1832188210,
    pixels: [[0, 0, 0, 0], [2, 256, 170, 0], [0, 511, 511, 0], [1, 229, 299, 65535], [1, 256, 71, 8994]],
  },
  {
    path: 'images/scellseg-contrast_data/cytomembrane/290_masks.png',
    format: 'png', width: 512, height: 512, channels: 1, sampleType: 'uint16', pageCount: 1,
    sum: 28482046,
    pixels: [[0, 0, 0, 0], [0, 256, 170, 60], [0, 511, 511, 0], [0, 57, 317, 301], [0, 282, 334, 146]],
  },
  {
    path: 'images/scellseg-contrast_data/cytomembrane/306_img.png',
    format: 'png', width: 512, height: 512, channels: 3, sampleType: 'uint16', pageCount: 1,
    sum: 1046458618,
    pixels: [[0, 0, 0, 0], [2, 256, 170, 0], [0, 511, 511, 0], [1, 163, 306, 65535], [1, 256, 357, 4111]],
  },
  {
    path: 'images/scellseg-contrast_data/cytomembrane/306_masks.png',
    format: 'png', width: 512, height: 512, channels: 1, sampleType: 'uint16', pageCount: 1,
    sum: 22283172,
    pixels: [[0, 0, 0, 1], [0, 256, 170, 52], [0, 511, 511, 0], [0, 0, 345, 232], [0, 246, 116, 24]],
  },
  {
    path: 'images/scellseg-contrast_data/cytomembrane/309_img.png',
    format: 'png', width: 512, height: 512, channels: 3, sampleType: 'uint16', pageCount: 1,
    sum: 418576361,
    pixels: [[0, 0, 0, 0], [2, 256, 170, 0], [0, 511, 511, 0], [1, 197, 410, 65535], [1, 244, 115, 514]],
  },
  {
    path: 'images/scellseg-contrast_data/cytomembrane/309_masks.png',
    format: 'png', width: 512, height: 512, channels: 1, sampleType: 'uint16', pageCount: 1,
    sum: 4452376,
    pixels: [[0, 0, 0, 0], [0, 256, 170, 0], [0, 511, 511, 0], [0, 49, 399, 91], [0, 124, 171, 5]],
  },
  {
    path: 'images/scellseg-contrast_data/cytomembrane/311_img.png',
    format: 'png', width: 512, height: 512, channels: 3, sampleType: 'uint16', pageCount: 1,
    sum: 484210872,
    pixels: [[0, 0, 0, 0], [2, 256, 170, 0], [0, 511, 511, 0], [1, 136, 377, 65535], [1, 184, 75, 771]],
  },
  {
    path: 'images/scellseg-contrast_data/cytomembrane/311_masks.png',
    format: 'png', width: 512, height: 512, channels: 1, sampleType: 'uint16', pageCount: 1,
    sum: 12706270,
    pixels: [[0, 0, 0, 0], [0, 256, 170, 31], [0, 511, 511, 137], [0, 0, 45, 183], [0, 192, 80, 19]],
  },
  {
    path: 'images/scellseg-contrast_data/macrophagocyte/104_img.png',
    format: 'png', width: 512, height: 384, channels: 3, sampleType: 'uint16', pageCount: 1,
    sum: 2750261803,
    pixels: [[0, 0, 0, 0], [2, 192, 170, 0], [0, 383, 511, 6681], [0, 59, 10, 65535], [1, 99, 342, 513]],
  },
  {
    path: 'images/scellseg-contrast_data/macrophagocyte/104_masks.png',
    format: 'png', width: 512, height: 384, channels: 1, sampleType: 'uint16', pageCount: 1,
    sum: 2226644,
    pixels: [[0, 0, 0, 45], [0, 192, 170, 0], [0, 383, 511, 0], [0, 202, 497, 42]],
  },
  {
    path: 'images/scellseg-contrast_data/macrophagocyte/106_img.png',
    format: 'png', width: 512, height: 384, channels: 3, sampleType: 'uint16', pageCount: 1,
    sum: 2135198509,
    pixels: [[0, 0, 0, 22616], [2, 192, 170, 0], [0, 383, 511, 0], [0, 278, 150, 65535], [1, 97, 295, 5911]],
  },
  {
    path: 'images/scellseg-contrast_data/macrophagocyte/106_masks.png',
    format: 'png', width: 512, height: 384, channels: 1, sampleType: 'uint16', pageCount: 1,
    sum: 1009651,
    pixels: [[0, 0, 0, 0], [0, 192, 170, 0], [0, 383, 511, 0], [0, 221, 0, 34], [0, 199, 351, 12]],
  },
  {
    path: 'images/scellseg-contrast_data/macrophagocyte/107_img.png',
    format: 'png', width: 512, height: 384, channels: 3, sampleType: 'uint16', pageCount: 1,
    sum: 3517512767,
    pixels: [[0, 0, 0, 513], [2, 192, 170, 0], [0, 383, 511, 0], [0, 117, 91, 65535], [1, 69, 0, 16705]],
  },
  {
    path: 'images/scellseg-contrast_data/macrophagocyte/107_masks.png',
    format: 'png', width: 512, height: 384, channels: 1, sampleType: 'uint16', pageCount: 1,
    sum: 4346415,
    pixels: [[0, 0, 0, 0], [0, 192, 170, 6], [0, 383, 511, 0], [0, 232, 124, 64], [0, 197, 168, 6]],
  },
  {
    path: 'images/scellseg-contrast_data/macrophagocyte/110_img.png',
    format: 'png', width: 512, height: 384, channels: 3, sampleType: 'uint16', pageCount: 1,
    sum: 3370262100,
    pixels: [[0, 0, 0, 0], [2, 192, 170, 0], [0, 383, 511, 513], [0, 66, 434, 65535], [1, 90, 308, 26728]],
  },
  {
    path: 'images/scellseg-contrast_data/macrophagocyte/110_masks.png',
    format: 'png', width: 512, height: 384, channels: 1, sampleType: 'uint16', pageCount: 1,
    sum: 2735508,
    pixels: [[0, 0, 0, 0], [0, 192, 170, 8], [0, 383, 511, 0], [0, 55, 226, 50], [0, 215, 385, 5]],
  },
  {
    path: 'images/scellseg-contrast_data/neurocyte/010_img.png',
    format: 'png', width: 512, height: 383, channels: 3, sampleType: 'uint16', pageCount: 1,
    sum: 1128623283,
    pixels: [[0, 0, 0, 256], [2, 191, 170, 0], [0, 382, 511, 2056], [0, 192, 39, 65535], [0, 382, 423, 3598]],
  },
  {
    path: 'images/scellseg-contrast_data/neurocyte/010_masks.png',
    format: 'png', width: 512, height: 383, channels: 1, sampleType: 'uint16', pageCount: 1,
    sum: 2583917,
    pixels: [[0, 0, 0, 0], [0, 191, 170, 22], [0, 382, 511, 54], [0, 283, 271, 68], [0, 201, 502, 58]],
  },
  {
    path: 'images/scellseg-contrast_data/neurocyte/044_img.png',
    format: 'png', width: 512, height: 383, channels: 3, sampleType: 'uint16', pageCount: 1,
    sum: 1517651911,
    pixels: [[0, 0, 0, 0], [2, 191, 170, 0], [0, 382, 511, 1799], [0, 124, 486, 65535], [0, 382, 503, 1799]],
  },
  {
    path: 'images/scellseg-contrast_data/neurocyte/044_masks.png',
    format: 'png', width: 512, height: 383, channels: 1, sampleType: 'uint16', pageCount: 1,
    sum: 2143825,
    pixels: [[0, 0, 0, 0], [0, 191, 170, 0], [0, 382, 511, 0], [0, 153, 437, 72], [0, 214, 304, 40]],
  },
  {
    path: 'images/scellseg-contrast_data/neurocyte/069_img.png',
    format: 'png', width: 512, height: 383, channels: 3, sampleType: 'uint16', pageCount: 1,
    sum: 940043891,
    pixels: [[0, 0, 0, 257], [2, 191, 170, 0], [0, 382, 511, 22102], [0, 327, 365, 65535], [0, 382, 316, 3341]],
  },
  {
    path: 'images/scellseg-contrast_data/neurocyte/069_masks.png',
    format: 'png', width: 512, height: 383, channels: 1, sampleType: 'uint16', pageCount: 1,
    sum: 107241,
    pixels: [[0, 0, 0, 0], [0, 191, 170, 0], [0, 382, 511, 16], [0, 365, 505, 16], [0, 270, 418, 11]],
  },
  {
    path: 'images/scellseg-contrast_data/neurocyte/079_img.png',
    format: 'png', width: 512, height: 383, channels: 3, sampleType: 'uint16', pageCount: 1,
    sum: 1104697213,
    pixels: [[0, 0, 0, 513], [2, 191, 170, 0], [0, 382, 511, 7453], [0, 128, 195, 65535], [0, 382, 338, 2570]],
  },
  {
    path: 'images/scellseg-contrast_data/neurocyte/079_masks.png',
    format: 'png', width: 512, height: 383, channels: 1, sampleType: 'uint16', pageCount: 1,
    sum: 1076473,
    pixels: [[0, 0, 0, 0], [0, 191, 170, 13], [0, 382, 511, 43], [0, 71, 176, 49], [0, 250, 464, 41]],
  },
  {
    path: 'images/scellseg-contrast_data/style1/126_img.png',
    format: 'png', width: 512, height: 512, channels: 3, sampleType: 'uint16', pageCount: 1,
    sum: 4026733834,
    pixels: [[0, 0, 0, 0], [2, 256, 170, 0], [0, 511, 511, 0], [1, 446, 441, 65535], [1, 255, 444, 19017]],
  },
  {
    path: 'images/scellseg-contrast_data/style1/126_masks.png',
    format: 'png', width: 512, height: 512, channels: 1, sampleType: 'uint16', pageCount: 1,
    sum: 1977903,
    pixels: [[0, 0, 0, 0], [0, 256, 170, 0], [0, 511, 511, 0], [0, 415, 368, 98], [0, 253, 293, 42]],
  },
  {
    path: 'images/scellseg-contrast_data/style1/127_img.png',
    format: 'png', width: 512, height: 512, channels: 3, sampleType: 'uint16', pageCount: 1,
    sum: 1183561958,
    pixels: [[0, 0, 0, 0], [2, 256, 170, 0], [0, 511, 511, 0], [1, 273, 455, 65535], [1, 256, 56, 7453]],
  },
  {
    path: 'images/scellseg-contrast_data/style1/127_masks.png',
    format: 'png', width: 512, height: 512, channels: 1, sampleType: 'uint16', pageCount: 1,
    sum: 1872816,
    pixels: [[0, 0, 0, 0], [0, 256, 170, 94], [0, 511, 511, 0], [0, 414, 8, 95], [0, 283, 112, 13]],
  },
  {
    path: 'images/scellseg-contrast_data/style1/128_img.png',
    format: 'png', width: 512, height: 512, channels: 3, sampleType: 'uint16', pageCount: 1,
    sum: 2386010402,
    pixels: [[0, 0, 0, 0], [2, 256, 170, 0], [0, 511, 511, 0], [1, 277, 474, 65535], [1, 256, 238, 14392]],
  },
  {
    path: 'images/scellseg-contrast_data/style1/128_masks.png',
    format: 'png', width: 512, height: 512, channels: 1, sampleType: 'uint16', pageCount: 1,
    sum: 1339460,
    pixels: [[0, 0, 0, 0], [0, 256, 170, 0], [0, 511, 511, 0], [0, 458, 234, 75], [0, 195, 404, 23]],
  },
  {
    path: 'images/scellseg-contrast_data/style1/134_img.png',
    format: 'png', width: 512, height: 512, channels: 3, sampleType: 'uint16', pageCount: 1,
    sum: 1316135383,
    pixels: [[0, 0, 0, 0], [2, 256, 170, 0], [0, 511, 511, 0], [1, 412, 79, 65535], [1, 255, 396, 4368]],
  },
  {
    path: 'images/scellseg-contrast_data/style1/134_masks.png',
    format: 'png', width: 512, height: 512, channels: 1, sampleType: 'uint16', pageCount: 1,
    sum: 1664124,
    pixels: [[0, 0, 0, 0], [0, 256, 170, 0], [0, 511, 511, 0], [0, 76, 476, 89], [0, 271, 54, 29]],
  },
  {
    path: 'images/scellseg-contrast_data/style2/144_img.png',
    format: 'png', width: 512, height: 512, channels: 3, sampleType: 'uint16', pageCount: 1,
    sum: 1420216204,
    pixels: [[0, 0, 0, 0], [2, 256, 170, 0], [0, 511, 511, 0], [0, 406, 34, 65535], [1, 0, 303, 514]],
  },
  {
    path: 'images/scellseg-contrast_data/style2/144_masks.png',
    format: 'png', width: 512, height: 512, channels: 1, sampleType: 'uint16', pageCount: 1,
    sum: 5122659,
    pixels: [[0, 0, 0, 0], [0, 256, 170, 0], [0, 511, 511, 0], [0, 441, 159, 245], [0, 255, 153, 150]],
  },
  {
    path: 'images/scellseg-contrast_data/style2/149_img.png',
    format: 'png', width: 512, height: 357, channels: 3, sampleType: 'uint16', pageCount: 1,
    sum: 1283792621,
    pixels: [[0, 0, 0, 2056], [2, 178, 170, 0], [0, 356, 511, 0], [0, 228, 401, 65535], [1, 0, 0, 2056]],
  },
  {
    path: 'images/scellseg-contrast_data/style2/149_masks.png',
    format: 'png', width: 512, height: 357, channels: 1, sampleType: 'uint16', pageCount: 1,
    sum: 1545968,
    pixels: [[0, 0, 0, 0], [0, 178, 170, 0], [0, 356, 511, 0], [0, 0, 472, 120], [0, 142, 322, 51]],
  },
  {
    path: 'images/scellseg-contrast_data/style2/150_img.png',
    format: 'png', width: 512, height: 357, channels: 3, sampleType: 'uint16', pageCount: 1,
    sum: 1029940375,
    pixels: [[0, 0, 0, 0], [2, 178, 170, 0], [0, 356, 511, 2055], [0, 105, 293, 65535], [1, 0, 4, 771]],
  },
  {
    path: 'images/scellseg-contrast_data/style2/150_masks.png',
    format: 'png', width: 512, height: 357, channels: 1, sampleType: 'uint16', pageCount: 1,
    sum: 999623,
    pixels: [[0, 0, 0, 0], [0, 178, 170, 0], [0, 356, 511, 0], [0, 20, 346, 107], [0, 157, 105, 22]],
  },
  {
    path: 'images/scellseg-contrast_data/style2/151_img.png',
    format: 'png', width: 512, height: 357, channels: 3, sampleType: 'uint16', pageCount: 1,
    sum: 1370992540,
    pixels: [[0, 0, 0, 0], [2, 178, 170, 0], [0, 356, 511, 2827], [0, 159, 96, 65535], [1, 0, 4, 771]],
  },
  {
    path: 'images/scellseg-contrast_data/style2/151_masks.png',
    format: 'png', width: 512, height: 357, channels: 1, sampleType: 'uint16', pageCount: 1,
    sum: 1204855,
    pixels: [[0, 0, 0, 0], [0, 178, 170, 0], [0, 356, 511, 0], [0, 302, 171, 121], [0, 169, 441, 87]],
  },
  {
    path: 'images/scellseg-contrast_data/style3/494_img.png',
    format: 'png', width: 350, height: 350, channels: 3, sampleType: 'uint16', pageCount: 1,
    sum: 3218545397,
    pixels: [[0, 0, 0, 0], [2, 175, 116, 0], [0, 349, 349, 0], [1, 289, 20, 65535], [1, 175, 0, 38806]],
  },
  {
    path: 'images/scellseg-contrast_data/style3/494_masks.png',
    format: 'png', width: 350, height: 350, channels: 1, sampleType: 'uint16', pageCount: 1,
    sum: 5244803,
    pixels: [[0, 0, 0, 0], [0, 175, 116, 38], [0, 349, 349, 0], [0, 173, 132, 122], [0, 173, 250, 5]],
  },
  {
    path: 'images/scellseg-contrast_data/style3/495_img.png',
    format: 'png', width: 512, height: 512, channels: 3, sampleType: 'uint16', pageCount: 1,
    sum: 9063889746,
    pixels: [[0, 0, 0, 0], [2, 256, 170, 0], [0, 511, 511, 0], [1, 478, 168, 65535], [1, 255, 510, 48573]],
  },
  {
    path: 'images/scellseg-contrast_data/style3/495_masks.png',
    format: 'png', width: 512, height: 512, channels: 1, sampleType: 'uint16', pageCount: 1,
    sum: 12882442,
    pixels: [[0, 0, 0, 0], [0, 256, 170, 68], [0, 511, 511, 0], [0, 275, 398, 105], [0, 264, 152, 68]],
  },
  {
    path: 'images/scellseg-contrast_data/style3/500_img.png',
    format: 'png', width: 225, height: 225, channels: 3, sampleType: 'uint16', pageCount: 1,
    sum: 2162515449,
    pixels: [[0, 0, 0, 0], [2, 112, 75, 0], [0, 224, 224, 0], [1, 7, 122, 65535], [1, 112, 92, 61937]],
  },
  {
    path: 'images/scellseg-contrast_data/style3/500_masks.png',
    format: 'png', width: 225, height: 225, channels: 1, sampleType: 'uint16', pageCount: 1,
    sum: 1598883,
    pixels: [[0, 0, 0, 0], [0, 112, 75, 0], [0, 224, 224, 0], [0, 6, 112, 88], [0, 110, 214, 14]],
  },
  {
    path: 'images/scellseg-contrast_data/style3/503_img.png',
    format: 'png', width: 512, height: 512, channels: 3, sampleType: 'uint16', pageCount: 1,
    sum: 6150491069,
    pixels: [[0, 0, 0, 0], [2, 256, 170, 0], [0, 511, 511, 0], [1, 0, 508, 65535], [1, 255, 510, 60395]],
  },
  {
    path: 'images/scellseg-contrast_data/style3/503_masks.png',
    format: 'png', width: 512, height: 512, channels: 1, sampleType: 'uint16', pageCount: 1,
    sum: 16460477,
    pixels: [[0, 0, 0, 2], [0, 256, 170, 71], [0, 511, 511, 0], [0, 0, 427, 139], [0, 250, 164, 71]],
  },
  {
    path: 'images/stardist-dsb2018-tests/img2d.tif',
    format: 'tiff', width: 256, height: 256, channels: 1, sampleType: 'uint8', pageCount: 1,
    sum: 1384075,
    pixels: [[0, 0, 0, 106], [0, 128, 85, 13], [0, 255, 255, 14], [0, 72, 250, 255], [0, 128, 0, 14]],
  },
  {
    path: 'images/stardist-dsb2018-tests/mask2d.tif',
    format: 'tiff', width: 256, height: 256, channels: 1, sampleType: 'uint16', pageCount: 1,
    sum: 139522,
    pixels: [[0, 0, 0, 25], [0, 128, 85, 0], [0, 255, 255, 0], [0, 90, 224, 65], [0, 111, 136, 38]],
  },
  {
    path: 'images/stardist-dsb2018/img2d.tif',
    format: 'tiff', width: 512, height: 512, channels: 1, sampleType: 'uint16', pageCount: 1,
    sum: 8331268,
    pixels: [[0, 0, 0, 14], [0, 256, 170, 17], [0, 511, 511, 37], [0, 459, 53, 235], [0, 256, 8, 16]],
  },
  {
    path: 'images/stardist-dsb2018/mask2d.tif',
    format: 'tiff', width: 512, height: 512, channels: 1, sampleType: 'uint16', pageCount: 1,
    sum: 4978481,
    pixels: [[0, 0, 0, 0], [0, 256, 170, 0], [0, 511, 511, 0], [0, 475, 246, 183], [0, 277, 5, 131]],
  },
  {
    path: 'images/webgpu-cellseg/Composite.tif',
    format: 'tiff', width: 1280, height: 960, channels: 3, sampleType: 'uint8', pageCount: 1,
    sum: 99800244,
    pixels: [[0, 0, 0, 0], [2, 480, 426, 11], [0, 959, 1279, 0], [1, 0, 736, 254], [2, 0, 0, 15]],
  },
  {
    path: 'images/webgpu-cellseg/cellpose_image_020.png',
    format: 'png', width: 881, height: 1001, channels: 3, sampleType: 'uint8', pageCount: 1,
    sum: 411028347,
    pixels: [[0, 0, 0, 149], [2, 500, 293, 220], [0, 1000, 880, 158], [0, 79, 452, 254], [1, 500, 198, 169]],
  },
  {
    path: 'images/webgpu-cellseg/cellpose_img_003.png',
    format: 'png', width: 731, height: 684, channels: 3, sampleType: 'uint8', pageCount: 1,
    sum: 48284781,
    pixels: [[0, 0, 0, 11], [2, 342, 243, 25], [0, 683, 730, 15], [0, 58, 358, 254], [1, 342, 74, 15]],
  },
  {
    path: 'images/webgpu-cellseg/cellpose_img_075.png',
    format: 'png', width: 240, height: 300, channels: 3, sampleType: 'uint8', pageCount: 1,
    sum: 22559552,
    pixels: [[0, 0, 0, 0], [2, 150, 80, 89], [0, 299, 239, 0], [1, 0, 216, 254], [1, 299, 229, 165]],
  },
  {
    path: 'reference/cp_075.auto.masks.tif',
    format: 'tiff', width: 240, height: 300, channels: 1, sampleType: 'uint32', pageCount: 1,
    sum: 92539,
    pixels: [[0, 0, 0, 0], [0, 150, 80, 0], [0, 299, 239, 15], [0, 278, 89, 16], [0, 206, 71, 8]],
  },
  {
    path: 'reference/cp_075.d30.masks.tif',
    format: 'tiff', width: 240, height: 300, channels: 1, sampleType: 'uint32', pageCount: 1,
    sum: 427693,
    pixels: [[0, 0, 0, 1], [0, 150, 80, 0], [0, 299, 239, 34], [0, 279, 41, 38], [0, 212, 19, 21]],
  },
  {
    path: 'reference/dsb_512.auto.masks.tif',
    format: 'tiff', width: 512, height: 512, channels: 1, sampleType: 'uint32', pageCount: 1,
    sum: 2857394,
    pixels: [[0, 0, 0, 0], [0, 256, 170, 0], [0, 511, 511, 0], [0, 486, 63, 99], [0, 263, 205, 52]],
  },
  {
    path: 'reference/dsb_512.d30.masks.tif',
    format: 'tiff', width: 512, height: 512, channels: 1, sampleType: 'uint32', pageCount: 1,
    sum: 2500784,
    pixels: [[0, 0, 0, 0], [0, 256, 170, 0], [0, 511, 511, 0], [0, 485, 275, 90], [0, 261, 250, 46]],
  },
  {
    path: 'reference/mediar_img1.auto.masks.tif',
    format: 'tiff', width: 640, height: 480, channels: 1, sampleType: 'uint32', pageCount: 1,
    sum: 158287,
    pixels: [[0, 0, 0, 0], [0, 240, 213, 9], [0, 479, 639, 0], [0, 438, 3, 14], [0, 167, 424, 7]],
  },
  {
    path: 'reference/mediar_img1.d30.masks.tif',
    format: 'tiff', width: 640, height: 480, channels: 1, sampleType: 'uint32', pageCount: 1,
    sum: 13618,
    pixels: [[0, 0, 0, 0], [0, 240, 213, 0], [0, 479, 639, 0], [0, 318, 100, 6], [0, 124, 328, 3]],
  },
  {
    path: 'reference/np_00028.auto.masks.tif',
    format: 'tiff', width: 2040, height: 1536, channels: 1, sampleType: 'uint32', pageCount: 1,
    sum: 12967,
    pixels: [[0, 0, 0, 0], [0, 768, 680, 0], [0, 1535, 2039, 0], [0, 1219, 1906, 7], [0, 815, 640, 4]],
  },
  {
    path: 'reference/np_00028.d30.masks.tif',
    format: 'tiff', width: 2040, height: 1536, channels: 1, sampleType: 'uint32', pageCount: 1,
    sum: 34142,
    pixels: [[0, 0, 0, 0], [0, 768, 680, 0], [0, 1535, 2039, 0], [0, 1499, 2005, 8], [0, 1223, 1263, 5]],
  },
  {
    path: 'reference/np_00528.auto.masks.tif',
    format: 'tiff', width: 200, height: 200, channels: 1, sampleType: 'uint32', pageCount: 1,
    sum: 128626,
    pixels: [[0, 0, 0, 0], [0, 100, 66, 1], [0, 199, 199, 7], [0, 134, 190, 7], [0, 98, 74, 1]],
  },
  {
    path: 'reference/np_00528.d30.masks.tif',
    format: 'tiff', width: 200, height: 200, channels: 1, sampleType: 'uint32', pageCount: 1,
    sum: 102698,
    pixels: [[0, 0, 0, 0], [0, 100, 66, 0], [0, 199, 199, 9], [0, 169, 1, 13], [0, 92, 187, 6]],
  },
  {
    path: 'reference/np_00849.auto.masks.tif',
    format: 'tiff', width: 512, height: 512, channels: 1, sampleType: 'uint32', pageCount: 1,
    sum: 1532924,
    pixels: [[0, 0, 0, 0], [0, 256, 170, 0], [0, 511, 511, 0], [0, 490, 142, 81], [0, 134, 239, 32]],
  },
  {
    path: 'reference/np_00849.d30.masks.tif',
    format: 'tiff', width: 512, height: 512, channels: 1, sampleType: 'uint32', pageCount: 1,
    sum: 615334,
    pixels: [[0, 0, 0, 0], [0, 256, 170, 0], [0, 511, 511, 0], [0, 490, 143, 51], [0, 159, 96, 17]],
  },
  {
    path: 'reference/omni_img02.auto.masks.tif',
    format: 'tiff', width: 467, height: 349, channels: 1, sampleType: 'uint32', pageCount: 1,
    sum: 3307758,
    pixels: [[0, 0, 0, 0], [0, 174, 155, 0], [0, 348, 466, 0], [0, 341, 386, 103], [0, 177, 393, 49]],
  },
  {
    path: 'reference/omni_img02.d30.masks.tif',
    format: 'tiff', width: 467, height: 349, channels: 1, sampleType: 'uint32', pageCount: 1,
    sum: 3386861,
    pixels: [[0, 0, 0, 0], [0, 174, 155, 0], [0, 348, 466, 0], [0, 341, 386, 103], [0, 177, 276, 52]],
  },
  {
    path: 'reference/sc_cytomembrane_290.auto.masks.tif',
    format: 'tiff', width: 512, height: 512, channels: 1, sampleType: 'uint32', pageCount: 1,
    sum: 10856455,
    pixels: [[0, 0, 0, 0], [0, 256, 170, 0], [0, 511, 511, 126], [0, 491, 466, 134], [0, 273, 58, 75]],
  },
  {
    path: 'reference/sc_cytomembrane_290.d30.masks.tif',
    format: 'tiff', width: 512, height: 512, channels: 1, sampleType: 'uint32', pageCount: 1,
    sum: 13785750,
    pixels: [[0, 0, 0, 0], [0, 256, 170, 81], [0, 511, 511, 0], [0, 491, 466, 166], [0, 281, 49, 89]],
  },
  {
    path: 'reference/sc_kc167_095.auto.masks.tif',
    format: 'tiff', width: 400, height: 400, channels: 1, sampleType: 'uint32', pageCount: 1,
    sum: 1228303,
    pixels: [[0, 0, 0, 1], [0, 200, 133, 0], [0, 399, 399, 0], [0, 365, 266, 50], [0, 238, 242, 29]],
  },
  {
    path: 'reference/sc_kc167_095.d30.masks.tif',
    format: 'tiff', width: 400, height: 400, channels: 1, sampleType: 'uint32', pageCount: 1,
    sum: 1295049,
    pixels: [[0, 0, 0, 1], [0, 200, 133, 0], [0, 399, 399, 0], [0, 364, 264, 52], [0, 243, 249, 29]],
  },
  {
    path: 'reference/sc_neurocyte_010.auto.masks.tif',
    format: 'tiff', width: 512, height: 383, channels: 1, sampleType: 'uint32', pageCount: 1,
    sum: 1807285,
    pixels: [[0, 0, 0, 0], [0, 191, 170, 29], [0, 382, 511, 66], [0, 371, 510, 66], [0, 195, 501, 30]],
  },
  {
    path: 'reference/sc_neurocyte_010.d30.masks.tif',
    format: 'tiff', width: 512, height: 383, channels: 1, sampleType: 'uint32', pageCount: 1,
    sum: 1926845,
    pixels: [[0, 0, 0, 0], [0, 191, 170, 32], [0, 382, 511, 69], [0, 371, 510, 69], [0, 196, 41, 34]],
  },
  {
    path: 'reference/sc_style3_494.auto.masks.tif',
    format: 'tiff', width: 350, height: 350, channels: 1, sampleType: 'uint32', pageCount: 1,
    sum: 4562276,
    pixels: [[0, 0, 0, 1], [0, 175, 116, 48], [0, 349, 349, 0], [0, 326, 290, 80], [0, 176, 106, 48]],
  },
  {
    path: 'reference/sc_style3_494.d30.masks.tif',
    format: 'tiff', width: 350, height: 350, channels: 1, sampleType: 'uint32', pageCount: 1,
    sum: 5311944,
    pixels: [[0, 0, 0, 1], [0, 175, 116, 54], [0, 349, 349, 92], [0, 330, 117, 95], [0, 174, 148, 52]],
  },
  {
    path: 'reference/seg/cell_00849.seg-source.masks.tif',
    format: 'tiff', width: 512, height: 512, channels: 1, sampleType: 'uint16', pageCount: 1,
    sum: 615334,
    pixels: [[0, 0, 0, 0], [0, 256, 170, 0], [0, 511, 511, 0], [0, 490, 143, 51], [0, 256, 229, 29]],
  },
  {
    path: 'reference/seg/omni_img02.seg-source.masks.tif',
    format: 'tiff', width: 467, height: 349, channels: 1, sampleType: 'uint16', pageCount: 1,
    sum: 1082855,
    pixels: [[0, 0, 0, 0], [0, 174, 155, 0], [0, 348, 466, 0], [0, 337, 432, 81], [0, 174, 260, 36]],
  },
  {
    path: 'images/cellpose-bmz-wrapper/test_images.tif', page: 1,
    format: 'tiff', width: 807, height: 565, channels: 1, sampleType: 'uint16', pageCount: 3,
    sum: 47821974,
    pixels: [[0, 0, 0, 95], [0, 282, 269, 126], [0, 564, 806, 91], [0, 458, 233, 219], [0, 282, 403, 91]],
  },
  {
    path: 'images/cellpose-bmz-wrapper/test_images.tif', page: 2,
    format: 'tiff', width: 807, height: 565, channels: 1, sampleType: 'uint16', pageCount: 3,
    sum: 46492818,
    pixels: [[0, 0, 0, 97], [0, 282, 269, 120], [0, 564, 806, 93], [0, 273, 161, 208], [0, 282, 403, 92]],
  },
];
