// Test and benchmark helper: decompression bombs, small deflate streams of zeros that inflate to gigabytes, and a
// zip-format checkpoint whose data.pkl is one, or an ImageJ ROI set whose .roi is one, with the size its directory
// declares chosen by the caller.
import { constants, createDeflateRaw } from 'node:zlib';

const SLICE = Buffer.alloc(1 << 20);

/** A raw deflate stream of `size` zero bytes (about size / 1030 bytes long), made without holding `size` bytes. */
export async function deflatedZeros(size: number): Promise<Uint8Array> {
  const deflate = createDeflateRaw({ level: constants.Z_BEST_COMPRESSION });
  const chunks: Buffer[] = [];
  deflate.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise((resolve, reject) => deflate.on('end', resolve).on('error', reject));
  for (let left = size; left > 0; left -= SLICE.length) {
    if (!deflate.write(SLICE.subarray(0, Math.min(left, SLICE.length)))) await new Promise((resolve) => deflate.once('drain', resolve));
  }
  deflate.end();
  await done;
  return new Uint8Array(Buffer.concat(chunks));
}

interface BombEntry {
  name: string;
  data: Uint8Array;
  method: 0 | 8;
  /** The uncompressed size the directory declares. */
  size: number;
}

/** A zip archive written by hand, so the declared sizes can lie (CRCs are left 0: CellDesk does not read them). */
function zipArchive(entries: BombEntry[]): Uint8Array {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(entry.method, 8);
    local.writeUInt32LE(entry.data.length, 18);
    local.writeUInt32LE(entry.size, 22);
    local.writeUInt16LE(name.length, 26);
    const record = Buffer.alloc(46);
    record.writeUInt32LE(0x02014b50, 0);
    record.writeUInt16LE(20, 4);
    record.writeUInt16LE(20, 6);
    record.writeUInt16LE(entry.method, 10);
    record.writeUInt32LE(entry.data.length, 20);
    record.writeUInt32LE(entry.size, 24);
    record.writeUInt16LE(name.length, 28);
    record.writeUInt32LE(offset, 42);
    locals.push(local, name, Buffer.from(entry.data));
    central.push(record, name);
    offset += local.length + name.length + entry.data.length;
  }
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return new Uint8Array(Buffer.concat([...locals, directory, end]));
}

/** A checkpoint whose data.pkl is `bomb` (deflated), its directory declaring `declaredSize` bytes for it. */
export function bombCheckpoint(bomb: Uint8Array, declaredSize: number): Uint8Array {
  return zipArchive([
    { name: 'archive/data.pkl', data: bomb, method: 8, size: declaredSize },
    { name: 'archive/version', data: new TextEncoder().encode('3\n'), method: 0, size: 2 },
  ]);
}

/** An ImageJ ROI set whose one .roi is `bomb` (deflated), its directory declaring `declaredSize` bytes for it. */
export function bombRoiSet(bomb: Uint8Array, declaredSize: number): Uint8Array {
  return zipArchive([{ name: '0001-0001.roi', data: bomb, method: 8, size: declaredSize }]);
}
