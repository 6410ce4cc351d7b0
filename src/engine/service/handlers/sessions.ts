// The engine worker's handlers for opening Cellpose session files (<image>_seg.npy): by path, with the image the file
// names found as the Cellpose GUI finds it, or as uploaded bytes onto the open image; either way over a blank canvas
// of the masks' size when there is no image that fits them. Saving one is the 'seg-npy' export (../sessionSave.ts).
// Node side (the engine worker; see [Note: engine worker] in ../engineService.ts).
import { basename, dirname, join, resolve } from 'node:path';
import { CellDeskError } from '../../errors';
import { blankStack } from '../../image/blankStack';
import { readImageFile } from '../../io/imageFiles';
import { readSessionFile } from '../../io/maskFiles';
import { resolveSettings, type SegmentSettings } from '../../pipeline/settings';
import { openSessionForApp } from '../../sessionFile/appSession';
import { readSegFile } from '../../sessionFile/readSegFile';
import type { CellposeSession } from '../../sessionFile/types';
import { DEFAULT_DIAMETER, type OpenedSession } from '../../../shared/contract';
import { emptyPlanes, planeKey, setPlaneRun, volumeSegmentations } from '../heldPlanes';
import type { EngineWorkspace, HeldImage } from '../workspace';
import { handlerGroup } from './handlerGroup';

/** Where a session's masks go: the image found for it (a path), the open image (an upload), or neither. */
interface Placement {
  sessionName: string;
  imagePath: string | null;
  onto: HeldImage | null;
  /** Where a blank canvas's exports (the session saved again) go. */
  exportFolder: string;
}

interface Size {
  width: number;
  height: number;
  planes: number;
}

const describeSize = ({ width, height, planes }: Size) => `${width} x ${height} pixels${planes > 1 ? ` in ${planes} planes` : ''}`;
const fits = (image: Size, masks: Size) => image.width === masks.width && image.height === masks.height && image.planes === masks.planes;

/** The settings the file records, for the controls; Cellpose's defaults (said in `notes`) where they are out of range. */
function recordedSettings(recorded: Partial<SegmentSettings>, notes: string[]): SegmentSettings {
  const { channels, diameter, flowThreshold, cellprobThreshold } = recorded;
  try {
    return resolveSettings({ channels, diameter: diameter ?? DEFAULT_DIAMETER, flowThreshold, cellprobThreshold });
  } catch (error) {
    notes.push(`The settings the file records are not ones CellDesk uses (${(error as Error).message}); Cellpose's defaults are shown instead.`);
    return resolveSettings({});
  }
}

/** The held image the masks go on, or why there is none. */
async function imageFor(workspace: EngineWorkspace, masks: Size, placement: Placement, recordedImage: string | null, signal: AbortSignal): Promise<HeldImage | string> {
  const { onto, imagePath } = placement;
  if (onto !== null) return fits(onto.info, masks) ? onto : `the open image ${onto.info.name} is ${describeSize(onto.info)} and the masks are ${describeSize(masks)}`;
  if (imagePath === null) {
    return recordedImage === null ? 'the session file names no image' : `${recordedImage} was found neither where the file says nor beside the session file`;
  }
  try {
    // A stack's session holds planes: the image's pages are read as planes, as Cellpose's 3D GUI reads them.
    const { bytes, stack } = await readImageFile(imagePath, { signal, pagesAsPlanes: masks.planes > 1 });
    if (!fits(stack.description, masks)) return `${basename(imagePath)} is ${describeSize(stack.description)} and the masks are ${describeSize(masks)}`;
    const info = await workspace.hold(stack, bytes, undefined, { name: basename(imagePath), path: imagePath, exportFolder: dirname(imagePath) }, signal);
    await workspace.recentFiles().record(imagePath).catch(() => undefined);
    return workspace.held(info.imageId);
  } catch (error) {
    if (signal.aborted || !(error instanceof CellDeskError)) throw error;
    return `${basename(imagePath)} could not be read: ${error.message}`;
  }
}

/** Shows `session` as the masks of an image (see Placement); its network output becomes each plane's run. */
async function openSession(workspace: EngineWorkspace, session: CellposeSession, placement: Placement, signal: AbortSignal): Promise<OpenedSession> {
  const opened = openSessionForApp(session);
  const notes = [...opened.notes];
  const recordedImage = opened.filename === null || opened.filename === '' ? null : opened.filename;
  let held = await imageFor(workspace, opened, placement, recordedImage, signal);
  const imageMissing = typeof held === 'string' ? held : null;
  if (typeof held === 'string') {
    const name = recordedImage === null ? placement.sessionName.replace(/_seg\.npy$/i, '') || 'session' : basename(recordedImage.replaceAll('\\', '/'));
    const content = new Uint8Array(opened.labels.buffer, opened.labels.byteOffset, opened.labels.byteLength);
    const info = await workspace.hold(blankStack(opened.width, opened.height, opened.planes), content, undefined, { name, path: null, exportFolder: placement.exportFolder }, signal);
    held = workspace.held(info.imageId);
  }
  // The image's own runs made other masks: the session's network output takes their place.
  held.planes = { ...emptyPlanes(), session: { session, recordedImage } };
  held.run = null;
  held.measured = null;
  held.workAhead?.abort();
  const settings = recordedSettings(opened.settings, notes);
  const summary = {
    settings,
    diameter: settings.diameter === 'estimate' ? DEFAULT_DIAMETER : settings.diameter,
    diameterFromStyle: null,
    executionProvider: 'cpu' as const,
    fallbackReasons: [],
    model: { name: null, path: session.modelPath ?? '' },
  };
  const { frame } = held.info;
  opened.kept?.forEach((output, plane) => setPlaneRun(held, { plane, frame }, { ...summary, output, networkRuns: 0 }));
  if (opened.kept === null) opened.networkPictures?.forEach((pictures, plane) => held.planes.pictures.set(planeKey({ plane, frame }), pictures));
  return {
    image: held.info,
    sessionName: placement.sessionName,
    recordedImage,
    imageFound: imageMissing === null,
    imageMissing,
    planes: await volumeSegmentations(held, opened.labels, { ...summary, networkRuns: 0, networkRan: false, historyRun: null, timings: {} }, signal),
    networkOutput: opened.kept !== null ? 'kept' : opened.networkPictures !== null ? 'pictures' : 'none',
    notes,
  };
}

export const sessionHandlers = handlerGroup((workspace) => ({
  'session:open': async ({ path }, hooks) => {
    const { session, imagePath } = await readSessionFile(path);
    return openSession(workspace, session, { sessionName: basename(path), imagePath, onto: null, exportFolder: dirname(resolve(path)) }, hooks.signal);
  },

  'session:upload': ({ name, bytes, imageId }, hooks) => {
    const session = readSegFile(bytes);
    const onto = imageId === undefined ? null : workspace.held(imageId);
    const sessionName = basename(name.replaceAll('\\', '/'));
    return openSession(workspace, session, { sessionName, imagePath: null, onto, exportFolder: join(workspace.paths.dataDir, 'exports') }, hooks.signal);
  },
}));
