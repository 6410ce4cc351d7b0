// The benchmark's printed report names the adapter each provider ran on and labels a software GPU in its table.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatBenchmarkReport } from '../../src/cli/commands/bench';
import { summarize } from '../../src/shared/bench/statistics';
import { benchmarkRun } from '../history/fixtures';

function report(adapter: { name: string; software: boolean; driver: string | null }) {
  const run = benchmarkRun();
  const providers = run.providers.map((p) => (p.provider === 'webgpu' ? { ...p, adapter } : p));
  return { ...run, providers, summary: summarize(run.samples) };
}

test('a run on a real GPU names it, and the table keeps the plain provider name', () => {
  const text = formatBenchmarkReport(report({ name: 'NVIDIA GeForce RTX 4070', software: false, driver: null }));
  assert.match(text, /webgpu: session 0\.80 s \(cold\), first run 2\.00 s, on NVIDIA GeForce RTX 4070\n/);
  assert.match(text, /size \(px\) +cpu mean ± SD \(s\) +webgpu mean ± SD \(s\) +webgpu speed-up/);
  // CPU 1.1 s, WebGPU 0.2 s: 5.5x, 81.8 % less time.
  assert.match(text, /5\.50x \(81\.8% less time\)/);
});

test('a run on a software adapter is labelled a software GPU in the provider lines and the table', () => {
  const run = report({ name: 'SwiftShader Device (Subzero)', software: true, driver: '/tmp/libvk_swiftshader.so' });
  const text = formatBenchmarkReport({ ...run, summary: summarize(run.samples.map((s) => (s.provider === 'webgpu' ? { ...s, totalMs: s.totalMs * 20 } : s))) });
  assert.match(text, /webgpu: session 0\.80 s \(cold\), first run 2\.00 s, on SwiftShader Device \(Subzero\), a software GPU that runs on the CPU/);
  assert.match(text, /webgpu \(software GPU\) mean ± SD \(s\) +webgpu \(software GPU\) speed-up/);
  // CPU 1.1 s, the software GPU 4 s: 0.28x, 263.6 % more time.
  assert.match(text, /0\.28x \(263\.6% more time\)/);
});
