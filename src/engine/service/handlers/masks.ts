// The engine worker's handlers for the masks a user keeps: exports, and the draft that keeps unsaved edits (see
// [Note: mask drafts] in src/engine/io/drafts.ts). Node side (the engine worker; see [Note: engine worker]).
import { measureMasks } from '../../core/maskMeasurements';
import { outlinePixels } from '../../core/outlines';
import { InvalidSettingError } from '../../errors';
import { DraftUnreadableError } from '../../io/drafts';
import { draftSummary, type ExportFormat } from '../../../shared/contract';
import { resolveExportFolder } from '../exportFolder';
import { writeExports } from '../exportMasks';
import { handlerGroup } from './handlerGroup';

/** Exports that hold the labels themselves: writing one keeps the edits, so the draft is no longer needed. */
const LABEL_FORMATS: ReadonlySet<ExportFormat> = new Set<ExportFormat>(['labels-tiff', 'labels-png']);

export const maskHandlers = handlerGroup((workspace) => ({
  /** Writes the labels (and a label image export deletes the image's draft: see [Note: mask drafts]). */
  'masks:export': async ({ imageId, folder, ...request }) => {
    const { info, raster, draftKey } = workspace.held(imageId);
    const { formats } = request;
    const result = await writeExports({ ...request, imageName: info.name, raster, folder: resolveExportFolder(folder, info.exportFolder) });
    if (formats.some((format) => LABEL_FORMATS.has(format))) await workspace.drafts().delete(draftKey);
    return result;
  },

  'masks:saveDraft': ({ imageId, labels, summary }) => {
    const { info, raster, draftKey } = workspace.held(imageId);
    if (labels.length !== raster.width * raster.height) {
      throw new InvalidSettingError(`The masks to keep have ${labels.length} pixels, but the image has ${raster.width} x ${raster.height}.`, { labels: labels.length });
    }
    return workspace.drafts().save({ key: draftKey, width: raster.width, height: raster.height, imageName: info.name, summary, labels });
  },

  /** The image's draft as a segmentation, measured on the image. */
  'masks:loadDraft': async ({ imageId }) => {
    const { info, raster, draftKey } = workspace.held(imageId);
    const store = workspace.drafts();
    const draft = await store.load(draftKey);
    if (draft === null) return null;
    const path = store.pathOf(draftKey);
    if (draft.width !== raster.width || draft.height !== raster.height) throw new DraftUnreadableError(path, "its size is not the image's");
    const summary = draftSummary.safeParse(draft.summary);
    if (!summary.success) throw new DraftUnreadableError(path, 'its description of the masks is damaged');
    const { labels, width, height } = draft;
    const masks = measureMasks(labels, height, width, raster);
    const segmentation = {
      ...summary.data,
      imageId: info.imageId,
      width,
      height,
      labels,
      outlines: outlinePixels(labels, height, width),
      maskCount: masks.length,
      masks,
      timings: {},
      networkRuns: 0,
      networkRan: false,
      historyRun: null,
    };
    return { segmentation, savedAt: draft.savedAt };
  },

  'masks:discardDraft': async ({ imageId }) => ({ discarded: await workspace.drafts().delete(workspace.held(imageId).draftKey) }),
}));
