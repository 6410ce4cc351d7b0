// Errors of reading and writing Cellpose session files (_seg.npy). Pure. See [Note: typed errors] in ../errors.ts.
import { CellDeskError, FileFormatError } from '../errors';

export const SEG_FILE_KIND = 'Cellpose _seg.npy file';

/**
 * The _seg.npy names a Python callable beyond NumPy's array reconstruction (see [Note: restricted unpickling] in
 * ../checkpoint/pickle.ts). Nothing in it was run.
 */
export class UnsafeSegFileError extends CellDeskError {
  readonly global: string;

  constructor(global: string, offset: number) {
    super(
      'UNSAFE_SEG_FILE',
      `This ${SEG_FILE_KIND} asks Python to run '${global}', which a Cellpose session file never needs. It was not ` +
        'opened and nothing in it was run: the file may be damaged or malicious. Open only session files from a source you trust.',
      { global, offset },
    );
    this.global = global;
  }
}

/** The file is a readable pickle but not a session Cellpose or CellDesk could have written. */
export function invalidSegFile(message: string, details: Record<string, unknown> = {}): FileFormatError {
  return new FileFormatError('seg-npy', message, details);
}
