// Rewrites PNG files in place with their pixels in uncompressed (stored) deflate blocks, for stage.sh: xz then
// packs them far smaller than PNG's own deflate does, which helps the GPU run fit its 64 MiB ([Note: device
// carry]). A file is rewritten only when CellDesk's reader gives the very same pixels back from the new file;
// otherwise it is left as it was. Node, here (tsx).
//   storedPng.ts <file.png>...
import { readFileSync, writeFileSync } from 'node:fs';
import { decode, encode } from 'fast-png';
import { decodeImage } from '../../src/engine/image/decodeImage';

function samePixels(a: { width: number; height: number; channels: number; data: ArrayLike<number> }, b: typeof a): boolean {
  if (a.width !== b.width || a.height !== b.height || a.channels !== b.channels || a.data.length !== b.data.length) return false;
  for (let i = 0; i < a.data.length; i++) if (a.data[i] !== b.data[i]) return false;
  return true;
}

for (const file of process.argv.slice(2)) {
  const bytes = new Uint8Array(readFileSync(file));
  const png = decode(bytes);
  if (png.palette !== undefined || (png.depth !== 8 && png.depth !== 16)) {
    process.stdout.write(`${file}: kept (palette or ${png.depth}-bit samples)\n`);
    continue;
  }
  const stored = encode({ width: png.width, height: png.height, channels: png.channels, depth: png.depth, data: png.data }, { zlib: { level: 0 } });
  if (!samePixels(await decodeImage(bytes), await decodeImage(stored))) {
    process.stdout.write(`${file}: kept (the rewritten file would not read back the same)\n`);
    continue;
  }
  writeFileSync(file, stored);
  process.stdout.write(`${file}: pixels stored uncompressed, read back identical\n`);
}
