// The engine worker's handlers for stacks: showing another plane or time point of an open image, segmenting all the
// planes of a time point (kept apart or linked, as Cellpose's stitch_threshold), and re-thresholding that run. Node
// side (the engine worker; see [Note: engine worker] in ../engineService.ts).
import { segmentAndRecord } from '../../history/segmentAndRecord';
import { rasterToPlanarFloat32 } from '../../image/raster';
import { linkPlanes, planeMinSize, segmentStack, stackMethod, volumeCounts, type StackMethod } from '../../pipeline/segmentStack';
import { resolveSettings } from '../../pipeline/settings';
import type { StackSegmentation } from '../../../shared/contract';
import { NoSegmentationError } from '../errors';
import { setPlaneRun, showPlane, volumeSegmentations, type StackRun, type VolumeMade } from '../heldPlanes';
import type { HeldImage } from '../workspace';
import { handlerGroup } from './handlerGroup';

/** The reply to a run or a re-threshold of all planes: each plane's masks, measured on its own pixels. */
async function reply(held: HeldImage, labels: Uint32Array, method: StackMethod, made: VolumeMade, signal?: AbortSignal): Promise<StackSegmentation> {
  const { width, height, planes, frame, imageId } = held.info;
  held.measured = null;
  return {
    imageId,
    frame,
    stitchThreshold: method.kind === 'stitch' ? method.threshold : 0,
    cellCount: volumeCounts(labels, { planes, width, height }, method).maskCount,
    planes: await volumeSegmentations(held, labels, made, signal),
  };
}

/** Keeps each plane's network output as that plane's run, and the whole run to re-threshold it (see [Note: planes of a held image]). */
function keepStackRun(held: HeldImage, run: StackRun): void {
  held.planes.stackRun = run;
  run.outputs.forEach((output, plane) => setPlaneRun(held, { plane, frame: run.frame }, { ...run.summary, output, networkRuns: run.networkRuns }));
}

export const stackHandlers = handlerGroup((workspace) => ({
  'image:plane': ({ imageId, plane, frame }, hooks) => showPlane(workspace.held(imageId), { plane, frame }, hooks.signal),

  'segment:runStack': (request, hooks) =>
    workspace.runOnImage(request.imageId, 'segment:runStack', hooks.signal, async (signal) => {
      const { imageId } = request;
      const held = workspace.held(imageId);
      const { info, stack } = held;
      const { frame, planes: count } = info;
      const model = await workspace.model(request.model, request.provider);
      const method = stackMethod(request.stitchThreshold);
      // The plane the pipeline reads last is the one it segments (after the middle plane, when it estimates the diameter).
      let index = 0;
      const readPlane = async (plane: number) => {
        index = plane;
        return rasterToPlanarFloat32(await stack.readPlane({ plane, frame }, signal));
      };
      const { result, record, recordError } = await segmentAndRecord({
        image: info,
        source: { name: info.name, sha256: async () => held.draftKey.sha256 },
        model,
        segment: () =>
          segmentStack(readPlane, count, model, request.settings, method, { signal, onProgress: (progress) => hooks.onProgress({ imageId, ...progress, plane: { index, count } }) }, { keepNetworkOutput: true }),
        recorder: request.record ? workspace.recorder() : null,
      });
      if (recordError !== null) console.error(`CellDesk: the segmentation of ${info.name} was not recorded in the history:`, recordError);
      const summary = {
        settings: result.settings,
        diameter: result.diameter,
        diameterFromStyle: result.diameterFromStyle,
        executionProvider: result.executionProvider,
        fallbackReasons: model.fallbackReasons.map((f) => `${f.provider}: ${f.reason}`),
        model: { name: model.resolved.name, path: model.resolved.path },
      };
      const networkRuns = (held.run?.networkRuns ?? 0) + 1;
      keepStackRun(held, { frame, method, outputs: result.networkOutputs, summary, networkRuns });
      return reply(held, result.labels, method, { ...summary, networkRuns, networkRan: true, historyRun: record?.uuid ?? null, timings: result.timings }, signal);
    }),

  'segment:rethresholdStack': async ({ imageId, flowThreshold, cellprobThreshold, minSize }) => {
    const held = workspace.held(imageId);
    const run = held.planes.stackRun;
    if (run === null || run.frame !== held.info.frame) throw new NoSegmentationError(imageId);
    const start = performance.now();
    const settings = resolveSettings({ ...run.summary.settings, flowThreshold, cellprobThreshold, minSize });
    const { width, height } = held.info;
    const planes = run.outputs.length;
    const planeSettings = { flowThreshold, cellprobThreshold, minSize: planeMinSize(run.method, planes, settings.minSize) };
    const timings: Record<string, number> = {};
    let labels = new Uint32Array(planes * width * height);
    run.outputs.forEach((output, plane) => labels.set(output.masks(planeSettings, timings), plane * width * height));
    if (run.method.kind === 'stitch' && planes > 1) labels = linkPlanes(labels, { planes, width, height }, run.method, settings.minSize);
    keepStackRun(held, { ...run, summary: { ...run.summary, settings } });
    timings.total = performance.now() - start;
    return reply(held, labels, run.method, { ...run.summary, settings, networkRuns: run.networkRuns, networkRan: false, historyRun: null, timings });
  },
}));
