// Fuzz worker thread: runs the cases of one fuzz target, from an index on, and reports each case's outcome to the
// test, which watches for hangs and crashes from outside (tests/fuzz/formats.test.ts).
import { parentPort, workerData } from 'node:worker_threads';
import { CellDeskError } from '../../src/engine/errors';
import { SeededRandom } from '../helpers/random';
import { mutate } from './mutate';
import { FUZZ_TARGETS } from './targets';

export interface FuzzJob {
  target: string;
  seed: number;
  /** First case index and one past the last. */
  from: number;
  to: number;
}

export type CaseOutcome =
  | { index: number; kind: 'ok' }
  | { index: number; kind: 'typed'; code: string }
  | { index: number; kind: 'untyped' | 'incorrect'; detail: string; what: string };

export type FromFuzzWorker = { kind: 'ready' } | { kind: 'starting'; index: number } | { kind: 'case'; outcome: CaseOutcome } | { kind: 'done' };

/** The random source of one case: the same for the same target seed and index, whatever ran before. */
export function caseRandom(seed: number, index: number): SeededRandom {
  return new SeededRandom((seed + Math.imul(index + 1, 0x9e3779b1)) >>> 0);
}

const job = workerData as FuzzJob;
const target = FUZZ_TARGETS.find((t) => t.name === job.target)!;
const seeds = await target.seeds();
parentPort!.postMessage({ kind: 'ready' } satisfies FromFuzzWorker);
for (let index = job.from; index < job.to; index++) {
  const random = caseRandom(job.seed, index);
  const seed = random.pick(seeds);
  const { bytes, what } = mutate(seed.bytes, seed.fields, random);
  parentPort!.postMessage({ kind: 'starting', index } satisfies FromFuzzWorker);
  let outcome: CaseOutcome;
  try {
    await target.read(bytes);
    outcome = { index, kind: 'ok' };
  } catch (error) {
    if (error instanceof CellDeskError) outcome = { index, kind: 'typed', code: error.code };
    else {
      const detail = error instanceof Error ? `${error.name}: ${error.message}\n${error.stack?.split('\n').slice(1, 4).join('\n') ?? ''}` : String(error);
      outcome = { index, kind: error instanceof Error && error.name === 'IncorrectResult' ? 'incorrect' : 'untyped', detail, what: `${seed.label}: ${what.join(', ')}` };
    }
  }
  parentPort!.postMessage({ kind: 'case', outcome } satisfies FromFuzzWorker);
}
parentPort!.postMessage({ kind: 'done' } satisfies FromFuzzWorker);
