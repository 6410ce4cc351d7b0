// Decompression bombs against CellDesk's readers: a 1 GiB data.pkl in a checkpoint of about 1 MB, with its declared
// size honest, far smaller, or just under the inflation budget, and the same stream as the .roi of an ImageJ ROI set;
// each read in a fresh process, which prints how long the refusal took and how much its peak memory grew. Target:
// well under 1 s and 100 MB each. `npm run bench:bombs`.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bombCheckpoint, bombRoiSet, deflatedZeros } from '../tests/checkpoint/zipBomb';

const MEASURE = join(dirname(fileURLToPath(import.meta.url)), '..', 'tests', 'checkpoint', 'measureLoad.ts');
const GiB = 2 ** 30;
const bomb = await deflatedZeros(GiB);
const folder = mkdtempSync(join(tmpdir(), 'celldesk-bombs-'));
console.log(`data.pkl: ${bomb.length} bytes of deflate that inflate to 1 GiB`);
const bombs = [
  ['declared 1 GiB', GiB - 1, 'checkpoint'],
  ['declared 1000 bytes', 1000, 'checkpoint'],
  ['declared 15 MiB', 15 * 2 ** 20, 'checkpoint'],
  ['ROI set, 1000 bytes', 1000, 'roi-set'],
  ['ROI set, 15 MiB', 15 * 2 ** 20, 'roi-set'],
] as const;
for (const [label, declared, kind] of bombs) {
  const file = join(folder, `bomb-${kind}-${declared}${kind === 'roi-set' ? '.zip' : '.pth'}`);
  writeFileSync(file, kind === 'roi-set' ? bombRoiSet(bomb, declared) : bombCheckpoint(bomb, declared));
  const { outcome, ms, cpuMs, peakGrowthBytes } = JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', MEASURE, file, kind], { encoding: 'utf8' })) as {
    outcome: string;
    ms: number;
    cpuMs: number;
    peakGrowthBytes: number;
  };
  const time = `${ms.toFixed(0)} ms wall, ${cpuMs.toFixed(0)} ms CPU (${(cpuMs / 1000).toFixed(3)} of the 1 s target)`;
  const memory = `${(peakGrowthBytes / 1e6).toFixed(1)} MB (${(peakGrowthBytes / 100e6).toFixed(2)} of the 100 MB target)`;
  console.log(`${label.padEnd(20)} ${time}, peak memory +${memory}: ${outcome.slice(0, 100)}`);
}
