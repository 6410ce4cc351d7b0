// `npm run bench:rethreshold`: how long a biologist waits for new masks after changing a threshold, on the 2560 x
// 2160 synthetic image with 1,000 cells: the engine's own time and the time from the change in the page to the
// redrawn view, in browser mode (headless Chromium against `celldesk serve`). Prints a table and one JSON line. A
// developer's tool (Node); runs the network once (a minute or two on a laptop's CPU) and keeps nothing.
//
// [Note: re-threshold timing] Each change is typed into the Segment view's field as a user does. The clock starts
// at the field's input event and stops at the start of the second animation frame after the page has read the
// engine's reply (by then React has committed the new masks and the viewer has drawn them), so it includes the
// view's wait for typing to settle, the HTTP round trip with labels and outlines, decoding and drawing; the table
// splits it at the request, the reply's headers and its last byte. The engine's time is the reply's timings.total
// (the worker's time from request to reply). Between changes the bench waits for
// the server to go idle, as a user looking at the result gives it time: the engine works ahead in that time (see
// [Note: re-thresholding ahead] in src/engine/pipeline/keptNetworkOutput.ts), and the figures say how long it took.
// On a shared machine every wall-clock figure stretches with the load, so each change also counts the processor time
// spent on it, which load does not stretch: by the server's main thread (the reply's copy from the engine worker,
// its encoding and the HTTP send) and by Chromium's processes (receiving, decoding and drawing), from the input
// event to the redrawn view. The engine's own time is wall-clock in its worker (timings.total).
import { readdirSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import type { Page } from 'playwright-core';
import { out, percentile, withSegmentedImage } from './browserSession';

const TARGET_MS = 300;
/** Flow thresholds typed with the cell probability threshold at 0, then cell probability thresholds (bench:viewer's). */
const FLOW_THRESHOLDS = [0.3, 0.2, 0.1, 0.05, 0.6, 1.0, 0.4];
const CELLPROB_THRESHOLDS = [-1, -0.5, 0.5, 1, 2, 0];
/** Cell probability thresholds off the control's 0.5 steps, typed last: not prepared ahead. */
const TYPED_CELLPROB_THRESHOLDS = [0.3, -0.7, 1.2, 0];
/**
 * The server counts as idle once it used less than IDLE_SHARE of a core in each of IDLE_WINDOWS windows of
 * IDLE_WINDOW_MS in a row (one window can be quiet on a loaded machine while the server still has work).
 */
const IDLE_SHARE = 0.03;
const IDLE_WINDOW_MS = 1000;
const IDLE_WINDOWS = 3;
const IDLE_TIMEOUT_MS = 20 * 60_000;

interface Sample {
  field: string;
  value: number;
  engineMs: number;
  endToEndMs: number;
  maskCount: number;
  /** Milliseconds from the input to the request (the view's settling delay), to the reply's headers (engine and
   * server), to its whole body (transfer), and to the redrawn view (decoding, React, drawing). */
  stages: { wait: number; answer: number; body: number; view: number };
  /** Seconds the server worked before the change (idle wait). */
  aheadSeconds: number;
  /** Processor milliseconds spent on the change by the server's main thread and by Chromium; see [Note: re-threshold timing]. */
  cpu: { serverMain: number; browser: number };
}

/** The fields of a /proc stat line after the command name; [] when the process or thread has gone. */
function statFields(path: string): string[] {
  try {
    return readFileSync(path, 'utf8').split(') ')[1]!.split(' ');
  } catch {
    return [];
  }
}

/** CPU seconds a process (all its threads) or one thread (its task stat) has used (Linux /proc). */
function cpuSecondsOf(statPath: string): number {
  const fields = statFields(statPath);
  return fields.length === 0 ? 0 : (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
}

const cpuSeconds = (pid: number) => cpuSecondsOf(`/proc/${pid}/stat`);

/** The processes started by this one at any depth, the server's left out: Chromium's. */
function browserProcesses(serverPid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const parent = Number(statFields(`/proc/${entry}/stat`)[1]);
    if (!children.has(parent)) children.set(parent, []);
    children.get(parent)!.push(Number(entry));
  }
  const found: number[] = [];
  const stack = [process.pid];
  while (stack.length > 0) {
    for (const child of children.get(stack.pop()!) ?? []) {
      if (child === serverPid) continue;
      found.push(child);
      stack.push(child);
    }
  }
  return found;
}

/** The server's peak resident memory in MB (the work ahead's trajectories and prepared thresholds included). */
function peakMemoryMB(pid: number): number {
  const peak = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return peak === null ? NaN : Math.round(Number(peak[1]) / 1024);
}

/** Processor seconds used so far by the server's main thread and by Chromium's processes. */
function cpuSplit(serverPid: number): { serverMain: number; browser: number } {
  const browser = browserProcesses(serverPid).reduce((sum, pid) => sum + cpuSeconds(pid), 0);
  return { serverMain: cpuSecondsOf(`/proc/${serverPid}/task/${serverPid}/stat`), browser };
}

/** Waits until the server is idle; returns the seconds waited. */
async function waitForIdle(pid: number): Promise<number> {
  const start = performance.now();
  let quiet = 0;
  while (quiet < IDLE_WINDOWS) {
    const before = cpuSeconds(pid);
    await new Promise((resolve) => setTimeout(resolve, IDLE_WINDOW_MS));
    quiet = cpuSeconds(pid) - before < (IDLE_SHARE * IDLE_WINDOW_MS) / 1000 ? quiet + 1 : 0;
    if (performance.now() - start > IDLE_TIMEOUT_MS) throw new Error('The server did not go idle within 20 minutes.');
  }
  return (performance.now() - start) / 1000 - (IDLE_WINDOWS * IDLE_WINDOW_MS) / 1000;
}

/** Page code (as text: this file compiles without the DOM's types); see [Note: re-threshold timing]. */
const INSTRUMENT = `() => {
  if (window.__rethreshold) return;
  const state = { inputAt: 0, fetchAt: 0, answerAt: 0, readAt: 0 };
  window.__rethreshold = state;
  document.addEventListener('input', () => { state.inputAt = performance.now(); }, true);
  const nativeFetch = window.fetch.bind(window);
  window.fetch = async (...args) => {
    const isRethreshold = String(args[0]).includes('segment%3Arethreshold');
    if (isRethreshold) state.fetchAt = performance.now();
    const response = await nativeFetch(...args);
    if (!isRethreshold) return response;
    state.answerAt = performance.now();
    const read = response.arrayBuffer.bind(response);
    response.arrayBuffer = async () => {
      const body = await read();
      state.readAt = performance.now();
      // The reply's JSON part (src/shared/wire.ts): what the engine timed, without the labels.
      const length = new DataView(body).getUint32(0, true);
      state.reply = JSON.parse(new TextDecoder().decode(new Uint8Array(body, 4, length)));
      return body;
    };
    return response;
  };
}`;

const VIEW_UPDATED = `() => new Promise((resolve) => {
  const state = window.__rethreshold;
  const wait = () => {
    if (state.readAt <= state.inputAt) return requestAnimationFrame(wait);
    requestAnimationFrame(() => requestAnimationFrame(() => {
      const { value } = state.reply;
      const now = performance.now();
      resolve({
        endToEndMs: now - state.inputAt,
        engineMs: value.timings.total,
        maskCount: value.maskCount,
        stages: { wait: state.fetchAt - state.inputAt, answer: state.answerAt - state.fetchAt, body: state.readAt - state.answerAt, view: now - state.readAt },
      });
    }));
  };
  wait();
})`;

async function change(page: Page, pid: number, field: string, value: number): Promise<Sample> {
  const aheadSeconds = await waitForIdle(pid);
  const before = cpuSplit(pid);
  await page.getByLabel(field, { exact: true }).fill(String(value));
  const measured = (await page.evaluate(`(${VIEW_UPDATED})()`)) as Omit<Sample, 'field' | 'value' | 'aheadSeconds' | 'cpu'>;
  const after = cpuSplit(pid);
  const cpu = { serverMain: 1000 * (after.serverMain - before.serverMain), browser: 1000 * (after.browser - before.browser) };
  return { field, value, ...measured, aheadSeconds, cpu };
}

function summary(samples: Sample[]) {
  const stat = (values: number[]) => ({ median: Math.round(percentile(values, 50)), max: Math.round(percentile(values, 100)) });
  return {
    changes: samples.length,
    engineMs: stat(samples.map((s) => s.engineMs)),
    endToEndMs: stat(samples.map((s) => s.endToEndMs)),
    cpuMs: { serverMain: stat(samples.map((s) => s.cpu.serverMain)), browser: stat(samples.map((s) => s.cpu.browser)) },
  };
}

await withSegmentedImage('rethreshold', async ({ page, server, run }) => {
  await page.evaluate(`(${INSTRUMENT})()`);
  const pid = server.pid!;
  const firstAhead = await waitForIdle(pid);
  out(`The engine worked ahead for ${firstAhead.toFixed(1)} s after the run.`);
  const flow: Sample[] = [];
  for (const value of FLOW_THRESHOLDS) flow.push(await change(page, pid, 'Flow threshold', value));
  const cellprob: Sample[] = [];
  for (const value of CELLPROB_THRESHOLDS) cellprob.push(await change(page, pid, 'Cell probability threshold', value));
  const typed: Sample[] = [];
  for (const value of TYPED_CELLPROB_THRESHOLDS) typed.push(await change(page, pid, 'Cell probability threshold', value));

  out();
  const columns = ['masks', 'engine ms', 'view ms', '= wait', '+ answer', '+ body', '+ view', 'cpu srv', 'cpu page', 'ahead s'];
  out(`${'change'.padEnd(34)}${columns.map((c) => c.padStart(10)).join('')}`);
  for (const s of [...flow, ...cellprob, ...typed]) {
    const figures = [s.maskCount, s.engineMs, s.endToEndMs, s.stages.wait, s.stages.answer, s.stages.body, s.stages.view, s.cpu.serverMain, s.cpu.browser].map((v) => v.toFixed(0));
    out(`${`${s.field} ${s.value}`.padEnd(34)}${[...figures, s.aheadSeconds.toFixed(1)].map((f) => f.padStart(10)).join('')}`);
  }
  out('(cpu srv, cpu page: processor ms of the server\'s main thread and of Chromium for the change, which load does not stretch)');
  const load = loadavg().map((l) => Number(l.toFixed(2)));
  const results = {
    bench: 'rethreshold',
    image: '2560x2160',
    masks: run.masks,
    targetMs: TARGET_MS,
    cellprob: summary(cellprob),
    flow: summary(flow),
    cellprobOffSteps: summary(typed),
    firstWorkAheadSeconds: Number(firstAhead.toFixed(1)),
    serverPeakMB: peakMemoryMB(pid),
    machine: `${cpus().length} x ${cpus()[0]?.model ?? 'unknown CPU'}`,
    loadAverage: load,
  };
  out();
  out(
    `Medians vs the ${TARGET_MS} ms target: cell probability ${results.cellprob.engineMs.median} ms engine, ${results.cellprob.endToEndMs.median} ms to the view; ` +
      `flow ${results.flow.engineMs.median} ms engine, ${results.flow.endToEndMs.median} ms to the view (load average ${load.join(' ')})`,
  );
  out(JSON.stringify(results));
});
