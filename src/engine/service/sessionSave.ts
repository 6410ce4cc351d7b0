// The Cellpose session file (<image>_seg.npy) of the masks the Segment view shows: its edited labels, the network
// output of the runs that made them (flows, as io.masks_flows_to_seg writes them), and the entries of the session file
// they were opened from. Node side (the engine worker's 'seg-npy' export).
import { sessionFromApp } from '../sessionFile/appSession';
import type { CellposeSession } from '../sessionFile/types';
import { DEFAULT_DIAMETER } from '../../shared/contract';
import { planeRun } from './heldPlanes';
import type { HeldImage, KeptRun } from './workspace';

/**
 * The session for `labels`: `planes` planes of the shown time point, or the shown plane. Flows are written when
 * every plane has a run at one cell probability threshold (the threshold their end points are computed at); masks
 * from a draft or drawn alone are saved without flows, as the Cellpose GUI saves masks it has no flows for.
 */
export function sessionToSave(held: HeldImage, labels: Uint32Array, planes = 1): CellposeSession {
  const { info, raster } = held;
  const runs = planes === 1 ? [held.run] : Array.from({ length: planes }, (_, plane) => planeRun(held, { plane, frame: info.frame }));
  const made = runs.filter((run): run is KeptRun => run !== null);
  const first = made[0];
  const sameThreshold = first !== undefined && made.every((run) => run.settings.cellprobThreshold === first.settings.cellprobThreshold);
  const network = made.length === planes && sameThreshold ? { planes: made.map((run) => run.output), cellprobThreshold: first.settings.cellprobThreshold } : undefined;
  const opened = held.planes.session;
  const base = opened?.session;
  return sessionFromApp({
    labels,
    width: raster.width,
    height: raster.height,
    planes,
    stack: planes > 1 || base?.masks.stack === true,
    // The image as Cellpose records it: its path, or the name the opened session recorded when it is not at hand.
    imagePath: info.path ?? opened?.recordedImage ?? info.name,
    channels: first?.settings.channels ?? base?.chanChoose ?? [0, 0],
    diameter: first?.diameter ?? base?.diameter ?? DEFAULT_DIAMETER,
    ...(network === undefined ? {} : { network }),
    ...(base === undefined ? {} : { base }),
  });
}
