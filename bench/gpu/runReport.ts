// The summary of a GPU run (the folder run-on-device.sh fills): device facts, the WebGPU checks, and the protocol's
// table for CellDesk on the CPU and WebGPU beside official Cellpose 3.0.11 on CUDA and on the CPU, with speed-ups
// and CellDesk's per-stage times; printed as Markdown, which is also what bench/results keeps. Node; runs on the
// device machine at the end of a run and here on the files that came back. Several folders are calls on one machine
// (a second call filling the crops a first one's budgets cut): their samples are pooled into one table.
//   runReport.ts <run folder>... [--markdown FILE]
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { defaultCropSizes } from '../../src/engine/bench/protocol';
import type { BenchmarkReport } from '../../src/engine/bench/types';
import { cropSizeFromText, sortSizes } from '../../src/shared/bench/cropSizes';
import { summarizeSamples, type SizeStats } from '../../src/shared/bench/figures';
import type { CropSize } from '../../src/shared/benchTypes';
import { providerLabel } from '../../src/shared/bench/providerLabel';
import { mean, sampleSd } from '../../src/shared/bench/statistics';

interface OfficialRow {
  size: string;
  shape: [number, number];
  times_s: number[];
  sizeModel_s: number[];
  segment_s: number[];
  mean_s?: number;
  sd_s?: number | null;
  diam?: number;
  masks?: number;
}

interface OfficialRun {
  device: string;
  gpu: string | null;
  torch: string;
  cuda: string | null;
  threads: number;
  status: string;
  images: { name: string; results: OfficialRow[]; skipped: string[] }[];
}

interface Checks {
  parity: { provider: string; adapter: { name: string } | null; goal: number; cases: { case: string; shape: number[]; flowsMaxAbs: number; styleMaxAbs: number; withinGoal: boolean; ms: { gpu: number; cpu: number } }[] } | null;
  masks: {
    provider: string;
    images: {
      name: string;
      width: number;
      height: number;
      d30: { ap: number; masks: number; officialMasks: number; styleMaxAbsVsOfficial: number | null; pass: boolean };
      auto: { ap: number; masks: number; officialMasks: number; diameter: number; officialDiameter: number; diameterRelError: number; apAtOfficialDiameter: { ap: number } | null; pass: boolean };
    }[];
  } | null;
}

function readAll<T>(folders: string[], file: string): T[] {
  return folders.flatMap((folder) => {
    const value = read<T>(folder, file);
    return value === null ? [] : [value];
  });
}

/** One official run from several calls: each crop's times pooled, skipped crops kept only if no call measured them. */
function pooledOfficial(runs: OfficialRun[]): OfficialRun | null {
  if (runs.length < 2) return runs[0] ?? null;
  const names = [...new Set(runs.flatMap((run) => run.images.map((image) => image.name)))];
  const images = names.map((name) => {
    const parts = runs.flatMap((run) => run.images.filter((image) => image.name === name));
    const bySize = new Map<string, OfficialRow>();
    for (const row of parts.flatMap((part) => part.results)) {
      const pooled = bySize.get(row.size);
      if (pooled === undefined) bySize.set(row.size, { ...row });
      else bySize.set(row.size, { ...pooled, times_s: [...pooled.times_s, ...row.times_s], sizeModel_s: [...pooled.sizeModel_s, ...row.sizeModel_s], segment_s: [...pooled.segment_s, ...row.segment_s] });
    }
    const results = [...bySize.values()].map((row) => ({ ...row, mean_s: mean(row.times_s), sd_s: sampleSd(row.times_s) }));
    const skipped = [...new Set(parts.flatMap((part) => part.skipped))].filter((size) => !bySize.has(size));
    return { name, results, skipped };
  });
  const status = runs.map((run) => run.status).join(' + ');
  return { ...runs[0]!, status, images };
}

