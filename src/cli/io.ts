// What a CLI command receives: its arguments and where to write; lets tests run commands in-process.
import { createInterface } from 'node:readline';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { InvalidSettingError } from '../engine/errors';

export interface CliIO {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  /** Where answers to questions come from; questions are asked only when it is a terminal (isTTY). */
  stdin?: NodeJS.ReadableStream & { isTTY?: boolean };
}

export type CommandHandler = (argv: string[], io: CliIO) => Promise<number>;

export function print(stream: NodeJS.WritableStream, line = ''): void {
  stream.write(`${line}\n`);
}

/** node:util parseArgs (strict, positionals allowed), with bad options reported as a setting error, not a stack trace. */
export function parseCommandLine<T extends ParseArgsConfig>(config: T, usage: string): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (error) {
    throw new InvalidSettingError(`${(error as Error).message}\nUsage: ${usage}`);
  }
}

/**
 * Asks a yes/no question on the terminal and waits for the answer (default no); null when there is no terminal to
 * ask on (a script, a pipe), so the caller decides without asking.
 */
export async function askYesNo(io: CliIO, question: string): Promise<boolean | null> {
  if (io.stdin?.isTTY !== true) return null;
  const reader = createInterface({ input: io.stdin, output: io.stderr, terminal: false });
  try {
    io.stderr.write(`${question} [y/N] `);
    const answer = await new Promise<string>((resolve) => {
      reader.once('line', resolve);
      reader.once('close', () => resolve(''));
    });
    return /^\s*y(es)?\s*$/i.test(answer);
  } finally {
    reader.close();
  }
}
