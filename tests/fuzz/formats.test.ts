// Fuzzing every file format CellDesk reads: seeded mutations (bit flips, truncations, bytes overwritten, length and
// offset fields set to boundary values) of real files, a few thousand cases. Each case must end in a typed error
// (CellDeskError) or a correct result: never an untyped error, a wrong result, a hang or a crash. Each target runs
// in a worker thread watched from here, so a hang or a crash is reported as such (with the case to replay) and the
// remaining cases still run. `FUZZ_SCALE=10` runs ten times as many cases.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { startScriptWorker } from '../../src/engine/service/startWorker';
import { REPO_ROOT } from '../helpers/shared';
import type { CaseOutcome, FromFuzzWorker, FuzzJob } from './fuzzWorker';
import { FUZZ_TARGETS } from './targets';

const SEED = 14;
const SCALE = Number(process.env.FUZZ_SCALE ?? 1);
/** A case taking longer than this is a hang (generous: the CI machine may be busy). */
const CASE_LIMIT_MS = 30_000;
/** Loading a target's seed files (converting a checkpoint, for the ONNX one) may take this long. */
const LOAD_LIMIT_MS = 120_000;
const WORKER = join(REPO_ROOT, 'tests', 'fuzz', 'fuzzWorker.ts');

interface Failure {
  index: number;
  kind: 'untyped' | 'incorrect' | 'hang' | 'crash';
  detail: string;
}

interface TargetRun {
  ok: number;
  typed: Map<string, number>;
  failures: Failure[];
}

/** Runs cases [from, to) of a target in a worker; resolves with the index it stopped before and why. */
function runWorker(job: FuzzJob, run: TargetRun): Promise<number> {
  return new Promise((resolve) => {
    const worker = startScriptWorker(WORKER, job);
    let current = job.from;
    let timer = setTimeout(() => stop('hang', `no answer in ${LOAD_LIMIT_MS / 1000} s while loading the seed files`), LOAD_LIMIT_MS);
    let finished = false;
    const stop = (kind: 'hang' | 'crash', detail: string) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      run.failures.push({ index: current, kind, detail });
      void worker.terminate();
      resolve(current + 1);
    };
    const watch = () => {
      clearTimeout(timer);
      timer = setTimeout(() => stop('hang', `case ${current} ran over ${CASE_LIMIT_MS / 1000} s`), CASE_LIMIT_MS);
    };
    worker.on('message', (message: FromFuzzWorker) => {
      if (message.kind === 'starting') {
        current = message.index;
        watch();
      } else if (message.kind === 'case') {
        record(message.outcome, run);
      } else if (message.kind === 'done') {
        finished = true;
        clearTimeout(timer);
        void worker.terminate();
        resolve(job.to);
      }
    });
    worker.on('error', (error) => stop('crash', `the worker failed: ${error.message}`));
    worker.on('exit', (code) => stop('crash', `the worker exited with code ${code}`));
  });
}

function record(outcome: CaseOutcome, run: TargetRun): void {
  if (outcome.kind === 'ok') run.ok++;
  else if (outcome.kind === 'typed') run.typed.set(outcome.code, (run.typed.get(outcome.code) ?? 0) + 1);
  else run.failures.push({ index: outcome.index, kind: outcome.kind, detail: `${outcome.what}\n${outcome.detail}` });
}

test(`every input format ends each mutated file in a typed error or a correct result (seed ${SEED})`, { timeout: 30 * 60_000 }, async (t) => {
  const lines = new Map<string, string>();
  const failures: string[] = [];
  let total = 0;
  const start = performance.now();
  const fuzz = async (target: (typeof FUZZ_TARGETS)[number]) => {
    const cases = Math.round(target.cases * SCALE);
    const run: TargetRun = { ok: 0, typed: new Map(), failures: [] };
    const targetStart = performance.now();
    for (let from = 0; from < cases; ) from = await runWorker({ target: target.name, seed: SEED, from, to: cases }, run);
    total += cases;
    const typed = [...run.typed].sort((a, b) => b[1] - a[1]).map(([code, n]) => `${code} ${n}`).join(', ');
    const kinds = new Map<string, number>();
    for (const failure of run.failures) kinds.set(failure.kind, (kinds.get(failure.kind) ?? 0) + 1);
    const counts = [...kinds].map(([kind, n]) => `${kind} ${n}`).join(', ');
    const seconds = ((performance.now() - targetStart) / 1000).toFixed(1).padStart(5);
    lines.set(target.name, `${target.name.padEnd(22)} ${String(cases).padStart(5)} cases in ${seconds} s: correct ${run.ok}, typed errors ${cases - run.ok - run.failures.length} (${typed})${counts === '' ? '' : `; FAILED: ${counts}`}`);
    for (const failure of run.failures.slice(0, 5)) failures.push(`${target.name} case ${failure.index} (${failure.kind}): ${failure.detail}`);
  };
  // Targets run side by side, one worker each, as many at a time as there are cores (each case is single-threaded).
  const queue = [...FUZZ_TARGETS];
  await Promise.all(Array.from({ length: Math.min(queue.length, Math.max(1, availableParallelism())) }, async () => {
    for (let target = queue.shift(); target !== undefined; target = queue.shift()) await fuzz(target);
  }));
  const report = [...FUZZ_TARGETS.map((target) => lines.get(target.name)!), `${total} cases in ${((performance.now() - start) / 1000).toFixed(1)} s`];
  for (const line of report) t.diagnostic(line);
  console.log(`Format fuzzing (seed ${SEED}):\n${report.join('\n')}`);
  assert.deepEqual(failures, []);
});