/** One benchmark report from several calls: the samples pooled, the providers of the call where most were available. */
function pooledReports(reports: BenchmarkReport[]): BenchmarkReport | null {
  if (reports.length < 2) return reports[0] ?? null;
  const available = (report: BenchmarkReport) => report.providers.filter((p) => p.available).length;
  const main = [...reports].sort((a, b) => available(b) - available(a))[0]!;
  return {
    ...main,
    uuid: reports.map((report) => report.uuid).join(', '),
    status: reports.map((report) => report.status).join(' + '),
    samples: reports.flatMap((report) => report.samples),
  } as BenchmarkReport;
}

function read<T>(folder: string, file: string): T | null {
  const path = join(folder, file);
  if (!existsSync(path)) return null;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch {
    return null;
  }
}

/** Issue 16's protocol: every 224 px step up to the full image, 3 iterations. */
const PUBLISHED_ITERATIONS = 3;
const s = (ms: number) => (ms / 1000).toFixed(2);
const cell = (meanS: number, sdS: number | null | undefined, n: number) => `${meanS.toFixed(2)}${sdS == null ? '' : ` ± ${sdS.toFixed(2)}`} (n=${n})`;
const ratio = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined ? '' : `${(a / b).toFixed(2)}x`);

function table(header: string[], rows: string[][]): string[] {
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)];
}

function factLines(facts: Record<string, unknown> | null): string[] {
  if (facts === null) return ['No facts.json: the run stopped before its facts were recorded.'];
  const probe = facts.webgpuProbe as { available: boolean; adapter?: { name: string; software: boolean } | null; reason?: string };
  const vulkan = facts.vulkan as { devices?: { name: string; type: string; apiVersion: string; driverVersion: string; driverInfo?: string }[]; error?: string } | null;
  const celldesk = facts.celldesk as { version: string; onnxRuntime: string; node: string };
  const lines = [
    `- Device: ${(facts.device as { description: string }).description}`,
    `- nvidia-smi: ${((facts.nvidiaSmi as string | null) ?? 'not available').split('\n')[0]}`,
    `- Vulkan: ${vulkan?.devices?.map((d) => `${d.name} (${d.type}, Vulkan ${d.apiVersion}, driver ${d.driverInfo || d.driverVersion})`).join('; ') ?? vulkan?.error ?? 'not probed'}`,
    `- CellDesk's WebGPU probe: ${probe.available ? (probe.adapter?.name ?? 'an adapter it cannot name') + (probe.adapter?.software === true ? ' (software GPU)' : '') : `no WebGPU: ${probe.reason}`}`,
    `- Software: CellDesk ${celldesk.version}, ONNX Runtime ${celldesk.onnxRuntime}, Node ${celldesk.node}; recorded ${facts.recordedAt as string}`,
  ];
  const attempts = facts.vulkanAttempts as string[];
  if (attempts.length > 0) lines.push(`- Vulkan environment tried: ${attempts.join(' → ')}`);
  return lines;
}

function checkLines(checks: Checks | null): string[] {
  if (checks === null) return ['No checks.json: the checks did not run.'];
  const lines: string[] = [];
  if (checks.parity !== null) {
    lines.push(`Network on ${checks.parity.provider} (${checks.parity.adapter?.name ?? 'adapter unknown'}) against the CPU provider, goal max abs error <= ${checks.parity.goal}:`, '');
    lines.push(
      ...table(
        ['input', 'shape', 'flows max abs', 'style max abs', 'within goal', 'GPU ms', 'CPU ms'],
        checks.parity.cases.map((c) => [c.case, c.shape.join('x'), c.flowsMaxAbs.toExponential(2), c.styleMaxAbs.toExponential(2), c.withinGoal ? 'yes' : 'NO', c.ms.gpu.toFixed(0), c.ms.cpu.toFixed(0)]),
      ),
      '',
    );
  }
  if (checks.masks !== null) {
    lines.push(`Masks on ${checks.masks.provider} against official Cellpose 3.0.11 (AP@0.5; bounds of tests/pipeline/officialPipeline.test.ts):`, '');
    lines.push(
      ...table(
        ['image', 'size', 'd30 AP', 'd30 masks (official)', 'style vs official', 'estimated diameter (official)', 'error', 'auto AP', 'pass'],
        checks.masks.images.map((m) => [
          m.name,
          `${m.width}x${m.height}`,
          m.d30.ap.toFixed(3),
          `${m.d30.masks} (${m.d30.officialMasks})`,
          m.d30.styleMaxAbsVsOfficial === null ? '' : m.d30.styleMaxAbsVsOfficial.toExponential(1),
          `${m.auto.diameter.toFixed(2)} (${m.auto.officialDiameter.toFixed(2)})`,
          `${(100 * m.auto.diameterRelError).toFixed(2)}%`,
          m.auto.ap.toFixed(3) + (m.auto.apAtOfficialDiameter === null ? '' : `; ${m.auto.apAtOfficialDiameter.ap.toFixed(3)} at the official diameter`),
          m.d30.pass && m.auto.pass ? 'yes' : 'NO',
        ]),
      ),
      '',
    );
  }
  return lines;
}

