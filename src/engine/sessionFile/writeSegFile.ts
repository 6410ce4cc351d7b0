// Writes a session as a Cellpose session file (<image>_seg.npy) in io.masks_flows_to_seg's layout (see
// [Note: _seg.npy layout]), for np.load(path, allow_pickle=True).item() and the Cellpose GUI. Pure.
import { encodeObjectNpy } from '../formats/npy';
import { encodePickle } from '../formats/pickleWrite';
import { NdArray, ObjectArray, PythonDict, type PythonValue } from '../formats/pythonValue';
import { InvalidSettingError } from '../errors';
import { labelArray, largestLabel, sameShape } from './labelVolume';
import { flowsList } from './sessionFlows';
import type { CellposeSession } from './types';

/**
 * The bytes of `<image>_seg.npy` for `session`: masks_flows_to_seg's entries in its order (outlines, masks,
 * chan_choose, ismanual, filename, flows, diameter, restore, ratio, img_restore), then the GUI's (colors, est_diam,
 * zdraw, current_channel, manual_changes, model_path, flow_threshold, cellprob_threshold, normalize_params), then
 * the entries CellDesk kept without reading; each only when the session has it. Masks and outlines are uint16 while
 * their largest label is below 65535, else uint32, as Cellpose writes them.
 */
export function encodeSegFile(session: CellposeSession): Uint8Array {
  const { masks, outlines } = session;
  if (!sameShape(masks, outlines) || masks.data.length !== masks.planes * masks.height * masks.width) {
    throw new InvalidSettingError('A session\'s masks and outlines must have the same planes and size.', {
      masks: [masks.planes, masks.height, masks.width],
      outlines: [outlines.planes, outlines.height, outlines.width],
    });
  }
  const largest = Math.max(largestLabel(outlines.data), largestLabel(masks.data));
  const dict = new PythonDict();
  const put = (key: string, value: PythonValue | undefined): void => {
    if (value !== undefined) dict.set(key, value);
  };
  const int = (n: number | undefined) => (n === undefined ? undefined : BigInt(Math.trunc(n)));
  put('outlines', labelArray(outlines, largest));
  put('masks', labelArray(masks, largest));
  put('chan_choose', session.chanChoose?.map((c) => BigInt(c)));
  put('ismanual', session.isManual === undefined ? undefined : new NdArray('b1', [session.isManual.length], session.isManual));
  put('filename', session.filename);
  put('flows', flowsList(session.flows));
  put('diameter', session.diameter);
  put('restore', session.restore);
  put('ratio', session.ratio);
  put('img_restore', session.imgRestore);
  put('colors', session.colors);
  put('est_diam', session.estDiam);
  put('zdraw', session.zdraw);
  put('current_channel', int(session.currentChannel));
  put('manual_changes', session.manualChanges);
  put('model_path', session.modelPath === null ? 0n : session.modelPath);
  put('flow_threshold', session.flowThreshold);
  put('cellprob_threshold', session.cellprobThreshold);
  put('normalize_params', session.normalizeParams);
  for (const [key, value] of session.other) if (!dict.has(key)) dict.set(key, value);
  return encodeObjectNpy(encodePickle(new ObjectArray([], [dict])));
}
