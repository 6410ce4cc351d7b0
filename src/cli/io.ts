// What a CLI command receives: its arguments and where to write; lets tests run commands in-process.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { InvalidSettingError } from '../engine/errors';

export interface CliIO {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
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
