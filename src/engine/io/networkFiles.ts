// Turns a model file on disk (PyTorch checkpoint or .onnx) into a runnable ONNX file, converting a checkpoint once
// and caching the result by the checkpoint's sha256. Node I/O around the pure converter.
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { CellDeskError } from '../errors';
import type { CpnetArchitecture } from '../checkpoint/types';
import { convertCheckpoint, readOnnxArchitecture, sha256Hex } from '../onnx/convertCheckpoint';
import { writeFileAtomically } from './atomicWrite';

export class ModelFileError extends CellDeskError {
  constructor(path: string, message: string, cause?: unknown) {
    super('MODEL_FILE', message, { path }, cause === undefined ? undefined : { cause });
  }
}

export interface PreparedNetwork {
  /** The .onnx file to open a session on. */
  onnxPath: string;
  /** The model for style-only passes: the encoder-only model for converted checkpoints, else onnxPath. */
  styleOnnxPath: string;
  architecture: CpnetArchitecture;
  /** sha256 of the file the user gave (checkpoint or ONNX). */
  sha256: string;
  /** True when this call converted the checkpoint (false: cache hit or an ONNX file). */
  converted: boolean;
}

interface CacheRecord {
  architecture: CpnetArchitecture;
  sha256: string;
}

export async function readModelBytes(path: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'does not exist' : code === 'EISDIR' ? 'is a folder, not a model file' : 'cannot be read';
    throw new ModelFileError(path, `The model file ${path} ${why}.`, error);
  }
}

/** ONNX files are protobuf with no signature; PyTorch checkpoints are zip ('PK') or pickle (0x80) files. */
function looksLikeCheckpoint(bytes: Uint8Array): boolean {
  return (bytes[0] === 0x50 && bytes[1] === 0x4b) || bytes[0] === 0x80;
}

async function readCacheRecord(path: string): Promise<CacheRecord | null> {
  try {
    const record = JSON.parse(await readFile(path, 'utf8')) as Partial<CacheRecord>;
    const architecture = record.architecture;
    return typeof architecture === 'object' && architecture !== null && Array.isArray(architecture.nbase) && architecture.diamMean > 0 ? (record as CacheRecord) : null;
  } catch {
    return null;
  }
}

/** The ONNX model for `modelPath`, converting a checkpoint into `cacheDir` on first use. */
export async function prepareNetwork(modelPath: string, cacheDir: string): Promise<PreparedNetwork> {
  const bytes = await readModelBytes(modelPath);
  const sha256 = sha256Hex(bytes);
  if (!looksLikeCheckpoint(bytes)) {
    if (!modelPath.toLowerCase().endsWith('.onnx')) {
      throw new ModelFileError(modelPath, `${basename(modelPath)} is neither a Cellpose/PyTorch checkpoint nor an .onnx model.`);
    }
    const { architecture } = readOnnxArchitecture(bytes);
    return { onnxPath: modelPath, styleOnnxPath: modelPath, architecture, sha256, converted: false };
  }
  const onnxPath = join(cacheDir, `${sha256}.onnx`);
  const styleOnnxPath = join(cacheDir, `${sha256}.style.onnx`);
  const recordPath = join(cacheDir, `${sha256}.json`);
  // The record is written last, so its presence means both models are complete; a record that does not read
  // (damaged on disk) is made again with the conversion.
  if ([onnxPath, styleOnnxPath, recordPath].every((p) => existsSync(p))) {
    const record = await readCacheRecord(recordPath);
    if (record !== null) return { onnxPath, styleOnnxPath, architecture: record.architecture, sha256, converted: false };
  }
  const converted = convertCheckpoint(bytes);
  await mkdir(cacheDir, { recursive: true });
  await writeFileAtomically(onnxPath, converted.onnx);
  await writeFileAtomically(styleOnnxPath, converted.styleOnnx);
  const record: CacheRecord = { architecture: converted.architecture, sha256 };
  await writeFileAtomically(recordPath, JSON.stringify(record, null, 2));
  return { onnxPath, styleOnnxPath, architecture: converted.architecture, sha256, converted: true };
}
