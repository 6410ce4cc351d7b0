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

/**
 * `--help` or `-h` was given: the command's help is printed on stdout instead of running it, with exit status 0
 * (src/cli/main.ts). Thrown rather than returned so that every command gets it from parseCommandLine alone.
 */
export class HelpRequest extends Error {
  constructor(readonly text: string) {
    super(text);
    this.name = 'HelpRequest';
  }
}

/** Whether the arguments ask for help: `--help` or `-h` before a `--` (after it, they are file names). */
export function wantsHelp(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).some((arg) => arg === '--help' || arg === '-h');
}

/**
 * node:util parseArgs (strict, positionals allowed), with bad options reported as a setting error, not a stack trace.
 * `--help` anywhere among the options answers with `help` (default: the usage line) instead.
 */
export function parseCommandLine<T extends ParseArgsConfig>(config: T, usage: string, help = `Usage: ${usage}`): ReturnType<typeof parseArgs<T>> {
  if (wantsHelp(config.args ?? [])) throw new HelpRequest(help);
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
