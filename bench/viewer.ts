// `npm run bench:viewer [-- --frames N]`: the Segment view's speed on a 2560 x 2160 image with 1,000 cells, as a
// biologist meets it: pan/zoom frame times in the real renderer (headless Chromium against `celldesk serve`) and
// re-threshold latency through the same HTTP calls the page makes. A developer's tool (Node); runs the network once
// (about a minute or two on a laptop's CPU) and keeps nothing.
//
// [Note: viewer frame timing] The page is driven from inside, one input event per animation frame, so every frame
// has a redraw to do and the figures measure drawing, not how fast input arrives: a pan is a drag (a real press,
// then pointer moves along a circle), a zoom wheel steps in and out about the cursor. Per frame we record the
// interval between animation frames (what the eye sees: 16.7 ms is 60 fps), the main thread's work for the frame
// (from the start of the animation frame to a message posted in it, which runs once the frame's callbacks, paint
// and canvas drawing are done) and the viewer's own draw callback.
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import type { Page } from 'playwright-core';
import type { Segmentation } from '../src/shared/contract';
import { call, out, percentile, withSegmentedImage } from './browserSession';

const TARGET_FRAME_MS = 1000 / 60;
const TARGET_RETHRESHOLD_MS = 300;
/** Flow thresholds tried with the cell probability threshold left at 0, then cell probability thresholds. */
const FLOW_THRESHOLDS = [0.3, 0.2, 0.1, 0.05, 0.6, 1.0, 0.4];
const CELLPROB_THRESHOLDS = [-1, -0.5, 0.5, 1, 2, 0];

const ms = (value: number) => value.toFixed(1).padStart(8);

interface FrameSamples {
  intervals: number[];
  work: number[];
  draws: number[];
}

/** Page code (as text: this file compiles without the DOM's types); see [Note: viewer frame timing]. */
const DRIVER = `async ({ kind, frames }) => {
  const canvas = document.querySelector('canvas.viewer-canvas');
  const box = canvas.getBoundingClientRect();
  const cx = box.left + box.width / 2;
  const cy = box.top + box.height / 2;
  const draws = [];
  const nativeFrame = window.requestAnimationFrame.bind(window);
  window.requestAnimationFrame = (callback) => nativeFrame((time) => {
    const start = performance.now();
    try { callback(time); } finally { draws.push(performance.now() - start); }
  });
  const channel = new MessageChannel();
  const intervals = [];
  const work = [];
  let previous = null;
  let frameStart = 0;
  channel.port1.onmessage = () => work.push(performance.now() - frameStart);
  let x = cx + 200;
  let y = cy;
  try {
    await new Promise((resolve) => {
      let frame = 0;
      const step = (time) => {
        frameStart = performance.now();
        if (previous !== null) intervals.push(time - previous);
        previous = time;
        if (frame === frames) return resolve();
        nativeFrame(step);
        if (kind === 'pan') {
          const angle = (2 * Math.PI * (frame + 1)) / 120;
          const nx = cx + 200 * Math.cos(angle);
          const ny = cy + 200 * Math.sin(angle);
          canvas.dispatchEvent(new PointerEvent('pointermove', { bubbles: true, pointerId: 1, pointerType: 'mouse', isPrimary: true, buttons: 1,
            clientX: nx, clientY: ny, movementX: Math.round(nx - x), movementY: Math.round(ny - y) }));
          x = nx;
          y = ny;
        } else {
          const inwards = Math.floor(frame / 12) % 2 === 0;
          canvas.dispatchEvent(new WheelEvent('wheel', { bubbles: true, cancelable: true, deltaMode: 0, deltaY: inwards ? -100 : 100,
            clientX: cx + 150 * Math.sin(frame / 17), clientY: cy + 100 * Math.cos(frame / 23) }));
        }
        channel.port2.postMessage(0);
        frame++;
      };
      nativeFrame(step);
    });
  } finally {
    window.requestAnimationFrame = nativeFrame;
  }
  return { intervals, work: work.slice(1), draws };
}`;

async function measureFrames(page: Page, kind: 'pan' | 'zoom', frames: number): Promise<FrameSamples> {
  const canvas = page.locator('canvas.viewer-canvas');
  const box = (await canvas.boundingBox())!;
  if (kind === 'pan') {
    // A real press starts the drag (the viewer captures the pointer); the moves come from the page, one per frame.
    await page.mouse.move(box.x + box.width / 2 + 200, box.y + box.height / 2);
    await page.mouse.down();
  }
  try {
    return await page.evaluate(`(${DRIVER})(${JSON.stringify({ kind, frames })})`);
  } finally {
    if (kind === 'pan') await page.mouse.up();
  }
}

interface RethresholdSample {
  flowThreshold: number;
  cellprobThreshold: number;
  maskCount: number;
  roundTrip: number;
  timings: Record<string, number>;
}

async function measureRethreshold(url: string, imageId: string): Promise<RethresholdSample[]> {
  const samples: RethresholdSample[] = [];
  const settings = [
    ...FLOW_THRESHOLDS.map((flowThreshold) => ({ flowThreshold, cellprobThreshold: 0 })),
    ...CELLPROB_THRESHOLDS.map((cellprobThreshold) => ({ flowThreshold: 0.4, cellprobThreshold })),
  ];
  for (const { flowThreshold, cellprobThreshold } of settings) {
    const start = performance.now();
    const result = await call<Segmentation>(url, 'segment:rethreshold', { imageId, flowThreshold, cellprobThreshold, minSize: 15 });
    samples.push({ flowThreshold, cellprobThreshold, maskCount: result.maskCount, roundTrip: performance.now() - start, timings: result.timings });
  }
  return samples;
}

