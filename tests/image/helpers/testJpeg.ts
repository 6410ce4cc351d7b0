// Test helper: writes a one-component (grey) baseline JPEG whose 8x8 blocks are each a flat grey level. jpeg-js only
// encodes colour, so this is built by hand from the JPEG specification (ITU T.81): quantisation 1, DC coefficients
// only, one Huffman code of 4 bits per DC size category and a 1-bit end-of-block code.

/** `levels` holds one grey level (0..255) per block, blocks in row-major order; width and height are multiples of 8. */
export function writeGreyBlockJpeg(width: number, height: number, levels: readonly number[]): Uint8Array {
  const out: number[] = [0xff, 0xd8];
  const segment = (marker: number, body: number[]): void => {
    out.push(0xff, marker, ((body.length + 2) >> 8) & 0xff, (body.length + 2) & 0xff, ...body);
  };
  segment(0xdb, [0x00, ...new Array<number>(64).fill(1)]); // quantisation table 0: all ones
  segment(0xc0, [8, height >> 8, height & 0xff, width >> 8, width & 0xff, 1, 1, 0x11, 0]); // baseline frame, 1 component
  const dcCounts = new Array<number>(16).fill(0);
  dcCounts[3] = 12; // twelve 4-bit codes: category s has code s
  const acCounts = new Array<number>(16).fill(0);
  acCounts[0] = 1; // one 1-bit code: end of block
  segment(0xc4, [0x00, ...dcCounts, ...Array.from({ length: 12 }, (_, s) => s), 0x10, ...acCounts, 0x00]);
  segment(0xda, [1, 1, 0x00, 0, 63, 0]);

  let bitBuffer = 0;
  let bitCount = 0;
  const put = (value: number, bits: number): void => {
    for (let i = bits - 1; i >= 0; i--) {
      bitBuffer = (bitBuffer << 1) | ((value >> i) & 1);
      if (++bitCount === 8) {
        out.push(bitBuffer);
        if (bitBuffer === 0xff) out.push(0x00); // byte stuffing
        bitBuffer = 0;
        bitCount = 0;
      }
    }
  };
  let previousDc = 0;
  for (const level of levels) {
    // A flat block of level L has DC coefficient 8 (L - 128) once level-shifted and transformed.
    const dc = (level - 128) * 8;
    const difference = dc - previousDc;
    previousDc = dc;
    const size = difference === 0 ? 0 : Math.floor(Math.log2(Math.abs(difference))) + 1;
    put(size, 4);
    if (size > 0) put(difference > 0 ? difference : difference + (1 << size) - 1, size);
    put(0, 1); // end of block
  }
  if (bitCount > 0) put(0xff, 8 - bitCount); // pad with ones
  out.push(0xff, 0xd9);
  return Uint8Array.from(out);
}
