// Records one finished segmentation in the run history (what `celldesk segment` calls); Node side.
import { randomUUID } from 'node:crypto';
import { basename } from 'node:path';
import { collectFingerprint, deviceId } from '../bench/fingerprint';
import { sha256OfFile } from '../models/fileStamp';
import type { ResolvedModel } from '../models/modelManager';
import type { SegmentResult } from '../pipeline/segment';
import { DatabaseAccessError, DatabaseOpenError, HistoryNotRecordedError } from '../storage/databaseFaults';
import { HistoryStore } from './historyStore';
import type { SegmentationRunRecord } from './records';

export interface FinishedSegmentation {
  imagePath: string;
  image: { width: number; height: number; channels: number };
  model: ResolvedModel;
  result: SegmentResult;
  /** Milliseconds per stage and `total` as the caller measured them (reading the image included). */
  timings: Record<string, number>;
  onnxRuntimeVersion: string;
}

/**
 * Notes the run in the history. A database that cannot be written raises HistoryNotRecordedError, with the cause
 * and its remedy (see [Note: database faults]): the caller has written the masks already and goes on.
 */
export async function recordSegmentationRun(databaseFile: string, run: FinishedSegmentation): Promise<SegmentationRunRecord> {
  const [imageSha256, fingerprint] = await Promise.all([
    sha256OfFile(run.imagePath),
    collectFingerprint({ onnxRuntimeVersion: run.onnxRuntimeVersion, modelSha256: run.model.sha256 }),
  ]);
  const record: SegmentationRunRecord = {
    uuid: randomUUID(),
    deviceId: deviceId(fingerprint.hardware),
    recordedAt: new Date().toISOString(),
    fingerprint,
    image: { name: basename(run.imagePath), sha256: imageSha256, width: run.image.width, height: run.image.height, channels: run.image.channels },
    model: { name: run.model.name ?? basename(run.model.path), sha256: run.model.sha256 },
    settings: { ...run.result.settings },
    provider: run.result.executionProvider,
    diameter: run.result.diameter,
    maskCount: run.result.maskCount,
    timings: run.timings,
  };
  try {
    HistoryStore.use(databaseFile, (store) => store.recordSegmentation(record));
  } catch (error) {
    if (error instanceof DatabaseOpenError || error instanceof DatabaseAccessError) throw new HistoryNotRecordedError(error.fault, error);
    throw error;
  }
  return record;
}
