// Test helper: runs the celldesk CLI in-process with captured output and its own data folder.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { runCli } from '../../src/cli/main';

function collector(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return { stream, text: () => chunks.join('') };
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `celldesk-${prefix}-`));
}

/** `stdin`: what a user types at a terminal, line by line (no stdin: not a terminal, as in scripts). */
export async function runCelldesk(argv: string[], env: NodeJS.ProcessEnv = {}, stdin?: string): Promise<CliRun> {
  const out = collector();
  const err = collector();
  const terminal = stdin === undefined ? undefined : Object.assign(Readable.from([stdin]), { isTTY: true });
  const code = await runCli(argv, { stdout: out.stream, stderr: err.stream, env: { CELLDESK_HOME: tempDir('home'), ...env }, stdin: terminal });
  return { code, stdout: out.text(), stderr: err.text() };
}