function frameRow(name: string, samples: FrameSamples): string {
  const median = percentile(samples.intervals, 50);
  const p95 = percentile(samples.intervals, 95);
  const late = samples.intervals.filter((i) => i > TARGET_FRAME_MS * 1.5).length;
  return (
    `${name.padEnd(22)}${ms(median)}${ms(p95)}${(1000 / median).toFixed(1).padStart(8)}${(1000 / p95).toFixed(1).padStart(8)}` +
    `${`${late}/${samples.intervals.length}`.padStart(9)}${ms(percentile(samples.work, 50))}${ms(percentile(samples.work, 95))}` +
    `${ms(percentile(samples.draws, 50))}${ms(percentile(samples.draws, 95))}   ${(TARGET_FRAME_MS / p95).toFixed(2)}`
  );
}

function rethresholdRows(title: string, samples: RethresholdSample[]): void {
  const stages = ['dynamics', 'flowError', 'cleanup', 'measure', 'total'];
  const column = (stage: string) => samples.map((s) => s.timings[stage] ?? 0);
  const roundTrips = samples.map((s) => s.roundTrip);
  out(`${title} (${samples.length} calls; masks ${Math.min(...samples.map((s) => s.maskCount))}..${Math.max(...samples.map((s) => s.maskCount))})`);
  out(`  ${'ms'.padEnd(8)}${stages.map((s) => s.padStart(10)).join('')}${'call'.padStart(10)}`);
  for (const [name, q] of [['median', 50], ['max', 100]] as const) {
    out(`  ${name.padEnd(8)}${stages.map((s) => percentile(column(s), q).toFixed(1).padStart(10)).join('')}${percentile(roundTrips, q).toFixed(1).padStart(10)}`);
  }
  const stagesOf = (sample: RethresholdSample) =>
    stages.filter((stage) => stage !== 'total' && stage in sample.timings).map((stage) => `${stage} ${sample.timings[stage]!.toFixed(1)}`).join(', ');
  for (const sample of samples) {
    out(`    flow ${sample.flowThreshold}, cellprob ${sample.cellprobThreshold}: ${sample.maskCount} masks; engine ${sample.timings['total']!.toFixed(1)} ms (${stagesOf(sample)}); call ${sample.roundTrip.toFixed(0)} ms`);
  }
  const worst = percentile(column('total'), 100);
  out(`  engine total vs the ${TARGET_RETHRESHOLD_MS} ms target: median ${(percentile(column('total'), 50) / TARGET_RETHRESHOLD_MS).toFixed(2)}x, max ${(worst / TARGET_RETHRESHOLD_MS).toFixed(2)}x of the budget`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { frames: { type: 'string', default: '240' } } });
  const frames = Number(values.frames);
  if (!Number.isInteger(frames) || frames < 10) throw new Error(`--frames takes a whole number of at least 10; got '${values.frames}'.`);
  await withSegmentedImage('viewer', async ({ browser, page, url, run }) => {
    const canvas = (await page.locator('canvas.viewer-canvas').boundingBox())!;
    const pan = await measureFrames(page, 'pan', frames);
    const zoom = await measureFrames(page, 'zoom', frames);
    await page.getByRole('button', { name: 'Actual size' }).click();
    const panActual = await measureFrames(page, 'pan', frames);
    const rethreshold = await measureRethreshold(url, run.imageId);

    out();
    out(`Machine: ${cpus().length} x ${cpus()[0]?.model ?? 'unknown CPU'}, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} (1, 5, 15 min)`);
    out(`Viewer: ${Math.round(canvas.width)} x ${Math.round(canvas.height)} CSS px canvas, ${frames} frames each, Chromium ${browser.version()} headless`);
    out(`${''.padEnd(22)}${'frame interval ms'.padStart(16)}${'fps'.padStart(16)}${'late'.padStart(9)}${'main thread ms'.padStart(16)}${'draw ms'.padStart(16)}   60 fps`);
    out(`${''.padEnd(22)}${'median'.padStart(8)}${'p95'.padStart(8)}${'median'.padStart(8)}${'p95'.padStart(8)}${'>25 ms'.padStart(9)}${'median'.padStart(8)}${'p95'.padStart(8)}${'median'.padStart(8)}${'p95'.padStart(8)}   ratio`);
    out(frameRow('pan, fitted', pan));
    out(frameRow('wheel zoom in/out', zoom));
    out(frameRow('pan, 1:1', panActual));
    out(`(60 fps ratio: the 16.7 ms budget over the p95 frame interval; 1 or more meets the target)`);
    out();
    out(`Re-threshold (engine worker, ${run.masks} masks at 0.4 / 0; 'call' is the whole HTTP round trip with labels and outlines)`);
    rethresholdRows('flow threshold only', rethreshold.slice(0, FLOW_THRESHOLDS.length));
    rethresholdRows('cell probability threshold', rethreshold.slice(FLOW_THRESHOLDS.length));
  });
}

await main();
