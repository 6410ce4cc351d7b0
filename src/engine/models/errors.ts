// The failures a user can meet while getting a model (download, import, lookup), as typed errors; Node side.
// See [Note: typed errors] in src/engine/errors.ts.
import { basename } from 'node:path';
import { CellDeskError } from '../errors';

const MIRROR_HINT = 'A lab mirror of the model files can be set with the CELLDESK_MODEL_URL environment variable.';

/** Words for the network failures people actually meet, from Node's error codes. */
function describeNetworkFailure(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  const code = (cause as { code?: unknown } | null)?.code;
  switch (code) {
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'the server name could not be looked up: no internet connection?';
    case 'ECONNREFUSED':
      return 'the connection was refused';
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
      return 'the connection was closed by the other side';
    case 'ETIMEDOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return 'the connection timed out';
    default:
      return cause instanceof Error ? cause.message : String(cause);
  }
}

/** The model server cannot be reached at all: offline, firewall, wrong mirror address. */
export class ModelServerUnreachableError extends CellDeskError {
  constructor(url: string, destination: string, cause: unknown) {
    const reason = describeNetworkFailure(cause);
    super(
      'MODEL_SERVER_UNREACHABLE',
      `CellDesk could not download ${basename(destination)} from ${url} (${reason}). If this computer is offline, ` +
        `download that address on a computer with internet access and save the file as ${destination}; CellDesk ` +
        `will use it from there. ${MIRROR_HINT}`,
      { url, destination, reason },
      { cause },
    );
  }
}

/** The server answered, but not with the file. */
export class ModelServerResponseError extends CellDeskError {
  constructor(url: string, status: number, statusText: string) {
    super(
      'MODEL_SERVER_RESPONSE',
      `The model server answered "${status} ${statusText}" for ${url}. Check the model name and, if you use a lab ` +
        `mirror (CELLDESK_MODEL_URL), that the file is on it.`,
      { url, status },
    );
  }
}

/** The connection kept dropping; what arrived is kept, and the next try continues from there. */
export class DownloadInterruptedError extends CellDeskError {
  constructor(url: string, receivedBytes: number, totalBytes: number | null, attempts: number, cause: unknown) {
    const reason = describeNetworkFailure(cause);
    const of = totalBytes === null ? '' : ` of ${totalBytes}`;
    super(
      'DOWNLOAD_INTERRUPTED',
      `The download of ${url} stopped after ${receivedBytes}${of} bytes, ${attempts} time(s) (${reason}). Start it ` +
        `again when the connection is better: it continues where it stopped.`,
      { url, receivedBytes, totalBytes, attempts, reason },
      { cause },
    );
  }
}

/** A downloaded file is not the one expected; it has been deleted. */
export class IntegrityError extends CellDeskError {
  constructor(url: string, expected: { sha256?: string; bytes?: number }, actual: { sha256?: string; bytes: number }) {
    const what =
      expected.bytes !== undefined && expected.bytes !== actual.bytes
        ? `${actual.bytes} bytes instead of ${expected.bytes}`
        : `sha256 ${actual.sha256 ?? '?'} instead of ${expected.sha256 ?? '?'}`;
    super(
      'DOWNLOAD_INTEGRITY',
      `The file downloaded from ${url} is not the expected one (${what}), so CellDesk deleted it. Try again; if it ` +
        `happens again, the server or mirror is serving a different or damaged file.`,
      { url, expected, actual },
    );
  }
}

export class DownloadCancelledError extends CellDeskError {
  constructor(url: string) {
    super('DOWNLOAD_CANCELLED', `The download of ${url} was cancelled.`, { url });
  }
}

/** A name that is not a model CellDesk knows (nor, where a path was allowed, an existing file). */
export class UnknownModelError extends CellDeskError {
  constructor(reference: string, knownNames: readonly string[], pathsAllowed: boolean) {
    const where = pathsAllowed ? ' and no file at that path' : '';
    const own = pathsAllowed ? ' To use your own model, give the path of its file or import it first.' : '';
    super(
      'UNKNOWN_MODEL',
      `There is no model called "${reference}"${where}. Known models: ${knownNames.join(', ')}.${own}`,
      { reference, knownNames },
    );
  }
}

/** An official model CellDesk knows of but cannot run. */
export class UnsupportedModelError extends CellDeskError {
  constructor(name: string, reason: string) {
    super('UNSUPPORTED_MODEL', `CellDesk cannot run the model "${name}": ${reason}.`, { name, reason });
  }
}

/** A model name that cannot be used for a new entry. */
export class ModelNameError extends CellDeskError {
  constructor(name: string, problem: string) {
    super('MODEL_NAME', `The model name "${name}" cannot be used: ${problem}.`, { name, problem });
  }
}

/** A model file that is no longer where CellDesk recorded it, or changed since. */
export class ModelFileChangedError extends CellDeskError {
  constructor(name: string, path: string, problem: string) {
    super(
      'MODEL_FILE_CHANGED',
      `The model "${name}" was recorded at ${path}, but ${problem}. Import it again (or remove it with ` +
        `\`celldesk models remove ${name}\`).`,
      { name, path, problem },
    );
  }
}

/** Removing a model CellDesk does not own: the user's Cellpose folder stays untouched. */
export class ModelNotRemovableError extends CellDeskError {
  constructor(name: string, path: string) {
    super(
      'MODEL_NOT_REMOVABLE',
      `The model "${name}" is used from your Cellpose model folder (${path}); CellDesk never deletes Cellpose's ` +
        `files. Delete it there if you no longer want it.`,
      { name, path },
    );
  }
}

/** A size model (`_size.npy`) that CellDesk will not use; keeps the reader's own code and explanation. */
export class SizeModelRefusedError extends CellDeskError {
  /** `consequence`: what happens because of it, as a sentence ("Nothing was imported."). */
  constructor(path: string, cause: CellDeskError, consequence: string) {
    super(cause.code, `The size model ${path} cannot be used: ${cause.message} ${consequence}`, { ...cause.details, sizeModelPath: path }, { cause });
  }
}