function officialRows(run: OfficialRun | null, image: string): Map<CropSize, OfficialRow> {
  const rows = run?.images.find((i) => i.name === image)?.results ?? [];
  return new Map(rows.flatMap((r) => {
    const size = cropSizeFromText(r.size);
    return r.times_s.length > 0 && size !== null ? [[size, r] as const] : [];
  }));
}

function officialCell(row: OfficialRow | undefined): string {
  return row === undefined ? '' : cell(mean(row.times_s), row.times_s.length > 1 ? (row.sd_s ?? null) : null, row.times_s.length);
}

function benchLines(report: BenchmarkReport, cuda: OfficialRun | null, cpu: OfficialRun | null): string[] {
  const stats = summarizeSamples(report.samples);
  const of = (provider: string, size: CropSize): SizeStats | undefined => stats.find((r) => r.provider === provider && r.size === size);
  const [cudaRows, cpuRows] = [officialRows(cuda, report.image.name), officialRows(cpu, report.image.name)];
  const sizes = sortSizes([...stats.map((r) => r.size), ...cudaRows.keys(), ...cpuRows.keys()]);
  const webgpu = providerLabel('webgpu', report.providers);
  const published = defaultCropSizes(report.image.width, report.image.height).map(String);
  const lines = [
    `### ${report.image.name} (${report.image.width} x ${report.image.height}), run${report.uuid.includes(',') ? 's' : ''} ${report.uuid} (${report.status})`,
    '',
    `Protocol measured: sizes ${report.protocol.sizes.join(', ')}, ${report.protocol.iterations} iteration(s), diameter estimation ${report.protocol.estimateDiameter ? 'on' : 'off'}, channels ${report.protocol.channels.join(',')}` +
      (published.length === report.protocol.sizes.length && report.protocol.iterations >= PUBLISHED_ITERATIONS
        ? '.'
        : `; the published protocol has ${published.join(', ')} and ${PUBLISHED_ITERATIONS} iterations, cut to fit one device call ([Note: GPU run budget] in bench/gpu/run-on-device.sh).`),
    ...report.providers.map((p) => `- ${p.provider}: ${p.available ? `session ${s(p.sessionMs!)} s, warm-up ${s(p.firstRunMs!)} s${p.adapter === null ? '' : `, on ${p.adapter.name}`}` : `not available: ${p.reason}`}`),
    '',
  ];
  const header = ['size', 'CellDesk cpu (s)', `CellDesk ${webgpu} (s)`, `official CUDA${cuda?.gpu ? ` (${cuda.gpu})` : ''} (s)`, `official CPU (${cpu?.threads ?? '?'} threads) (s)`, `${webgpu} vs CellDesk cpu`, 'official CUDA vs official CPU', `CellDesk ${webgpu} time / official CUDA time`];
  lines.push(
    ...table(
      header,
      sizes.map((size) => {
        const [c, w, oc, op] = [of('cpu', size), of('webgpu', size), cudaRows.get(size), cpuRows.get(size)];
        const dims = c ?? w;
        return [
          size === 'full' ? `full ${report.image.width} x ${report.image.height}` : dims === undefined ? String(size) : `${dims.width} x ${dims.height}`,
          c === undefined ? '' : cell(c.meanMs / 1000, c.sdMs === null ? null : c.sdMs / 1000, c.n),
          w === undefined ? '' : cell(w.meanMs / 1000, w.sdMs === null ? null : w.sdMs / 1000, w.n),
          officialCell(oc),
          officialCell(op),
          w?.speedup == null ? '' : `${w.speedup.toFixed(2)}x`,
          ratio(op === undefined ? undefined : mean(op.times_s), oc === undefined ? undefined : mean(oc.times_s)),
          ratio(w === undefined ? undefined : w.meanMs / 1000, oc === undefined ? undefined : mean(oc.times_s)),
        ];
      }),
    ),
    '',
  );
  const stages = [...new Set(stats.flatMap((r) => Object.keys(r.stageMeans)))];
  lines.push(`CellDesk's time per stage (mean s; sizeStyle and sizeMasks are the diameter estimation):`, '');
  lines.push(...table(['size', 'provider', ...stages], stats.map((r) => [String(r.size), providerLabel(r.provider, report.providers), ...stages.map((st) => (r.stageMeans[st] === undefined ? '' : s(r.stageMeans[st]!)))])), '');
  const split = (row: OfficialRow | undefined) => (row === undefined ? ['', ''] : [mean(row.sizeModel_s).toFixed(2), mean(row.segment_s).toFixed(2)]);
  const officialSizes = sizes.filter((size) => cudaRows.has(size) || cpuRows.has(size));
  if (officialSizes.length > 0) {
    lines.push(`Official Cellpose's time split into the size model (SizeModel.eval) and the segmentation at that diameter (mean s):`, '');
    lines.push(...table(['size', 'CUDA size model', 'CUDA segmentation', 'CPU size model', 'CPU segmentation'], officialSizes.map((size) => [String(size), ...split(cudaRows.get(size)), ...split(cpuRows.get(size))])), '');
  }
  for (const [label, run] of [['official CUDA', cuda], ['official CPU', cpu]] as const) {
    const skipped = run?.images.find((i) => i.name === report.image.name)?.skipped ?? [];
    if (skipped.length > 0) lines.push(`${label} skipped ${skipped.join(', ')} (time budget).`, '');
  }
  return lines;
}

