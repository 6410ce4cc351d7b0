// What the engine keeps per plane of an open image besides the plane shown: the runs of the other planes, the last
// run over all planes (to re-threshold it as one volume), the pictures of a session file without its network output,
// and the session file the masks came from; and the moves between planes. Node side (the engine worker).
//
// [Note: planes of a held image] A held image shows one plane (Z) of one time point (T): `raster`, `run`, `measured`
// and `draftKey` are always that plane's, so the calls that predate stacks ('segment:run', 'segment:rethreshold',
// the drafts) work on the shown plane unchanged. 'image:plane' moves the shown plane's run into `planes.runs` and
// takes the new plane's out, and keys the draft by the new plane's first page, so each plane keeps its own run and
// draft. A run over all planes leaves one run per plane (each plane's network output, for its flows and its own
// re-threshold) and `stackRun`, which re-thresholds every plane and links them again as that run did.
import { measureMasks } from '../core/maskMeasurements';
import { outlinePixels } from '../core/outlines';
import type { ImageStack, PlanePosition } from '../image/imageStack';
import type { RasterImage } from '../image/raster';
import type { DraftKey } from '../io/drafts';
import type { KeptNetworkOutput } from '../pipeline/keptNetworkOutput';
import type { StackMethod } from '../pipeline/segmentStack';
import type { NetworkOutputPictures } from '../sessionFile/appSession';
import type { CellposeSession } from '../sessionFile/types';
import type { DraftSummary, OpenedImage, Segmentation } from '../../shared/contract';
import type { HeldImage, KeptRun } from './workspace';

/** The last run over all planes of a time point: what re-thresholds them together. */
export interface StackRun {
  frame: number;
  method: StackMethod;
  /** Per plane, its network output. */
  outputs: KeptNetworkOutput[];
  summary: DraftSummary;
  networkRuns: number;
}

export interface HeldPlanes {
  /** Runs of the planes not shown, by planeKey. */
  runs: Map<string, KeptRun>;
  stackRun: StackRun | null;
  /** A session file's flow and cell probability pictures by planeKey, where it has no network output to draw them from. */
  pictures: Map<string, NetworkOutputPictures>;
  /** The session file the masks were opened from: its entries are kept when the masks are saved as one. */
  session: { session: CellposeSession; recordedImage: string | null } | null;
}

export function emptyPlanes(): HeldPlanes {
  return { runs: new Map(), stackRun: null, pictures: new Map(), session: null };
}

export function planeKey({ plane, frame }: PlanePosition): string {
  return `${frame}:${plane}`;
}

function isShown(held: HeldImage, position: PlanePosition): boolean {
  return held.info.plane === position.plane && held.info.frame === position.frame;
}

/** The run of a plane: the shown plane's is `held.run` (see [Note: planes of a held image]). */
export function planeRun(held: HeldImage, position: PlanePosition): KeptRun | null {
  return isShown(held, position) ? held.run : (held.planes.runs.get(planeKey(position)) ?? null);
}

export function setPlaneRun(held: HeldImage, position: PlanePosition, run: KeptRun | null): void {
  if (isShown(held, position)) held.run = run;
  else if (run === null) held.planes.runs.delete(planeKey(position));
  else held.planes.runs.set(planeKey(position), run);
}

/** The shown plane's session pictures, if the masks came from a session file that has only those. */
export function shownPictures(held: HeldImage): NetworkOutputPictures | undefined {
  return held.planes.pictures.get(planeKey(held.info));
}

/** Shows another plane of the held image (see [Note: planes of a held image]); the image stays the same. */
export async function showPlane(held: HeldImage, position: PlanePosition, signal?: AbortSignal): Promise<OpenedImage> {
  if (isShown(held, position)) return held.info;
  const raster = await held.stack.readPlane(position, signal);
  const leaving = held.info;
  setPlaneRun(held, leaving, held.run);
  held.raster = raster;
  held.info = { ...held.info, plane: position.plane, frame: position.frame, page: raster.page };
  held.draftKey = { sha256: held.draftKey.sha256, page: raster.page };
  held.measured = null;
  // What was worked ahead was measured on the plane left (see [Note: re-thresholding ahead]).
  held.workAhead?.abort();
  held.workAhead = null;
  held.measuredAhead = new WeakMap();
  held.run = held.planes.runs.get(planeKey(position)) ?? null;
  held.planes.runs.delete(planeKey(position));
  return held.info;
}

/** The file's first page of a plane (what its draft is kept under), without decoding it. */
function firstPageOf(stack: ImageStack, position: PlanePosition): number | null {
  for (let page = 0; page < stack.description.pageCount; page++) {
    const found = stack.positionOfPage(page);
    if (found.plane === position.plane && found.frame === position.frame) return page;
  }
  return null;
}

/** The draft keys of the shown time point's `planes` planes, or the shown plane's alone. */
export function draftKeysOf(held: HeldImage, planes: number | undefined): DraftKey[] {
  if (planes === undefined || planes === 1) return [held.draftKey];
  const pages = Array.from({ length: planes }, (_, plane) => firstPageOf(held.stack, { plane, frame: held.info.frame }));
  return pages.filter((page): page is number => page !== null).map((page) => ({ sha256: held.draftKey.sha256, page }));
}

/** How a volume of masks was made, for each plane's Segmentation. */
export interface VolumeMade extends DraftSummary {
  networkRuns: number;
  networkRan: boolean;
  historyRun: string | null;
  timings: Record<string, number>;
}

/** One plane's masks measured on its own pixels, as the contract's Segmentation. */
function planeSegmentation(imageId: string, raster: RasterImage, labels: Uint32Array, made: VolumeMade): Segmentation {
  const { width, height } = raster;
  const masks = measureMasks(labels, height, width, raster);
  return { ...made, imageId, width, height, labels, outlines: outlinePixels(labels, height, width), maskCount: masks.length, masks };
}

/** Each plane of a label volume of the shown time point (planes one after the other) as a Segmentation. */
export async function volumeSegmentations(held: HeldImage, labels: ArrayLike<number>, made: VolumeMade, signal?: AbortSignal): Promise<Segmentation[]> {
  const { width, height, planes, frame, imageId } = held.info;
  const plane = width * height;
  const result: Segmentation[] = [];
  for (let z = 0; z < planes; z++) {
    const raster = z === held.info.plane ? held.raster : await held.stack.readPlane({ plane: z, frame }, signal);
    const own = Uint32Array.from({ length: plane }, (_, i) => labels[z * plane + i]!);
    result.push(planeSegmentation(imageId, raster, own, made));
  }
  return result;
}
