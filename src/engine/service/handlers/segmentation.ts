// The engine worker's handlers for segmenting an image (recorded in the history), re-thresholding its kept network
// output, calibrating the diameter, cancelling, and showing the network output. Node side (the engine worker; see
// [Note: engine worker] in ../engineService.ts).
import { basename } from 'node:path';
import { displayNetworkOutput } from '../../core/flowDisplay';
import { measureMasks } from '../../core/maskMeasurements';
import { outlinePixels } from '../../core/outlines';
import { segmentAndRecord } from '../../history/segmentAndRecord';
import { rasterToPlanarFloat32 } from '../../image/raster';
import type { DeriveFromMasks } from '../../pipeline/keptNetworkOutput';
import { estimateImageDiameter, segmentImage } from '../../pipeline/segment';
import { resolveSettings } from '../../pipeline/settings';
import type { RunsAhead } from '../../../shared/arrayRuns';
import type { Segmentation } from '../../../shared/contract';
import { NoNetworkOutputError, NoSegmentationError, NoSizeModelError } from '../errors';
import { shownPictures } from '../heldPlanes';
import type { HeldImage, KeptRun } from '../workspace';
import { refuseLargeRun } from '../largeRuns';
import { handlerGroup } from './handlerGroup';

/** The reply to a run or a re-threshold; `timings` gains 'measure', the time taken by the table and the outlines. */
function reply(held: HeldImage, run: KeptRun, labels: Uint16Array | Uint32Array, timings: Record<string, number>, made: { networkRan: boolean; historyRun: string | null }): Segmentation {
  const { width, height } = held.raster;
  const measureStart = performance.now();
  if (held.measured?.labels !== labels) {
    const ahead = held.measuredAhead.get(labels);
    const labels32 = ahead?.labels32 ?? (labels instanceof Uint32Array ? labels : new Uint32Array(labels));
    const { masks, outlines } = ahead ?? { masks: measureMasks(labels32, height, width, held.raster), outlines: outlinePixels(labels32, height, width) };
    held.measured = { labels, labels32, masks, outlines };
    // Kept as long as the masks are (the kept output holds a few per threshold), for a threshold that returns to them.
    held.measuredAhead.set(labels, { labels32, masks, outlines });
  }
  const { labels32, masks, outlines } = held.measured;
  timings.measure = performance.now() - measureStart;
  const { output: _output, ...summary } = run;
  return { ...summary, ...made, imageId: held.info.imageId, width, height, labels: labels32, outlines, maskCount: masks.length, masks, timings };
}

/**
 * The table, outlines and 32-bit labels of masks finished ahead, and the answer's runs of both, in steps (see
 * [Note: re-thresholding ahead] and [Note: label runs]).
 */
function measureAhead(held: HeldImage, runsAhead: RunsAhead): DeriveFromMasks {
  const { width, height } = held.raster;
  return function* (labels) {
    if (held.measuredAhead.has(labels)) return;
    const masks = measureMasks(labels, height, width, held.raster);
    yield;
    const outlines = outlinePixels(labels, height, width);
    yield;
    const labels32 = labels instanceof Uint32Array ? labels : new Uint32Array(labels);
    runsAhead.prepare(labels32);
    yield;
    runsAhead.prepare(outlines);
    held.measuredAhead.set(labels, { labels32, masks, outlines });
  };
}

export const segmentationHandlers = handlerGroup((workspace) => ({
  'segment:run': (request, hooks) =>
    workspace.runOnImage(request.imageId, 'segment:run', hooks.signal, async (signal) => {
      const { imageId } = request;
      const held = workspace.held(imageId);
      held.workAhead?.abort();
      const model = await workspace.model(request.model, request.provider);
      if (request.confirmLarge !== true) refuseLargeRun(held.raster, resolveSettings(request.settings), model);
      const image = rasterToPlanarFloat32(held.raster);
      const { result, record, recordError } = await segmentAndRecord({
        image,
        source: { name: held.info.name, sha256: async () => held.draftKey.sha256 },
        model,
        segment: () => segmentImage(image, model, request.settings, { signal, onProgress: (progress) => hooks.onProgress({ imageId, ...progress }) }),
        recorder: request.record ? workspace.recorder() : null,
      });
      if (recordError !== null) console.error(`CellDesk: the segmentation of ${held.info.name} was not recorded in the history:`, recordError);
      held.workAhead = new AbortController();
      result.kept.workAhead(held.workAhead.signal, measureAhead(held, workspace.runsAhead));
      held.run = {
        output: result.kept,
        settings: result.settings,
        networkRuns: (held.run?.networkRuns ?? 0) + 1,
        diameter: result.diameter,
        diameterFromStyle: result.diameterFromStyle,
        executionProvider: result.executionProvider,
        fallbackReasons: model.fallbackReasons.map((f) => `${f.provider}: ${f.reason}`),
        model: { name: model.resolved.name, path: model.resolved.path },
      };
      return reply(held, held.run, result.labels, result.timings, { networkRan: true, historyRun: record?.uuid ?? null });
    }),

  'segment:rethreshold': ({ imageId, flowThreshold, cellprobThreshold, minSize }) => {
    const held = workspace.held(imageId);
    const run = held.run;
    if (run === null) throw new NoSegmentationError(imageId);
    const settings = resolveSettings({ ...run.settings, flowThreshold, cellprobThreshold, minSize });
    const start = performance.now();
    const timings: Record<string, number> = {};
    const labels = run.output.masks(settings, timings);
    run.settings = settings;
    const segmentation = reply(held, run, labels, timings, { networkRan: false, historyRun: null });
    timings.total = performance.now() - start;
    // Kept with the masks, for a later threshold that gives the same ones (see [Note: label runs]).
    workspace.runsAhead.prepare(segmentation.labels);
    workspace.runsAhead.prepare(segmentation.outlines);
    return segmentation;
  },

  /** The diameter the model's size model estimates for the image, without segmenting it. */
  'segment:calibrate': (request, hooks) =>
    workspace.runOnImage(request.imageId, 'segment:calibrate', hooks.signal, async (signal) => {
      const { imageId, channels, batchSize, augment } = request;
      const held = workspace.held(imageId);
      const settings = resolveSettings({ channels, batchSize, augment });
      const model = await workspace.model(request.model, request.provider);
      const { sizeModel } = model;
      if (sizeModel === undefined) throw model.sizeModelError ?? new NoSizeModelError(model.resolved.name ?? basename(model.resolved.path));
      const estimate = await estimateImageDiameter(rasterToPlanarFloat32(held.raster), { ...model, sizeModel }, settings, {
        signal,
        onProgress: (progress) => hooks.onProgress({ imageId, ...progress }),
      });
      return { imageId, diameter: estimate.diameter, diameterFromStyle: estimate.fromStyle, model: { name: model.resolved.name, path: model.resolved.path }, timings: estimate.timings };
    }),

  'segment:cancel': ({ imageId }) => ({ cancelled: workspace.cancelRun(imageId) }),

  /** The image's kept network output as the viewer draws it (see [Note: network output display]). */
  'segment:networkOutput': ({ imageId }) => {
    const held = workspace.held(imageId);
    if (held.run !== null) return { imageId, ...displayNetworkOutput(held.run.output.flows) };
    // A session file's own pictures, where it has no network output to draw them from.
    const pictures = shownPictures(held);
    if (pictures === undefined) throw new NoNetworkOutputError(imageId);
    return { imageId, ...pictures };
  },
}));
