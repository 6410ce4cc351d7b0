// `celldesk models ...`: the model subcommands (convert here; the registry ones alongside).
import { InvalidSettingError } from '../../engine/errors';
import { convertCheckpoint } from '../../engine/onnx/convertCheckpoint';
import { writeFileAtomically } from '../../engine/io/atomicWrite';
import { readModelBytes } from '../../engine/io/networkFiles';
import { prepareOutputFile } from '../../engine/io/outputPaths';
import { parseCommandLine, print, type CliIO } from '../io';
import { subcommandDispatcher } from '../subcommands';
import { registryCommands } from './modelRegistry';

const CONVERT_USAGE = 'celldesk models convert <checkpoint> <out.onnx> [--json]';

async function convert(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandLine({ args: argv, options: { json: { type: 'boolean' } }, allowPositionals: true, strict: true }, CONVERT_USAGE);
  const [checkpointPath, outPath] = positionals;
  if (checkpointPath === undefined || outPath === undefined || positionals.length > 2) {
    throw new InvalidSettingError(`models convert needs a checkpoint and an output file.\nUsage: ${CONVERT_USAGE}`);
  }
  await prepareOutputFile(outPath);
  const { architecture, sha256, onnx } = convertCheckpoint(await readModelBytes(checkpointPath));
  await writeFileAtomically(outPath, onnx);
  if (values.json === true) {
    print(io.stdout, JSON.stringify({ checkpoint: checkpointPath, sha256, output: outPath, bytes: onnx.length, architecture }));
    return 0;
  }
  print(io.stdout, `Checkpoint   ${checkpointPath}`);
  print(io.stdout, `sha256       ${sha256}`);
  print(io.stdout, `Architecture Cellpose CPnet, nbase [${architecture.nbase.join(', ')}], ${architecture.nout} outputs, ${architecture.kernelSize}x${architecture.kernelSize} kernels`);
  print(io.stdout, `diam_mean    ${architecture.diamMean}`);
  print(io.stdout, `diam_labels  ${architecture.diamLabels}${architecture.hasDiamLabels ? '' : ' (not in the checkpoint: diam_mean used)'}`);
  print(io.stdout, `Wrote        ${outPath} (${(onnx.length / 1e6).toFixed(1)} MB)`);
  return 0;
}

export const modelsCommand = subcommandDispatcher('models', { ...registryCommands, convert: { handler: convert, usage: CONVERT_USAGE } });
