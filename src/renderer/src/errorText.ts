// What the views show of a failed call: its message (CellDesk's errors are written for the user), its code and data.
// Renderer.
import { CellDeskError } from '../../engine/errors';

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The CellDeskError code a failure carries across the contract (CallFailedError), or null. */
export function codeOf(error: unknown): string | null {
  return typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : null;
}

/** The data a CellDeskError carries across the contract (CallFailedError), or an empty record. */
export function detailsOf(error: unknown): Readonly<Record<string, unknown>> {
  return error instanceof CellDeskError ? error.details : {};
}
