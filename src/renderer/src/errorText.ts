// What the views show of a failed call: its message (CellDesk's errors are written for the user) and its code.
// Renderer.

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The CellDeskError code a failure carries across the contract (CallFailedError), or null. */
export function codeOf(error: unknown): string | null {
  return typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : null;
}
