// Base of every error the engine raises on purpose; runs anywhere (Node, worker, browser).
// [Note: typed errors] Each failure a user can cause (bad file, bad setting, missing model) is a subclass with a
// stable `code` and the data behind it; `message` is a sentence a biologist can act on. The CLI prints `message`;
// the UI may choose its own wording from `code` and `details`.

export class CellDeskError extends Error {
  readonly code: string;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: string, message: string, details: Record<string, unknown> = {}, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.details = details;
  }
}

/** A file's bytes do not form what its format promises (truncated, corrupt, unsupported variant). */
export class FileFormatError extends CellDeskError {
  constructor(format: string, message: string, details: Record<string, unknown> = {}, options?: ErrorOptions) {
    super('FILE_FORMAT', message, { format, ...details }, options);
  }
}

/** A setting or argument outside what the engine accepts. */
export class InvalidSettingError extends CellDeskError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('INVALID_SETTING', message, details);
  }
}
