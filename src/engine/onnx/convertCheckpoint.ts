// Checkpoint bytes -> CPnet description + ONNX model bytes; pure (hashing aside), the heart of `models convert`.
import { createHash } from 'node:crypto';
import { describeCpnet } from '../checkpoint/cpnet';
import { loadStateDict } from '../checkpoint/torchCheckpoint';
import type { CpnetArchitecture } from '../checkpoint/types';
import { FileFormatError } from '../errors';
import { ENGINE_VERSION } from '../version';
import { buildCpnetOnnx } from './cpnetGraph';
import { ModelProto } from './onnxSchema';

export interface ConvertedModel {
  architecture: CpnetArchitecture;
  /** sha256 of the checkpoint file, hex. */
  sha256: string;
  onnx: Uint8Array;
  /** The encoder-only model for diameter estimation (see [Note: style-only network]). */
  styleOnnx: Uint8Array;
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function convertCheckpoint(checkpoint: Uint8Array): ConvertedModel {
  const weights = loadStateDict(checkpoint);
  const architecture = describeCpnet(weights);
  const sha256 = sha256Hex(checkpoint);
  const options = { sourceSha256: sha256, producerVersion: ENGINE_VERSION };
  return {
    architecture,
    sha256,
    onnx: buildCpnetOnnx(weights, architecture, options),
    styleOnnx: buildCpnetOnnx(weights, architecture, { ...options, styleOnly: true }),
  };
}

/**
 * What an .onnx file says about itself. Files CellDesk wrote carry the CPnet description in their metadata; for any
 * other ONNX file the Cellpose defaults apply (diameter 30) and `fromMetadata` is false.
 */
export function readOnnxArchitecture(onnx: Uint8Array): { architecture: CpnetArchitecture; fromMetadata: boolean } {
  let model: { metadataProps: { key: string; value: string }[] };
  try {
    model = ModelProto.toObject(ModelProto.decode(onnx), { defaults: true }) as typeof model;
  } catch (error) {
    // protobufjs throws plain errors (index out of range, invalid UTF-8) for damaged bytes.
    throw new FileFormatError('onnx', `This is not a readable ONNX model: ${error instanceof Error ? error.message : String(error)}. Copy the file again, or export it again.`, {}, { cause: error });
  }
  const meta = new Map(model.metadataProps.map((p) => [p.key, p.value]));
  const diamMean = Number(meta.get('cellpose.diam_mean'));
  const fromMetadata = meta.get('cellpose.architecture') === 'CPnet' && Number.isFinite(diamMean);
  if (!fromMetadata) {
    return {
      architecture: { nbase: [2, 32, 64, 128, 256], nout: 3, kernelSize: 3, diamMean: 30, diamLabels: 30, hasDiamLabels: false },
      fromMetadata,
    };
  }
  const diamLabels = Number(meta.get('cellpose.diam_labels'));
  const architecture = {
    nbase: (meta.get('cellpose.nbase') ?? '2,32,64,128,256').split(',').map(Number),
    nout: Number(meta.get('cellpose.nout') ?? 3),
    kernelSize: 3,
    diamMean,
    diamLabels: Number.isFinite(diamLabels) && diamLabels > 0 ? diamLabels : diamMean,
    hasDiamLabels: Number.isFinite(diamLabels) && diamLabels > 0,
  };
  const counts = [...architecture.nbase, architecture.nout];
  if (!(diamMean > 0) || !counts.every((n) => Number.isInteger(n) && n > 0)) {
    throw new FileFormatError('onnx', "This ONNX model's CellDesk description is damaged (its diameter or channel counts are not positive numbers). Convert the checkpoint again.", { meta: Object.fromEntries(meta) });
  }
  return { architecture, fromMetadata };
}
