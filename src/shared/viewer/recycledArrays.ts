// Label images and outlines the window no longer shows, kept for the engine's next answer to be unpacked into, and
// the runs each shown array came as. Pure, runs anywhere (the renderer's engine clients and mask history).
//
// [Note: recycled label arrays] A re-threshold's answer unpacks into a new 22 MB label image and a 5.5 MB outline
// mask, and a fresh array costs a page fault per 4 kB before it holds anything: in Chromium, which maps large arrays
// afresh each time, that was a third of the view's time per change on a virtual machine. The arrays of the masks
// shown before are free once the undo history keeps those masks as runs (MaskHistory, for a 2D image, where nothing
// else holds them: a stack's planes do), so the history gives them back here and the next answer is unpacked into
// them. The runs an array was unpacked from are remembered until the array changes (MaskHistory says so after every
// edit, undo and redo), so the history keeps masks replaced before any edit without packing them again.
import type { ArrayRuns, RunArray, UnpackTarget } from '../arrayRuns';

/** Arrays kept at most: the labels and outlines of two sets of masks. */
const KEPT = 4;

type LabelLike = Uint8Array | Uint16Array | Uint32Array;

export class RecycledArrays implements UnpackTarget {
  private readonly free: RunArray[] = [];
  private readonly runs = new WeakMap<LabelLike, ArrayRuns>();

  /** Keeps `array` for a later answer; nothing may read or write it afterwards. */
  give(array: LabelLike): void {
    this.runs.delete(array);
    if (this.free.includes(array as RunArray)) return;
    this.free.push(array as RunArray);
    if (this.free.length > KEPT) this.free.shift();
  }

  /** An array given back of `kind` and `count` elements (its contents left over), or null. */
  take(kind: string, count: number): RunArray | null {
    const at = this.free.findIndex((array) => array.constructor.name === kind && array.length === count);
    return at < 0 ? null : this.free.splice(at, 1)[0]!;
  }

  unpacked(values: RunArray, runs: ArrayRuns): void {
    this.runs.set(values, runs);
  }

  /** The runs `array` was unpacked from, while it has not changed since. */
  runsOf(array: LabelLike): ArrayRuns | undefined {
    return this.runs.get(array);
  }

  /** `array` was changed in place: its runs are no longer its contents. */
  changed(array: LabelLike): void {
    this.runs.delete(array);
  }
}