const { values, positionals } = parseArgs({ allowPositionals: true, options: { markdown: { type: 'string' } } });
if (positionals.length === 0) throw new Error('runReport.ts needs the run folder');
const allFacts = readAll<Record<string, unknown>>(positionals, 'facts.json');
const facts = allFacts.find((f) => (f.webgpuProbe as { available: boolean }).available) ?? allFacts[0] ?? null;
const [cuda, cpu] = [pooledOfficial(readAll<OfficialRun>(positionals, 'official-cuda.json')), pooledOfficial(readAll<OfficialRun>(positionals, 'official-cpu.json'))];
const checks = readAll<Checks>(positionals, 'checks.json').find((c) => c.parity !== null || c.masks !== null) ?? null;
const lines = ['# CellDesk GPU run', '', '## Device', '', ...factLines(facts), '', '## WebGPU checks', '', ...checkLines(checks), '## Benchmark protocol', ''];
for (const file of ['bench-synthetic.json', 'bench-cell_00028.json']) {
  const report = pooledReports(readAll<BenchmarkReport>(positionals, file));
  lines.push(...(report === null ? [`No ${file}: that benchmark did not run or wrote nothing.`, ''] : benchLines(report, cuda, cpu)));
}
for (const [label, run] of [['official CUDA', cuda], ['official CPU', cpu]] as const) {
  lines.push(run === null ? `${label}: did not run.` : `${label}: ${run.status}; torch ${run.torch}${run.cuda === null ? '' : `, CUDA ${run.cuda}`}, ${run.threads} threads.`);
}
const text = `${lines.join('\n')}\n`;
process.stdout.write(text);
if (values.markdown !== undefined) writeFileSync(values.markdown, text);
