// Errors of the engine service (see [Note: typed errors] in src/engine/errors.ts); raised in its worker or on the
// thread that answers calls. Runs in Node.
import { CellDeskError } from '../errors';

/** A call named an image the service does not hold (never opened, closed, or lost when the engine restarted). */
export class ImageNotOpenError extends CellDeskError {
  constructor(imageId: string) {
    super('IMAGE_NOT_OPEN', 'This image is no longer open in CellDesk. Open it again.', { imageId });
  }
}

/** Re-thresholding needs a network output kept from an earlier run on the same image. */
export class NoSegmentationError extends CellDeskError {
  constructor(imageId: string) {
    super('NO_SEGMENTATION', 'This image has not been segmented yet: run the segmentation first, then adjust the thresholds.', { imageId });
  }
}

/** Per contract call that can be cancelled, what to say. */
const CANCELLED_MESSAGES: Readonly<Record<string, string>> = {
  'segment:run': 'The segmentation was cancelled.',
  'segment:runStack': 'The segmentation of the planes was cancelled.',
  'session:open': 'Opening the session file was cancelled.',
  'image:open': 'Opening the image was cancelled.',
  'image:upload': 'Opening the image was cancelled.',
  'segment:calibrate': 'Calibrating the diameter was cancelled.',
};

/** The user cancelled a running operation (or closed its image). */
export class OperationCancelledError extends CellDeskError {
  constructor(call: string) {
    super('CANCELLED', CANCELLED_MESSAGES[call] ?? 'The operation was cancelled.', { call });
  }
}

/** What each call that runs on an image does, for the sentence saying it was replaced. */
const RUN_NOUNS: Readonly<Record<string, string>> = {
  'segment:run': 'segmentation',
  'segment:calibrate': 'diameter calibration',
};

/**
 * A segmentation or calibration stopped because a newer one was started on the same image before it finished (see
 * [Note: one run per image] in workspace.ts); nobody cancelled it, and the newer run's result is the one kept.
 */
export class RunReplacedError extends CellDeskError {
  constructor(call: string, replacedBy: string) {
    const noun = (name: string) => RUN_NOUNS[name] ?? 'operation';
    super(
      'RUN_REPLACED',
      `This ${noun(call)} was replaced by a newer run: a ${noun(replacedBy)} of the same image was started before it finished, and its result is the one kept.`,
      { call, replacedBy },
    );
  }
}

/** An export could not be written as asked. */
export class ExportError extends CellDeskError {
  constructor(message: string, details: Record<string, unknown> = {}, cause?: unknown) {
    super('EXPORT_FAILED', message, details, cause === undefined ? undefined : { cause });
  }
}

/** An export would replace files that are there already, and replacing them was not confirmed. */
export class ExportFilesExistError extends CellDeskError {
  constructor(paths: string[]) {
    const listed = paths.length === 1 ? `${paths[0]} is there already` : `these files are there already: ${paths.join(', ')}`;
    super('EXPORT_FILES_EXIST', `Nothing was written: ${listed}. Confirm to replace ${paths.length === 1 ? 'it' : 'them'}, or choose another folder.`, { paths });
  }
}

/** The engine was stopped on purpose (CellDesk is closing) while a call ran. */
export class EngineStoppedError extends CellDeskError {
  constructor(reason: string) {
    super('ENGINE_STOPPED', `CellDesk's engine stopped (${reason}).`, { reason });
  }
}

/** Per call that may run long enough to be caught by a crash: what it was doing, and what to do now. */
const CRASH_WORDING: Readonly<Record<string, { doing: string; next: string }>> = {
  'image:open': { doing: 'opening the image', next: 'Open it again.' },
  'image:upload': { doing: 'opening the image', next: 'Open it again.' },
  'segment:run': { doing: 'segmenting', next: 'Run the segmentation again.' },
  'segment:calibrate': { doing: 'calibrating the diameter', next: 'Calibrate again.' },
  'segment:rethreshold': { doing: 'recomputing the masks', next: 'Run the segmentation again.' },
  'segment:networkOutput': { doing: 'preparing the flows', next: 'Run the segmentation again.' },
  'masks:export': { doing: 'exporting the masks', next: 'Export them again.' },
};

/**
 * The engine's host ended without being asked to (a native crash, the system killing it for memory), failing the
 * call `call`; the next call starts a fresh host. The images it held are gone, so the UI opens the image again and
 * keeps the masks and edits it shows (see [Note: engine host] in engineService.ts); `reason` is how the host ended.
 */
export class EngineCrashedError extends CellDeskError {
  constructor(call: string, reason: string) {
    const wording = CRASH_WORDING[call] ?? { doing: 'working', next: 'Try again.' };
    super(
      'ENGINE_CRASHED',
      `CellDesk's engine stopped unexpectedly (${reason}) while ${wording.doing}; it starts again by itself, and your masks and edits are kept. ${wording.next} If this repeats, the image may be too large for this computer's memory.`,
      { call, reason },
    );
  }
}

/** The flows and cell probability are shown from the network output of a run, and this image has had none. */
export class NoNetworkOutputError extends CellDeskError {
  constructor(imageId: string) {
    super('NO_NETWORK_OUTPUT', 'The flows and cell probability appear once the image has been segmented: run the segmentation first.', { imageId });
  }
}

/** Calibrating needs the model's size model (its `_size.npy` file), which this model does not have. */
export class NoSizeModelError extends CellDeskError {
  constructor(model: string) {
    super(
      'NO_SIZE_MODEL',
      `The model ${model} has no size model, so CellDesk cannot estimate the diameter with it. Type the cell diameter in pixels instead (or import the model together with its _size.npy file).`,
      { model },
    );
  }
}
