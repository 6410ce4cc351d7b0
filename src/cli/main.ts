// Entry of the `celldesk` command line: dispatches to one module per command and turns errors into one clear line.
import { CellDeskError } from '../engine/errors';
import { ENGINE_VERSION } from '../engine/version';
import { HelpRequest, print, type CliIO, type CommandHandler } from './io';

const COMMANDS: Record<string, { summary: string; load: () => Promise<CommandHandler> }> = {
  segment: { summary: 'segment an image with a Cellpose model', load: async () => (await import('./commands/segment')).segmentCommand },
  models: { summary: 'list, download, import, remove and convert models', load: async () => (await import('./commands/models')).modelsCommand },
  bench: { summary: 'benchmark this computer\'s execution providers on Cellpose segmentation', load: async () => (await import('./commands/bench')).benchCommand },
  masks: { summary: 'convert masks between _seg.npy, label TIFF/PNG, ImageJ ROI sets and CSV', load: async () => (await import('./commands/masks')).masksCommand },
  history: { summary: 'list, show, export, import and repair benchmark and segmentation runs', load: async () => (await import('./commands/history')).historyCommand },
  serve: { summary: 'open CellDesk in a web browser (this computer only, with a token)', load: async () => (await import('./commands/serve')).serveCommand },
};

function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`);
  return ['Usage: celldesk <command> [options]', '', 'Commands:', ...lines, '', 'celldesk <command> --help for details.'].join('\n');
}

export async function runCli(argv: string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h') {
    print(io.stdout, usage());
    return name === undefined ? 1 : 0;
  }
  if (name === '--version') {
    print(io.stdout, ENGINE_VERSION);
    return 0;
  }
  const command = COMMANDS[name];
  if (command === undefined) {
    print(io.stderr, `celldesk: unknown command '${name}'.\n${usage()}`);
    return 1;
  }
  try {
    return await (await command.load())(rest, io);
  } catch (error) {
    if (error instanceof HelpRequest) {
      print(io.stdout, error.text);
      return 0;
    }
    if (error instanceof CellDeskError) {
      print(io.stderr, `celldesk ${name}: ${error.message}`);
      return 1;
    }
    print(io.stderr, `celldesk ${name}: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return 2;
  }
}
