// Child-process helper for tests and benchmarks: reads the file named on the command line as a checkpoint (or, with
// `roi-set` after it, as an ImageJ ROI set) and prints, as one JSON line, how it ended, how long it took (wall clock,
// and CPU time, which a busy machine does not inflate) and how much the process's peak memory grew meanwhile.
import { readFileSync } from 'node:fs';
import { loadStateDict } from '../../src/engine/checkpoint/torchCheckpoint';
import { CellDeskError } from '../../src/engine/errors';
import { decodeImagejRoiZip } from '../../src/engine/formats/imagejRoi';

const bytes = new Uint8Array(readFileSync(process.argv[2]!));
const asRoiSet = process.argv[3] === 'roi-set';
const peakBefore = process.resourceUsage().maxRSS * 1024;
const cpuBefore = process.cpuUsage();
const start = performance.now();
let outcome: string;
try {
  outcome = asRoiSet ? `read ${decodeImagejRoiZip(bytes).length} ROIs` : `loaded ${loadStateDict(bytes).size} tensors`;
} catch (error) {
  outcome = error instanceof CellDeskError ? `${error.code}: ${error.message}` : `untyped: ${String(error)}`;
}
const ms = performance.now() - start;
const cpu = process.cpuUsage(cpuBefore);
const cpuMs = (cpu.user + cpu.system) / 1000;
const peakGrowth = process.resourceUsage().maxRSS * 1024 - peakBefore;
process.stdout.write(`${JSON.stringify({ outcome, ms, cpuMs, peakGrowthBytes: peakGrowth })}\n`);
