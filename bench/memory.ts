// `npm run bench:memory [-- --sizes 6000,12000] [--block 1024]`: peak resident memory of `celldesk segment`, each
// case in a child process measured by /usr/bin/time: the 2560 x 2160 synthetic image whole, then tiled TIFFs of
// the sizes given (made by tiling a shared image, written band by band) in block mode, and how well the block
// mode's masks agree with the whole image's on the 2560 x 2160 image. Prints each case's line as it is measured
// (so a run stopped early keeps what it measured), then one JSON line. A developer's tool (Node); the 12000 x 12000
// case runs the network over 144 million pixels (tens of minutes on an idle laptop, hours on a loaded 2-core one).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { syntheticCellImage } from '../src/engine/bench/syntheticImage';
import { decodeImage } from '../src/engine/image/decodeImage';
import { encodePng } from '../src/engine/image/encodePng';
import type { RasterImage } from '../src/engine/image/raster';
import { TiledTiffWriter } from '../src/engine/io/tiledTiffWriter';
import { DEMO_CHECKPOINT, out } from './browserSession';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
/** The shared image tiled into the large cases: 512 x 512 RGB, 166 cells of about 30 px (channels 2, 1). */
const TILED_IMAGE = join(ROOT, '..', 'shared', 'images', 'scellseg-contrast_data', 'cytomembrane', '290_img.png');
const TARGETS = { wholeGB: 1.5, blocksGB: 2, growth: 0.1 };

interface Case {
  name: string;
  peakMB: number;
  seconds: number;
  report: { masks: number; blocks?: { count: number; widened: number; uncertainMasks: number } };
}

/** Runs `celldesk segment ... --json` under /usr/bin/time; its peak RSS and report. */
function segmentMeasured(name: string, args: string[]): Promise<Case> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn('/usr/bin/time', ['-f', 'peak-kb %M', process.execPath, join(ROOT, 'bin', 'celldesk.js'), 'segment', ...args, '--json', '--no-history'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code) => {
      const peak = /peak-kb (\d+)/.exec(stderr);
      if (code !== 0 || peak === null) return reject(new Error(`${name}: celldesk segment failed (${code}): ${stderr.trim()}`));
      resolve({ name, peakMB: Number(peak[1]) / 1024, seconds: (performance.now() - start) / 1000, report: JSON.parse(stdout.trim().split('\n').pop()!) as Case['report'] });
    });
  });
}

/** The synthetic 2560 x 2160 cells as a 16-bit PNG (cytoplasm red, nuclei green), as the viewer benchmarks use. */
function writeSynthetic(path: string): void {
  const { image } = syntheticCellImage({ cellCount: 1000 });
  const plane = image.width * image.height;
  const rgb = new Uint16Array(3 * plane);
  for (let i = 0; i < plane; i++) {
    rgb[3 * i] = Math.min(65535, image.data[i]!);
    rgb[3 * i + 1] = Math.min(65535, image.data[plane + i]!);
  }
  writeFileSync(path, encodePng({ width: image.width, height: image.height, channels: 3, data: rgb }));
}

/** A size x size tiled TIFF of `source` mirrored across and down (no seams in the cells), written band by band. */
async function writeTiledMirror(path: string, source: RasterImage, size: number): Promise<void> {
  const { width, height, channels } = source;
  const data = source.data as Uint8Array;
  const writer = await TiledTiffWriter.create(path, { width: size, height: size, channels, sampleType: 'uint8', tileSize: 256 });
  const mirror = (i: number, length: number) => {
    const period = i % (2 * length);
    return period < length ? period : 2 * length - 1 - period;
  };
  const bandRows = 256;
  for (let top = 0; top < size; top += bandRows) {
    const rows = Math.min(bandRows, size - top);
    const band = new Uint8Array(channels * rows * size);
    for (let c = 0; c < channels; c++) {
      for (let y = 0; y < rows; y++) {
        const from = (c * height + mirror(top + y, height)) * width;
        const to = (c * rows + y) * size;
        for (let x = 0; x < size; x++) band[to + x] = data[from + mirror(x, width)]!;
      }
    }
    await writer.write(top, rows, band);
  }
  await writer.close();
}

