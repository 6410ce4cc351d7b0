// Commands made of subcommands (`celldesk models list`, `history show`, `masks convert`): one dispatcher that lists
// them for `--help`, refuses an unknown one with the list, and answers `<subcommand> --help` with its usage before
// the subcommand opens anything (a registry, a database).
import { HelpRequest, print, wantsHelp, type CommandHandler } from './io';

export interface Subcommand {
  handler: CommandHandler;
  /** One line: `celldesk <command> <subcommand> ...`. */
  usage: string;
  /** What `--help` prints; default: the usage line. */
  help?: string;
}

export function subcommandDispatcher(command: string, subcommands: Readonly<Record<string, Subcommand>>): CommandHandler {
  const usage = () =>
    [`Usage: celldesk ${command} <subcommand> ...`, '', ...Object.values(subcommands).map((s) => `  ${s.usage}`), '', `celldesk ${command} <subcommand> --help for details.`].join(
      '\n',
    );
  return async (argv, io) => {
    const [name, ...rest] = argv;
    if (name === '--help' || name === '-h') {
      print(io.stdout, usage());
      return 0;
    }
    const sub = name !== undefined && Object.hasOwn(subcommands, name) ? subcommands[name] : undefined;
    if (sub === undefined) {
      print(io.stderr, name === undefined ? usage() : `celldesk ${command}: unknown subcommand '${name}'.\n${usage()}`);
      return 1;
    }
    if (wantsHelp(rest)) throw new HelpRequest(sub.help ?? `Usage: ${sub.usage}`);
    return sub.handler(rest, io);
  };
}
