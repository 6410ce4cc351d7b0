// Test helper: makes a file or folder read-only for this process, as a user without write permission meets it:
// chmod for ordinary users, the immutable attribute (chattr +i) for root, whom permissions do not stop.
import { execFileSync } from 'node:child_process';
import { chmodSync, statSync, writeFileSync, rmSync, appendFileSync } from 'node:fs';
import { join } from 'node:path';

function stillWritable(path: string): boolean {
  try {
    if (statSync(path).isDirectory()) {
      const probe = join(path, '.write-probe');
      writeFileSync(probe, '');
      rmSync(probe);
    } else appendFileSync(path, '');
    return true;
  } catch {
    return false;
  }
}

/** Makes `path` read-only; returns the function that undoes it (call it before the test's files are removed). */
export function makeReadOnly(path: string): () => void {
  let undo: () => void;
  if (process.getuid?.() === 0) {
    execFileSync('chattr', ['+i', path]);
    undo = () => execFileSync('chattr', ['-i', path]);
  } else {
    const mode = statSync(path).mode & 0o777;
    chmodSync(path, statSync(path).isDirectory() ? 0o555 : 0o444);
    undo = () => chmodSync(path, mode);
  }
  if (stillWritable(path)) {
    undo();
    throw new Error(`${path} could not be made read-only on this system (chmod or chattr +i had no effect)`);
  }
  return undo;
}