/** Masks of `a` that have exactly the same pixels in `b`, and the share of pixels where the two agree once matched. */
function agreement(a: ArrayLike<number>, b: ArrayLike<number>): { identicalMasks: number; masks: number; pixelAgreement: number } {
  const pairs = new Map<number, number>();
  const broken = new Set<number>();
  let agreeing = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x === 0 && y === 0) {
      agreeing++;
      continue;
    }
    if (x === 0 || y === 0) {
      if (x !== 0) broken.add(x);
      continue;
    }
    const paired = pairs.get(x);
    if (paired === undefined) pairs.set(x, y);
    if ((paired ?? y) === y) agreeing++;
    else broken.add(x);
  }
  const usedBy = new Map<number, number>();
  for (const y of pairs.values()) usedBy.set(y, (usedBy.get(y) ?? 0) + 1);
  let identicalMasks = 0;
  for (const [x, y] of pairs) if (!broken.has(x) && usedBy.get(y) === 1) identicalMasks++;
  return { identicalMasks, masks: pairs.size + [...broken].filter((x) => !pairs.has(x)).length, pixelAgreement: agreeing / a.length };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { sizes: { type: 'string', default: '6000,12000' }, block: { type: 'string', default: '1024' } } });
  const sizes = values.sizes.split(',').map(Number);
  const block = values.block;
  const folder = mkdtempSync(join(tmpdir(), 'celldesk-bench-memory-'));
  try {
    const synthetic = join(folder, 'synthetic-2560x2160.png');
    writeSynthetic(synthetic);
    const common = ['--model', DEMO_CHECKPOINT, '--diameter', '30', '--ep', 'cpu'];
    out(`Machine: ${cpus().length} x ${cpus()[0]?.model ?? 'unknown CPU'}, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
    out(`${'case'.padEnd(26)}${'peak RSS MB'.padStart(12)}${'masks'.padStart(10)}${'blocks'.padStart(8)}${'widened'.padStart(9)}${'seconds'.padStart(10)}`);
    const measured = (c: Case) => {
      out(`${c.name.padEnd(26)}${c.peakMB.toFixed(0).padStart(12)}${String(c.report.masks).padStart(10)}${String(c.report.blocks?.count ?? '-').padStart(8)}${String(c.report.blocks?.widened ?? '-').padStart(9)}${c.seconds.toFixed(0).padStart(10)}`);
      return c;
    };
    const whole = measured(await segmentMeasured('2560x2160 whole', [synthetic, '--channels', '1,2', '--blocks', 'off', '--out', join(folder, 'whole.tif'), ...common]));
    const blocked = measured(await segmentMeasured(`2560x2160 blocks`, [synthetic, '--channels', '1,2', '--blocks', block, '--out', join(folder, 'blocks.tif'), ...common]));
    const read = async (name: string) => (await decodeImage(new Uint8Array(readFileSync(join(folder, name))))).data;
    const agreed = agreement(await read('whole.tif'), await read('blocks.tif'));
    out(`Block mode vs whole image at 2560 x 2160: ${agreed.identicalMasks} of ${agreed.masks} masks identical, ${(100 * agreed.pixelAgreement).toFixed(4)}% of pixels agree`);
    const source = await decodeImage(new Uint8Array(readFileSync(TILED_IMAGE)));
    const large: Case[] = [];
    for (const size of sizes) {
      const path = join(folder, `tiled-${size}.tif`);
      await writeTiledMirror(path, source, size);
      large.push(measured(await segmentMeasured(`${size}x${size} blocks`, [path, '--channels', '2,1', '--blocks', block, '--out', join(folder, `labels-${size}.tif`), ...common])));
      rmSync(path);
    }
    out(`Load average at the end ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
    const largest = large[large.length - 1];
    const growth = large.length > 1 ? largest!.peakMB / large[0]!.peakMB - 1 : 0;
    const results = {
      bench: 'memory',
      wholeImage2560x2160MB: Math.round(whole.peakMB),
      blocks2560x2160MB: Math.round(blocked.peakMB),
      blocks: Object.fromEntries(large.map((c) => [c.name.split(' ')[0]!, { peakMB: Math.round(c.peakMB), masks: c.report.masks, widenedBlocks: c.report.blocks?.widened ?? 0, seconds: Math.round(c.seconds) }])),
      peakGrowth: Number(growth.toFixed(3)),
      agreement2560x2160: { ...agreed, pixelAgreement: Number(agreed.pixelAgreement.toFixed(6)), wholeMasks: whole.report.masks, blockMasks: blocked.report.masks },
      targets: TARGETS,
      blockSize: Number(block),
      machine: `${cpus().length} x ${cpus()[0]?.model ?? 'unknown CPU'}`,
      loadAverage: loadavg().map((l) => Number(l.toFixed(2))),
    };
    out(
      `Targets: whole 2560 x 2160 <= ${TARGETS.wholeGB} GB (${(whole.peakMB / 1024).toFixed(2)} GB); blocks <= ${TARGETS.blocksGB} GB (largest ${((largest?.peakMB ?? 0) / 1024).toFixed(2)} GB); ` +
        `growth from the first to the last size <= ${100 * TARGETS.growth}% (${(100 * growth).toFixed(1)}%)`,
    );
    out(JSON.stringify(results));
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

await main();
