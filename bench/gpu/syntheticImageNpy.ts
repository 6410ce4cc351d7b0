// Writes the benchmark's synthetic 2560 x 2160 cell image ([Note: synthetic cells]) as a NumPy .npy of
// [height, width, channels] float32, the layout official Cellpose reads, so that officialCellpose.py segments
// exactly the pixels `celldesk bench` does. Node; run on the device machine by run-on-device.sh.
//   syntheticImageNpy.ts <out.npy>
import { writeFileSync } from 'node:fs';
import { SYNTHETIC_IMAGE_NAME, syntheticCellImage } from '../../src/engine/bench/syntheticImage';

const [out] = process.argv.slice(2);
if (out === undefined) throw new Error('syntheticImageNpy.ts needs the output path');
const { image } = syntheticCellImage();
const { width, height, channels } = image;
const interleaved = new Float32Array(width * height * channels);
for (let c = 0; c < channels; c++) {
  for (let i = 0; i < width * height; i++) interleaved[i * channels + c] = image.data[c * width * height + i]!;
}
// .npy version 1.0: magic, version, header length, a Python dict literal padded with spaces to a multiple of 64.
const dict = `{'descr': '<f4', 'fortran_order': False, 'shape': (${height}, ${width}, ${channels}), }`;
const header = dict.padEnd(Math.ceil((10 + dict.length + 1) / 64) * 64 - 10 - 1) + '\n';
const prefix = Buffer.alloc(10);
prefix.write('\x93NUMPY', 0, 'latin1');
prefix.writeUInt8(1, 6);
prefix.writeUInt8(0, 7);
prefix.writeUInt16LE(header.length, 8);
writeFileSync(out, Buffer.concat([prefix, Buffer.from(header, 'latin1'), Buffer.from(interleaved.buffer)]));
process.stdout.write(`${SYNTHETIC_IMAGE_NAME}: ${width} x ${height} x ${channels} float32 -> ${out}\n`);
