// Test helper: asserting that an operation fails with a given CellDeskError code.
import assert from 'node:assert/strict';
import { CellDeskError } from '../../src/engine/errors';

/** The CellDeskError `work` rejects with; fails the test unless it rejects with one whose code is `code`. */
export async function rejectsWithCode(work: Promise<unknown> | (() => unknown), code: string): Promise<CellDeskError> {
  const error = await Promise.resolve()
    .then(typeof work === 'function' ? work : () => work)
    .then(
      () => assert.fail(`expected a ${code} error`),
      (e: unknown) => e,
    );
  assert.ok(error instanceof CellDeskError, String(error));
  assert.equal(error.code, code, error.message);
  return error;
}
