// `npm run bench:dynamics`: time of the dynamics alone on the synthetic 2560 x 2160 image (about 4,300 cells, demo
// checkpoint on the CPU): the size model's second pass (non-interpolated, at the style's guess, CELLPOSE-3-INFERENCE.md
// section 10) and the final pass's interpolated dynamics at that diameter, median of 3 runs each, with the number of
// walkers and steps (cellEndPoints: masking the flows by the cell probability, then followFlows). The network runs
// once, untimed. A developer's tool (Node).
import { dirname, join } from 'node:path';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { onnxRuntimeBackend } from '../src/engine/backend/onnxruntime';
import { SYNTHETIC_CHANNELS, syntheticCellImage } from '../src/engine/bench/syntheticImage';
import { selectChannels } from '../src/engine/core/channels';
import { cellEndPoints } from '../src/engine/core/computeMasks';
import { normalizePercentile } from '../src/engine/core/normalize';
import { openModel } from '../src/engine/io/openModel';
import { ModelManager } from '../src/engine/models/modelManager';
import { defaultIterations, diameterFromStyle } from '../src/engine/pipeline/estimateDiameter';
import { runNetworkPass, runStylePass } from '../src/engine/pipeline/runNetwork';
import { CELLPOSE_DEFAULTS } from '../src/engine/pipeline/settings';
import { median } from '../src/shared/bench/statistics';

const RUNS = 3;
const DEMO = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'shared', 'models', 'celldesk-demo');

const manager = new ModelManager();
const model = await openModel(manager, onnxRuntimeBackend, {
  model: join(DEMO, 'celldesk-demo.zip.pth'),
  provider: 'cpu',
  sizeModelPath: join(DEMO, 'celldesk-demo_size.npy'),
});
try {
  const { sizeModel, architecture } = model;
  if (sizeModel === undefined) throw new Error('the demo checkpoint has no size model here');
  const image = normalizePercentile(selectChannels(syntheticCellImage().image, SYNTHETIC_CHANNELS));
  const options = { batchSize: CELLPOSE_DEFAULTS.batchSize, augment: false, stage: 'sizeMasks' as const };
  const style = await runStylePass(model.styleSession, image, { ...options, rescale: architecture.diamMean / architecture.diamLabels }, {});
  const rescale = sizeModel.diamMean / diameterFromStyle(style, sizeModel);
  const { maps } = await runNetworkPass(model.session, image, { ...options, rescale }, {});

  const plane = maps.height * maps.width;
  const niter = defaultIterations(rescale);
  const masksInput = {
    dP: maps.data.subarray(0, 2 * plane),
    cellprob: maps.data.subarray(2 * plane, 3 * plane),
    height: maps.height,
    width: maps.width,
    cellprobThreshold: CELLPOSE_DEFAULTS.cellprobThreshold,
  };
  const report: Record<string, unknown> = { bench: 'dynamics', field: `${maps.width}x${maps.height}`, niter };
  for (const interp of [false, true]) {
    const times: number[] = [];
    let walkers = 0;
    for (let run = 0; run < RUNS; run++) {
      const start = performance.now();
      walkers = cellEndPoints({ ...masksInput, niter, interp })?.moving ?? 0;
      times.push(performance.now() - start);
    }
    report[interp ? 'interpolated' : 'nearest'] = { walkers, medianMs: Math.round(median(times)), runsMs: times.map(Math.round) };
  }
  report.loadAverage = loadavg().map((l) => Number(l.toFixed(2)));
  process.stdout.write(`${JSON.stringify(report)}\n`);
} finally {
  await model.release();
  manager.close();
}
