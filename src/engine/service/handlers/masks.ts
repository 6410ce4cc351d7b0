// The engine worker's handlers for the masks a user keeps: exports, the draft that keeps unsaved edits (see
// [Note: mask drafts] in src/engine/io/drafts.ts), and masks read from a file. Node side (the engine worker; see
// [Note: engine worker]).
import { basename } from 'node:path';
import { measureMasks } from '../../core/maskMeasurements';
import { outlinePixels } from '../../core/outlines';
import { InvalidSettingError } from '../../errors';
import { DraftUnreadableError } from '../../io/drafts';
import { MaskFileError, readMaskFile } from '../../io/maskFiles';
import { draftSummary, type DraftSummary, type ExportFormat, type Segmentation } from '../../../shared/contract';
import { resolveExportFolder } from '../exportFolder';
import { writeExports } from '../exportMasks';
import { draftKeysOf } from '../heldPlanes';
import { sessionToSave } from '../sessionSave';
import type { HeldImage } from '../workspace';
import { handlerGroup } from './handlerGroup';

/** Exports that hold the labels themselves: writing one keeps the edits, so the draft is no longer needed. */
const LABEL_FORMATS: ReadonlySet<ExportFormat> = new Set<ExportFormat>(['labels-tiff', 'labels-png', 'seg-npy']);

/** Masks shown over the held image without a run (a restored draft, masks from a file), measured on it. */
function shownMasks(held: HeldImage, labels: Uint32Array, summary: DraftSummary): Segmentation {
  const { info, raster } = held;
  const { width, height } = raster;
  const masks = measureMasks(labels, height, width, raster);
  return {
    ...summary,
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
}

export const maskHandlers = handlerGroup((workspace) => ({
  /** Writes the labels (and a label image export deletes the image's drafts, every plane's: see [Note: mask drafts]). */
  'masks:export': async ({ imageId, folder, ...request }) => {
    const held = workspace.held(imageId);
    const { info, raster } = held;
    const { formats, planes } = request;
    const session = (labels: Uint32Array) => sessionToSave(held, labels, planes);
    const result = await writeExports({ ...request, imageName: info.name, raster, folder: resolveExportFolder(folder, info.exportFolder), session });
    if (formats.some((format) => LABEL_FORMATS.has(format))) for (const key of draftKeysOf(held, planes)) await workspace.drafts().delete(key);
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
    const held = workspace.held(imageId);
    const { raster, draftKey } = held;
    const store = workspace.drafts();
    const draft = await store.load(draftKey);
    if (draft === null) return null;
    const path = store.pathOf(draftKey);
    if (draft.width !== raster.width || draft.height !== raster.height) throw new DraftUnreadableError(path, "its size is not the image's");
    const summary = draftSummary.safeParse(draft.summary);
    if (!summary.success) throw new DraftUnreadableError(path, 'its description of the masks is damaged');
    return { segmentation: shownMasks(held, draft.labels, summary.data), savedAt: draft.savedAt };
  },

  /** The masks of a file over the image; of a stack's masks, the plane the image shows. */
  'masks:load': async ({ imageId, path, summary }) => {
    const held = workspace.held(imageId);
    const { width, height } = held.raster;
    const { masks } = await readMaskFile(path, { width, height });
    if (masks.width !== width || masks.height !== height) {
      throw new MaskFileError(`The masks in ${basename(path)} are ${masks.width} x ${masks.height} pixels, but ${held.info.name} is ${width} x ${height}.`, { path });
    }
    const plane = masks.planes === 1 ? 0 : held.info.plane;
    if (plane >= masks.planes) throw new MaskFileError(`${basename(path)} holds ${masks.planes} planes of masks, and ${held.info.name} shows plane ${plane + 1}.`, { path });
    const labels = Uint32Array.from(masks.data.subarray(plane * width * height, (plane + 1) * width * height));
    return shownMasks(held, labels, summary);
  },

  'masks:discardDraft': async ({ imageId }) => ({ discarded: await workspace.drafts().delete(workspace.held(imageId).draftKey) }),
}));
