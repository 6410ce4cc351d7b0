// Test helper: comparing a label volume with official Cellpose's stitched one, plane by plane (AP on renumbered
// planes) and by the links between planes, as issue 12's acceptance asks ("the same links between planes").
import { matchMasks } from '../../src/engine/core/metrics';

export interface LinkReport {
  /** Official 3D labels found in two planes or more. */
  spanning: number;
  /** Of those, the ones whose matched CellDesk masks (one per plane, IoU > 0.5) carry one CellDesk label that no other official label shares. */
  sameLinks: number;
  /** Official labels (any span) whose matches break that rule. */
  broken: number[];
}

/**
 * "Same links between planes": for each official 3D label, the CellDesk mask matched to it in each plane where both
 * exist (IoU > 0.5, a unique match) is the same CellDesk 3D label in every such plane, and that CellDesk label is
 * matched to no other official label. A mask missing on one side is counted by the per-plane AP, not here.
 */
export function compareLinks(official: Uint32Array, ours: Uint32Array, planes: number, planeSize: number): LinkReport {
  const oursOf = new Map<number, Set<number>>();
  const officialOf = new Map<number, Set<number>>();
  const planesOf = new Map<number, number>();
  for (let z = 0; z < planes; z++) {
    const officialPlane = official.subarray(z * planeSize, (z + 1) * planeSize);
    for (const label of new Set(officialPlane)) if (label !== 0) planesOf.set(label, (planesOf.get(label) ?? 0) + 1);
    for (const { truth, predicted } of matchMasks(officialPlane, ours.subarray(z * planeSize, (z + 1) * planeSize))) {
      (oursOf.get(truth) ?? oursOf.set(truth, new Set()).get(truth)!).add(predicted);
      (officialOf.get(predicted) ?? officialOf.set(predicted, new Set()).get(predicted)!).add(truth);
    }
  }
  const consistent = (label: number) => {
    const matched = oursOf.get(label);
    return matched === undefined || (matched.size === 1 && officialOf.get([...matched][0]!)!.size === 1);
  };
  const spanning = [...planesOf].filter(([, count]) => count >= 2).map(([label]) => label);
  return {
    spanning: spanning.length,
    sameLinks: spanning.filter(consistent).length,
    broken: [...planesOf.keys()].filter((label) => !consistent(label)),
  };
}

/**
 * A plane of 3D labels numbered 1..n in label order: average_precision counts masks by the largest label, and a
 * plane of a volume holds only some of its labels.
 */
export function numberedFromOne(plane: Uint32Array): Uint32Array {
  const labels = [...new Set(plane)].filter((l) => l !== 0).sort((a, b) => a - b);
  const number = new Map(labels.map((label, i) => [label, i + 1]));
  return plane.map((label) => (label === 0 ? 0 : number.get(label)!));
}
