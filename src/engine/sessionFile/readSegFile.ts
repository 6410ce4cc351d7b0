// Reads a Cellpose session file (<image>_seg.npy) through the restricted unpickler, admitting only NumPy's array
// reconstruction (see [Note: restricted unpickling] in ../checkpoint/pickle.ts), into a typed session. Pure.
import { NumpyArray, numpyGlobals } from '../checkpoint/numpyPickle';
import { unpickle } from '../checkpoint/pickle';
import { PickleDict, describeValue } from '../checkpoint/pickleValues';
import { parseNpy } from '../formats/npy';
import { NdArray, PythonDict, type PythonValue } from '../formats/pythonValue';
import { SEG_FILE_KIND, UnsafeSegFileError, invalidSegFile } from './errors';
import { labelsFromArray, outlinesOf, sameShape } from './labelVolume';
import { asIntegers, asNumber, toPythonValue } from './pythonValues';
import { readFlows } from './sessionFlows';
import type { CellposeSession } from './types';

const WHAT_IT_HOLDS = 'masks, outlines and flows saved by Cellpose (io.masks_flows_to_seg or the GUI) or CellDesk';

const ADMITTED = numpyGlobals({ fileKind: SEG_FILE_KIND, format: 'seg-npy', tagFloats: true });

/** The keys the session's typed fields come from; any other key is kept in `other`. */
const TYPED_KEYS = new Set([
  'masks',
  'outlines',
  'flows',
  'chan_choose',
  'ismanual',
  'filename',
  'diameter',
  'est_diam',
  'flow_threshold',
  'cellprob_threshold',
  'model_path',
  'colors',
  'normalize_params',
  'restore',
  'ratio',
  'img_restore',
  'manual_changes',
  'zdraw',
  'current_channel',
]);

/**
 * The session in `bytes`. Throws UnsafeSegFileError for a file that names code, FileFormatError for one that is
 * truncated, damaged, or holds no masks. Entries of the wrong type are left out and said in `notes`, so that a file
 * the GUI can open opens here too.
 */
export function readSegFile(bytes: Uint8Array): CellposeSession {
  const npy = parseNpy(bytes);
  if (npy.kind !== 'object') throw invalidSegFile(`This .npy file holds a plain array of numbers, not a Cellpose session (${WHAT_IT_HOLDS}).`);
  const root = unpickle(npy.pickle, {
    fileKind: SEG_FILE_KIND,
    admitted: ADMITTED,
    tagFloats: true,
    refuse: (global, offset) => new UnsafeSegFileError(global, offset),
  }).value;
  // np.save of a dict writes a 0-d object array holding the dict.
  const top = root instanceof NumpyArray && root.objects?.length === 1 ? root.objects[0]! : root;
  if (!(top instanceof PickleDict)) throw invalidSegFile(`This .npy file holds ${describeValue(top)}, not a Cellpose session (${WHAT_IT_HOLDS}).`);
  const dict = toPythonValue(top) as PythonDict;
  return sessionOf(dict);
}

function sessionOf(dict: PythonDict): CellposeSession {
  const notes: string[] = [];
  const masksValue = dict.get('masks');
  if (!(masksValue instanceof NdArray)) {
    const old = Array.isArray(dict.get('outlines'));
    throw invalidSegFile(
      old
        ? 'This Cellpose _seg.npy file is from an old Cellpose version that saved outlines without masks. Open it in the Cellpose GUI and save it again, then open that file.'
        : `This Cellpose _seg.npy file holds no masks ('masks' is ${masksValue === undefined ? 'missing' : 'not an array'}); a session file holds ${WHAT_IT_HOLDS}.`,
    );
  }
  const masks = labelsFromArray(masksValue, 'masks');
  const outlinesValue = dict.get('outlines');
  let outlines = outlinesValue instanceof NdArray ? labelsFromArray(outlinesValue, 'outlines') : null;
  if (outlines !== null && !sameShape(outlines, masks)) {
    notes.push("The file's outlines are not the size of its masks; they were drawn again from the masks.");
    outlines = null;
  }
  const session: CellposeSession = { masks, outlines: outlines ?? outlinesOf(masks), flows: readFlows(dict.get('flows'), masks, notes), other: new PythonDict(), notes };

  const read = <T>(key: string, expected: string, convert: (value: PythonValue) => T | undefined): T | undefined => {
    const value = dict.get(key);
    if (value === undefined) return undefined;
    const result = convert(value);
    if (result === undefined) notes.push(`'${key}' is not ${expected}; it was left out.`);
    return result;
  };
  const number = (key: string) => read(key, 'a number', asNumber);
  const text = (key: string) => read(key, 'text or None', (v) => (typeof v === 'string' ? v : v === null || asNumber(v) === 0 ? null : undefined));
  const array = (key: string) => read(key, 'an array', (v) => (v instanceof NdArray ? v : undefined));
  const fields: Omit<CellposeSession, 'masks' | 'outlines' | 'flows' | 'other' | 'notes'> = {
    chanChoose: read('chan_choose', 'two channel numbers', (v) => {
      const channels = asIntegers(v);
      return channels?.length === 2 ? (channels as [number, number]) : undefined;
    }),
    isManual: read('ismanual', 'one flag per mask', (v) =>
      v instanceof NdArray && v.shape.length === 1 ? Uint8Array.from(v.data as ArrayLike<number | bigint>, (b) => (Number(b) !== 0 ? 1 : 0)) : undefined,
    ),
    filename: read('filename', 'text', (v) => (typeof v === 'string' ? v : undefined)),
    diameter: number('diameter'),
    estDiam: number('est_diam'),
    flowThreshold: number('flow_threshold'),
    cellprobThreshold: number('cellprob_threshold'),
    ratio: number('ratio'),
    currentChannel: read('current_channel', 'a whole number', (v) => {
      const n = asNumber(v);
      return n !== undefined && Number.isSafeInteger(n) ? n : undefined;
    }),
    // The GUI writes 0 for "no model".
    modelPath: text('model_path'),
    restore: text('restore'),
    colors: array('colors'),
    imgRestore: array('img_restore'),
    normalizeParams: read('normalize_params', 'a dictionary', (v) => (v instanceof PythonDict ? v : undefined)),
    manualChanges: dict.get('manual_changes'),
    zdraw: dict.get('zdraw'),
  };
  for (const [key, value] of Object.entries(fields)) if (value !== undefined) Object.assign(session, { [key]: value });
  for (const [key, value] of dict) if (!TYPED_KEYS.has(String(key))) session.other.set(key, value);
  return session;
}

