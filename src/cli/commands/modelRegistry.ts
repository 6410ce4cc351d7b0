// `celldesk models list | download | import | remove`: the model registry from the command line.
import { InvalidSettingError } from '../../engine/errors';
import type { DownloadProgress } from '../../engine/models/download';
import { ModelManager, type ModelListing } from '../../engine/models/modelManager';
import type { ModelRecord } from '../../engine/storage/modelRepository';
import { parseCommandLine, print, type CliIO, type CommandHandler } from '../io';
import type { Subcommand } from '../subcommands';

const USAGE = {
  list: 'celldesk models list [--json]',
  download: 'celldesk models download <name>... [--json]',
  import: 'celldesk models import <file> [--name N] [--json]',
  remove: 'celldesk models remove <name>',
};

/** Opens the registry for one command, with the environment the command was given. */
async function withManager(io: CliIO, work: (manager: ModelManager) => Promise<number>): Promise<number> {
  const manager = new ModelManager({ env: io.env });
  try {
    return await work(manager);
  } finally {
    manager.close();
  }
}

const SOURCE_WORDS: Record<ModelRecord['source'], string> = {
  catalogue: 'downloaded',
  'cellpose-folder': 'Cellpose folder',
  imported: 'imported',
};

function tableRow(listing: ModelListing): string[] {
  const { name, record } = listing;
  if (!listing.supported) return [name, 'not supported', '', '', '', ''];
  if (record === null) return [name, 'not downloaded', '', '', '', ''];
  return [
    name,
    SOURCE_WORDS[record.source],
    record.diamMean === null ? '?' : String(record.diamMean),
    record.sizeModelPath === null ? 'no' : 'yes',
    record.onnxPath === null ? 'no' : 'yes',
    record.sha256.slice(0, 12),
  ];
}

function printTable(io: CliIO, rows: string[][]): void {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  for (const row of rows) print(io.stdout, row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd());
}

const list: CommandHandler = (argv, io) =>
  withManager(io, async (manager) => {
    const { values, positionals } = parseCommandLine({ args: argv, options: { json: { type: 'boolean' } }, allowPositionals: true, strict: true }, USAGE.list);
    if (positionals.length > 0) throw new InvalidSettingError(`models list takes no arguments.\nUsage: ${USAGE.list}`);
    const { models, skipped } = await manager.list();
    if (values.json === true) {
      print(io.stdout, JSON.stringify({ modelsDir: manager.paths.modelsDir, cellposeDir: manager.cellposeDir, models, skipped }));
      return 0;
    }
    printTable(io, [['NAME', 'WHERE', 'DIAM', 'SIZE MODEL', 'ONNX', 'SHA256'], ...models.map(tableRow)]);
    print(io.stdout);
    for (const model of models) {
      if (!model.supported) print(io.stdout, `${model.name} is not supported: ${model.unsupportedReason ?? ''}.`);
    }
    print(io.stdout, `CellDesk models: ${manager.paths.modelsDir}`);
    print(io.stdout, `Cellpose folder: ${manager.cellposeDir}`);
    for (const skip of skipped) print(io.stderr, `Not used from the Cellpose folder: ${skip.path}: ${skip.reason}`);
    return 0;
  });

/** One progress line per file, rewritten in place on a terminal, silent otherwise. */
function progressPrinter(io: CliIO, name: string): (progress: DownloadProgress) => void {
  const terminal = (io.stderr as { isTTY?: boolean }).isTTY === true;
  return ({ url, receivedBytes, totalBytes }) => {
    if (!terminal) return;
    const file = url.slice(url.lastIndexOf('/') + 1);
    const done = totalBytes === null ? '' : ` ${((100 * receivedBytes) / totalBytes).toFixed(0).padStart(3)}%`;
    io.stderr.write(`\r${name}: ${file}${done} (${(receivedBytes / 1e6).toFixed(1)} MB)`);
  };
}

const download: CommandHandler = (argv, io) =>
  withManager(io, async (manager) => {
    const { values, positionals } = parseCommandLine({ args: argv, options: { json: { type: 'boolean' } }, allowPositionals: true, strict: true }, USAGE.download);
    if (positionals.length === 0) throw new InvalidSettingError(`models download needs a model name.\nUsage: ${USAGE.download}`);
    for (const name of positionals) {
      let fetched = false;
      const show = progressPrinter(io, name);
      const record = await manager.download(name, {
        onProgress: (progress) => {
          fetched = true;
          show(progress);
        },
      });
      if (fetched && (io.stderr as { isTTY?: boolean }).isTTY === true) io.stderr.write('\n');
      if (values.json === true) {
        print(io.stdout, JSON.stringify({ ...record, downloaded: fetched }));
        continue;
      }
      const how = fetched ? 'Downloaded' : record.source === 'cellpose-folder' ? 'Found in the Cellpose folder' : 'Already here';
      print(io.stdout, `${how}: ${name} -> ${record.path} (sha256 ${record.sha256})`);
    }
    return 0;
  });

const importFile: CommandHandler = (argv, io) =>
  withManager(io, async (manager) => {
    const { values, positionals } = parseCommandLine(
      { args: argv, options: { name: { type: 'string' }, json: { type: 'boolean' } }, allowPositionals: true, strict: true },
      USAGE.import,
    );
    const [file] = positionals;
    if (file === undefined || positionals.length > 1) throw new InvalidSettingError(`models import needs one model file.\nUsage: ${USAGE.import}`);
    const record = await manager.importModel(file, values.name === undefined ? {} : { name: values.name });
    if (values.json === true) {
      print(io.stdout, JSON.stringify(record));
      return 0;
    }
    const diameter = record.diamMean === null ? 'not recorded in the file' : String(record.diamMean);
    print(io.stdout, `Imported "${record.name}" (${record.format}, diam_mean ${diameter}, size model ${record.sizeModelPath === null ? 'none' : 'yes'})`);
    print(io.stdout, `Stored at ${record.path}`);
    return 0;
  });

const remove: CommandHandler = (argv, io) =>
  withManager(io, async (manager) => {
    const { positionals } = parseCommandLine({ args: argv, options: {}, allowPositionals: true, strict: true }, USAGE.remove);
    const [name] = positionals;
    if (name === undefined || positionals.length > 1) throw new InvalidSettingError(`models remove needs one model name.\nUsage: ${USAGE.remove}`);
    const record = await manager.remove(name);
    print(io.stdout, `Removed "${record.name}" and deleted ${record.path}`);
    return 0;
  });

/** The registry subcommands, for `celldesk models`. */
export const registryCommands: Record<string, Subcommand> = {
  list: { handler: list, usage: USAGE.list },
  download: { handler: download, usage: USAGE.download },
  import: { handler: importFile, usage: USAGE.import },
  remove: { handler: remove, usage: USAGE.remove },
};
