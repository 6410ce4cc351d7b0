// One network pass over a whole image (core.run_net): resize for the diameter, pad, tile, batched inference,
// stitch. The only pipeline step that talks to an inference session; the stages it chains are pure.
import type { NetworkSession } from '../backend/types';
import type { PlanarImage } from '../core/image';
import { rescaledSize, resizeBilinear } from '../core/resize';
import { combineTileStyles, stitchTiles } from '../core/stitch';
import { makeTiles, padForNetwork, type Tiles } from '../core/tile';
import type { RunHooks, SegmentStage } from './progress';

export interface NetworkPassOptions {
  /** diam_mean / diameter; 1 leaves the image as it is. */
  rescale: number;
  batchSize: number;
  augment: boolean;
  stage: SegmentStage;
}

export interface NetworkPass {
  /** dY, dX, cell probability logit at the rescaled size. */
  maps: PlanarImage;
  style: Float32Array;
}

function prepareTiles(image: PlanarImage, options: NetworkPassOptions) {
  const resized =
    options.rescale === 1
      ? image
      : resizeBilinear(image, rescaledSize(image.height, options.rescale), rescaledSize(image.width, options.rescale));
  const { image: padded, crop } = padForNetwork(resized);
  return { tiles: makeTiles(padded, { augment: options.augment }), crop };
}

/** Feeds tiles to `run` in batches, reporting progress and honouring cancellation between batches. */
async function forEachBatch(
  tiles: Tiles,
  batchSize: number,
  stage: SegmentStage,
  hooks: RunHooks,
  run: (batch: Float32Array, first: number, n: number) => Promise<void>,
): Promise<void> {
  const tileSize = tiles.channels * tiles.grid.tileHeight * tiles.grid.tileWidth;
  await hooks.onProgress?.({ stage, done: 0, total: tiles.count });
  for (let first = 0; first < tiles.count; first += batchSize) {
    hooks.signal?.throwIfAborted();
    const n = Math.min(batchSize, tiles.count - first);
    await run(tiles.data.subarray(first * tileSize, (first + n) * tileSize), first, n);
    await hooks.onProgress?.({ stage, done: first + n, total: tiles.count });
  }
}

export async function runNetworkPass(session: NetworkSession, image: PlanarImage, options: NetworkPassOptions, hooks: RunHooks): Promise<NetworkPass> {
  const { tiles, crop } = prepareTiles(image, options);
  const { tileHeight, tileWidth } = tiles.grid;
  const outputSize = 3 * tileHeight * tileWidth;
  const outputs = new Float32Array(tiles.count * outputSize);
  let styles = new Float32Array(0);
  await forEachBatch(tiles, options.batchSize, options.stage, hooks, async (batch, first, n) => {
    const result = await session.run(batch, n, tileHeight, tileWidth);
    outputs.set(result.flows, first * outputSize);
    if (styles.length === 0) styles = new Float32Array(tiles.count * (result.style.length / n));
    styles.set(result.style, first * (result.style.length / n));
  });
  return { maps: stitchTiles(outputs, tiles.grid, crop), style: combineTileStyles(styles, tiles.count, options.batchSize) };
}

/** The image's style alone (the size model's first pass), on a style-only session when there is one. */
export async function runStylePass(session: NetworkSession, image: PlanarImage, options: NetworkPassOptions, hooks: RunHooks): Promise<Float32Array> {
  const { tiles } = prepareTiles(image, options);
  let styles = new Float32Array(0);
  await forEachBatch(tiles, options.batchSize, options.stage, hooks, async (batch, first, n) => {
    const style = await session.runStyle(batch, n, tiles.grid.tileHeight, tiles.grid.tileWidth);
    if (styles.length === 0) styles = new Float32Array(tiles.count * (style.length / n));
    styles.set(style, first * (style.length / n));
  });
  return combineTileStyles(styles, tiles.count, options.batchSize);
}
