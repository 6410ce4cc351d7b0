// Errors of checkpoint and size-model reading: a file that asks to run code, and a file that is not a Cellpose net.
// Pure, runs anywhere. See [Note: typed errors] in ../errors.ts.
import { CellDeskError } from '../errors';

/**
 * The file names a Python callable outside the short list a model file needs (see [Note: restricted unpickling] in
 * pickle.ts). Nothing in the file was run and nothing was loaded.
 */
export class UnsafeCheckpointError extends CellDeskError {
  readonly global: string;

  constructor(global: string, fileKind: string, offset: number) {
    super(
      'UNSAFE_CHECKPOINT',
      `This ${fileKind} asks Python to run '${global}', which a ${fileKind} never needs. ` +
        'It was not loaded and nothing in it was run: the file may be damaged or malicious. ' +
        'Use only model files from a source you trust.',
      { global, fileKind, offset },
    );
    this.global = global;
  }
}

/** The file is a readable PyTorch file but does not hold the weights of a Cellpose CPnet. */
export class NotACellposeModelError extends CellDeskError {
  constructor(message: string, details: Record<string, unknown> = {}, options?: ErrorOptions) {
    super('NOT_A_CELLPOSE_MODEL', message, details, options);
  }
}
