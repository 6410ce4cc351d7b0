// What the views show of a failed call: its message (CellDesk's errors are written for the user), its code and data.
// Renderer.

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The CellDeskError code a failure carries across the contract (CallFailedError), or null. */
export function codeOf(error: unknown): string | null {
  return typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : null;
}

/** The data a CellDeskError (or a CallFailedError across the contract) carries; empty for other failures. */
export function detailsOf(error: unknown): Readonly<Record<string, unknown>> {
  return typeof error === 'object' && error !== null && 'details' in error && typeof error.details === 'object' && error.details !== null ? (error.details as Record<string, unknown>) : {};
}
