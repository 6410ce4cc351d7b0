// Splits a file of float32 values into its four byte planes (and back), so that xz can compress a checkpoint's
// weights: the sign-and-exponent bytes of trained weights repeat a lot, the mantissa bytes hardly at all, and
// interleaved they hide each other. Plain JavaScript, run by stage.sh here and by run-on-device.sh on the device
// machine before anything else of CellDesk is unpacked. The transform is exact: `join` gives back every byte.
//   node byteplanes.mjs split <file> <out>   |   node byteplanes.mjs join <file> <out>
import { readFileSync, writeFileSync } from 'node:fs';

const [mode, from, to] = process.argv.slice(2);
if ((mode !== 'split' && mode !== 'join') || from === undefined || to === undefined) {
  process.stderr.write('usage: node byteplanes.mjs split|join <file> <out>\n');
  process.exit(2);
}
const bytes = readFileSync(from);
const words = Math.floor(bytes.length / 4);
const out = Buffer.alloc(bytes.length);
for (let plane = 0; plane < 4; plane++) {
  for (let i = 0; i < words; i++) {
    if (mode === 'split') out[plane * words + i] = bytes[i * 4 + plane];
    else out[i * 4 + plane] = bytes[plane * words + i];
  }
}
// A length that is not a multiple of 4 keeps its last bytes as they are.
bytes.copy(out, words * 4, words * 4);
writeFileSync(to, out);
