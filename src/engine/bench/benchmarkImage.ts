// The image a benchmark crops: a file, or by default the synthetic 2560 x 2160 cell image (the same on every
// computer, so runs compare). Node side (CLI, benchmark worker).
import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import type { ChannelChoice } from '../core/channels';
import { readImagePlane } from '../io/imageFiles';
import { sha256OfFile } from '../models/fileStamp';
import type { BenchmarkImage } from './runBenchmark';
import { SYNTHETIC_CHANNELS, SYNTHETIC_IMAGE_NAME, syntheticCellImage } from './syntheticImage';

/** The file at `path`, or the synthetic image when there is none. */
export async function loadBenchmarkImage(path: string | undefined): Promise<BenchmarkImage> {
  if (path === undefined) {
    const { image } = syntheticCellImage();
    const sha256 = createHash('sha256').update(new Uint8Array(image.data.buffer, image.data.byteOffset, image.data.byteLength)).digest('hex');
    return { name: SYNTHETIC_IMAGE_NAME, sha256, image };
  }
  // A stack is benchmarked on the plane it opens on, as the app shows it.
  const { image } = await readImagePlane(path);
  return { name: basename(path), sha256: await sha256OfFile(path), image };
}

/** The channels to segment when none are given: the synthetic image's own, else grayscale. */
export function defaultBenchmarkChannels(path: string | undefined): ChannelChoice {
  return path === undefined ? SYNTHETIC_CHANNELS : [0, 0];
}
