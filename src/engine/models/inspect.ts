// Reads what the registry records about a model file: format, sha256, size, and the diameter it was trained for;
// Node side.
import { basename } from 'node:path';
import { describeCpnet } from '../checkpoint/cpnet';
import { loadSizeModel, type SizeModel } from '../checkpoint/sizeModel';
import { NotACellposeModelError } from '../checkpoint/errors';
import { loadStateDict } from '../checkpoint/torchCheckpoint';
import { CellDeskError, FileFormatError } from '../errors';
import { readModelBytes } from '../io/networkFiles';
import { readOnnxArchitecture, sha256Hex } from '../onnx/convertCheckpoint';
import type { ModelFormat } from '../storage/modelRepository';
import { SizeModelRefusedError } from './errors';
import { fileStamp, type FileStamp } from './fileStamp';

export interface ModelFileFacts extends FileStamp {
  format: ModelFormat;
  sha256: string;
  /** null for an ONNX file that does not record it (one CellDesk did not write). */
  diamMean: number | null;
}

/**
 * Checks that `path` holds a Cellpose segmentation network (a CPnet checkpoint, or an .onnx model) and reads its
 * facts. Throws the checkpoint reader's typed errors for anything else.
 */
export async function inspectModelFile(path: string): Promise<ModelFileFacts> {
  const bytes = await readModelBytes(path);
  const stamp = await fileStamp(path);
  const sha256 = sha256Hex(bytes);
  if (path.toLowerCase().endsWith('.onnx')) {
    let onnx: ReturnType<typeof readOnnxArchitecture>;
    try {
      onnx = readOnnxArchitecture(bytes);
    } catch (error) {
      throw new FileFormatError('onnx', `${basename(path)} is not a readable ONNX model.`, { path }, { cause: error });
    }
    return { ...stamp, format: 'onnx', sha256, diamMean: onnx.fromMetadata ? onnx.architecture.diamMean : null };
  }
  const architecture = describeCpnet(loadStateDict(bytes));
  if (architecture.nout !== 3) {
    throw new NotACellposeModelError(
      `${basename(path)} holds a Cellpose network with ${architecture.nout} output(s), not a segmentation model ` +
        '(3 outputs: two flows and the cell probability). Image-restoration models cannot segment.',
      { path, nout: architecture.nout },
    );
  }
  return { ...stamp, format: 'checkpoint', sha256, diamMean: architecture.diamMean };
}

/**
 * Reads and checks a size model file with the same restricted reader as checkpoints (nothing in it is run); a file
 * that cannot be used is refused with the reader's own explanation, followed by `consequence`.
 */
export async function inspectSizeModelFile(path: string, consequence: string): Promise<SizeModel> {
  try {
    return loadSizeModel(await readModelBytes(path));
  } catch (error) {
    if (error instanceof CellDeskError && error.code !== 'MODEL_FILE') throw new SizeModelRefusedError(path, error, consequence);
    throw error;
  }
}
