// What a Cellpose session file (<image>_seg.npy) holds, as CellDesk reads and writes it. Types only.
//
// [Note: _seg.npy layout] A _seg.npy is np.save of a dict (a pickle inside an object .npy). Cellpose 3.0.11 writes
// two kinds. io.masks_flows_to_seg (the CLI, notebooks, the reference files in ../shared/reference/seg) writes, in
// this order: outlines (each mask's label on its outer contour, else 0), masks (labels, uint16 while the largest
// label is below 65535, else uint32, for both), chan_choose ([segment channel, nuclear channel] as ints),
// ismanual (bool per mask), filename (the image's path), flows (five arrays, below) and diameter (a float); with
// image restoration also restore, ratio and img_restore. The GUI's save (gui/io.py _save_sets) adds colors,
// manual_changes, model_path, flow_threshold, cellprob_threshold, normalize_params, restore, ratio (and, for
// stacks, zdraw and current_channel, without chan_choose and ismanual); files from older versions may carry
// est_diam or the image itself (img). Masks are [H, W], or [Z, H, W] for stacks. The flows of a 2D image are
// [flow picture u8 [1, H, W, 3], cell probability picture u8 [1, H, W], zeros u8 [1, H, W, 3], the dynamics' end
// points p f32 [2, H, W], the network output f32 [3, H, W] (dY, dX, cell probability)]; of a stack [picture
// [Z, H, W, 3], cell probability [Z, H, W], dY picture [Z, H, W], p [Z, 2, H, W], network output [3, Z, H, W]].
// The GUI saves only the first two pictures after its own runs, and [[], [], [], [], [[]]] when it has no flows.
import type { NdArray, PythonDict, PythonValue } from '../formats/pythonValue';

/** Labels: 0 background, 1..N masks, row-major; `planes` 1 for a 2D image. */
export interface LabelVolume {
  width: number;
  height: number;
  /** Z planes; 1 for a 2D image. */
  planes: number;
  /** True for a stack ([Z, H, W] in the file), even of one plane. */
  stack: boolean;
  data: Uint16Array | Uint32Array;
}

/** The flows list by position (see [Note: _seg.npy layout]); null where the file has none or an empty list. */
export interface SessionFlows {
  /** flows[0]: the flow field as Cellpose colours it (plot.dx_to_circ), RGB bytes. */
  picture: NdArray | null;
  /** flows[1]: the cell probability stretched to grey bytes (normalize99). */
  cellprobPicture: NdArray | null;
  /** flows[2]: zeros for a 2D image; dY as grey bytes for a stack. */
  thirdPicture: NdArray | null;
  /** flows[3]: where each pixel ended after the dynamics (p): y then x, float32 (uint16 zeros when none moved). */
  pixelPositions: NdArray | null;
  /** flows[4]: the network output at image size: dY, dX (not divided by 5), cell probability logit; float32. */
  network: NdArray | null;
}

/** A Cellpose session: every entry official files carry, typed; `undefined` where the file lacks the entry. */
export interface CellposeSession {
  masks: LabelVolume;
  /** Each mask's label on its outer contour (utils.masks_to_outlines times masks). */
  outlines: LabelVolume;
  flows: SessionFlows;
  /** [segment channel, nuclear channel], 0 = grey / none, 1 = red, 2 = green, 3 = blue. */
  chanChoose?: [number, number];
  /** Per mask (label l at l - 1): 1 where the user drew it by hand. */
  isManual?: Uint8Array;
  /** The image's path as Cellpose recorded it. */
  filename?: string;
  diameter?: number;
  /** The diameter older Cellpose versions estimated. */
  estDiam?: number;
  flowThreshold?: number;
  cellprobThreshold?: number;
  /** The model's path; null where the GUI wrote 0 (no model run). */
  modelPath?: string | null;
  /** Per mask, its colour in the GUI (RGB), as stored. */
  colors?: NdArray;
  /** The GUI's normalisation settings (percentile, tile_norm_blocksize, ...), as stored. */
  normalizeParams?: PythonDict;
  /** The image restoration applied ('denoise_cyto3', ...), or null for none. */
  restore?: string | null;
  /** The restoration's upsampling ratio. */
  ratio?: number;
  /** The restored image. */
  imgRestore?: NdArray;
  /** The GUI's log of hand edits ([time, what, pixels] per edit), as stored. */
  manualChanges?: PythonValue;
  /** Per mask of a stack, the planes drawn on, as stored. */
  zdraw?: PythonValue;
  /** The GUI's colour view of a stack. */
  currentChannel?: number;
  /** Entries CellDesk does not interpret (such as an embedded image, img), kept so a save keeps them. */
  other: PythonDict;
  /** What the reader could not use and left out, in words (flows of another size, ...). */
  notes: string[];
}
