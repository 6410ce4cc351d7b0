// Writes a tiled (Big)TIFF to a file as its rows arrive, holding one row of tiles in memory: the label image of a
// whole slide segmented in blocks, or any large image. The file appears under its name only once complete. Node.
import { randomBytes } from 'node:crypto';
import { open, rename, rm, type FileHandle } from 'node:fs/promises';
import { InvalidSettingError } from '../errors';
import {
  checkTiledLayout,
  encodeTile,
  firstDirectoryAt,
  needsBigTiff,
  tiledTiffDirectory,
  tiledTiffHeader,
  type TiledSampleType,
  type TiledTiffLayout,
} from '../image/tiledTiff';

export interface TiledTiffOptions {
  width: number;
  height: number;
  channels?: number;
  sampleType?: TiledSampleType;
  tileSize?: number;
  compression?: 'deflate' | 'none';
  /** BigTIFF even when the image stays far below 4 GiB (default: only when it could pass it). */
  bigTiff?: boolean;
}

type Samples = Uint8Array | Uint16Array | Uint32Array;

const ARRAYS: Readonly<Record<TiledSampleType, new (length: number) => Samples>> = { uint8: Uint8Array, uint16: Uint16Array, uint32: Uint32Array };

export class TiledTiffWriter {
  private rowsDone = 0;
  /** Rows not yet written, planar (channel-major), up to one tile row of them. */
  private readonly pending: Samples;
  private pendingRows = 0;
  private position: number;
  private readonly tileOffsets: number[] = [];
  private readonly tileByteCounts: number[] = [];

  private constructor(
    private readonly file: FileHandle,
    private readonly partialPath: string,
    private readonly path: string,
    readonly layout: TiledTiffLayout,
  ) {
    this.pending = new ARRAYS[layout.sampleType](layout.channels * layout.tileSize * layout.width);
    this.position = layout.bigTiff ? 16 : 8;
  }

  /** Starts `path` (as a hidden partial file beside it); BigTIFF when the image could pass 4 GiB. */
  static async create(path: string, options: TiledTiffOptions): Promise<TiledTiffWriter> {
    const { width, height, channels = 1, sampleType = 'uint32', tileSize = 256, compression = 'deflate' } = options;
    const bigTiff = options.bigTiff === true || needsBigTiff(width, height, channels, sampleType, tileSize);
    const layout = { width, height, channels, sampleType, tileSize, compression, bigTiff };
    checkTiledLayout(layout);
    const partialPath = `${path}.partial-${randomBytes(4).toString('hex')}`;
    const file = await open(partialPath, 'w');
    try {
      await file.write(tiledTiffHeader(layout), 0, undefined, 0);
    } catch (error) {
      await file.close();
      await rm(partialPath, { force: true });
      throw error;
    }
    return new TiledTiffWriter(file, partialPath, path, layout);
  }

  /**
   * Rows [top, top + rows) of the image, in order: `samples` holds them planar (channel after channel, each `rows`
   * rows of `width` samples).
   */
  async write(top: number, rows: number, samples: Samples): Promise<void> {
    const { width, height, channels, tileSize } = this.layout;
    if (top !== this.rowsDone || rows < 0 || top + rows > height || samples.length !== channels * rows * width) {
      throw new InvalidSettingError(`Rows ${top}-${top + rows} of a ${width} x ${height} image cannot come now (rows up to ${this.rowsDone} are written).`, { top, rows });
    }
    let row = 0;
    while (row < rows) {
      const take = Math.min(rows - row, tileSize - this.pendingRows);
      for (let c = 0; c < channels; c++) {
        const from = (c * rows + row) * width;
        this.pending.set(samples.subarray(from, from + take * width), (c * tileSize + this.pendingRows) * width);
      }
      this.pendingRows += take;
      row += take;
      this.rowsDone += take;
      if (this.pendingRows === tileSize || this.rowsDone === height) await this.writeTileRow();
    }
  }

  /** Writes the directory and gives the file its name; every row must have been written. */
  async close(): Promise<void> {
    if (this.rowsDone !== this.layout.height) {
      await this.abort();
      throw new InvalidSettingError(`Only ${this.rowsDone} of the ${this.layout.height} rows of the label image were written.`);
    }
    const directory = tiledTiffDirectory(this.layout, this.position, this.tileOffsets, this.tileByteCounts);
    await this.file.write(directory, 0, undefined, this.position);
    const pointer = firstDirectoryAt(this.layout, this.position);
    await this.file.write(pointer.bytes, 0, undefined, pointer.at);
    await this.file.close();
    await rename(this.partialPath, this.path);
  }

  /** Stops and removes the partial file. */
  async abort(): Promise<void> {
    await this.file.close().catch(() => undefined);
    await rm(this.partialPath, { force: true });
  }

  /** The pending rows as a row of tiles (rows and columns past the image are 0). */
  private async writeTileRow(): Promise<void> {
    const { width, channels, tileSize, sampleType } = this.layout;
    const tile = new ARRAYS[sampleType](tileSize * tileSize * channels);
    for (let left = 0; left < width; left += tileSize) {
      tile.fill(0);
      const columns = Math.min(tileSize, width - left);
      for (let y = 0; y < this.pendingRows; y++) {
        for (let c = 0; c < channels; c++) {
          const from = (c * tileSize + y) * width + left;
          for (let x = 0; x < columns; x++) tile[(y * tileSize + x) * channels + c] = this.pending[from + x]!;
        }
      }
      const stored = encodeTile(this.layout, tile);
      this.tileOffsets.push(this.position);
      this.tileByteCounts.push(stored.length);
      await this.file.write(stored, 0, undefined, this.position);
      this.position += stored.length + (stored.length % 2); // tiles start on even bytes
    }
    this.pendingRows = 0;
    this.pending.fill(0);
  }
}

