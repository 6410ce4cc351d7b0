// The one path of a segmentation that is to be in the history, whoever asks for it (`celldesk segment`, the app's
// 'segment:run' in the engine worker): segment, then record the run (image hash and size, model, settings, provider,
// timings, masks) in the history database. Node side.
//
// [Note: every segmentation recorded] The History view lists segmentation runs wherever they ran, so both the CLI
// and the app segment through segmentAndRecord; the user turns recording off per command (`--no-history`) or with
// the Segment view's "Record in history" switch (a preference, remembered). The masks matter more than their record:
// a history that cannot be written (a full disk, a locked database) leaves the segmentation standing and is reported
// beside it (`recordError`, a HistoryNotRecordedError with the cause and its remedy: see [Note: database faults]),
// never instead of it.
import { randomUUID } from 'node:crypto';
import { basename } from 'node:path';
import { collectFingerprint, deviceId } from '../bench/fingerprint';
import type { OpenedModel } from '../io/openModel';
import type { SegmentResult } from '../pipeline/segment';
import { DatabaseAccessError, DatabaseOpenError, HistoryNotRecordedError } from '../storage/databaseFaults';
import type { DeviceFingerprint, SegmentationRunRecord } from '../../shared/contract';
import { HistoryStore } from './historyStore';

/** Writes segmentation runs to one history database; this computer's fingerprint is collected once (it asks GPU tools). */
export class SegmentationRecorder {
  private fingerprint: Promise<DeviceFingerprint> | null = null;

  constructor(
    private readonly databaseFile: string,
    private readonly onnxRuntimeVersion: string,
  ) {}

  /**
   * Notes the run in the history. A database that cannot be written raises HistoryNotRecordedError, with the cause
   * and its remedy (see [Note: database faults]).
   */
  async record(run: { source: ImageSource; image: RecordedImage; model: OpenedModel; result: RecordedResult; timings: Record<string, number> }): Promise<SegmentationRunRecord> {
    this.fingerprint ??= collectFingerprint({ onnxRuntimeVersion: this.onnxRuntimeVersion, modelSha256: null });
    const [imageSha256, fingerprint] = await Promise.all([run.source.sha256(), this.fingerprint]);
    const { result, model, image } = run;
    const record: SegmentationRunRecord = {
      uuid: randomUUID(),
      deviceId: deviceId(fingerprint.hardware),
      recordedAt: new Date().toISOString(),
      fingerprint: { ...fingerprint, modelSha256: model.resolved.sha256 },
      image: { name: run.source.name, sha256: imageSha256, width: image.width, height: image.height, channels: image.channels },
      model: { name: model.resolved.name ?? basename(model.resolved.path), sha256: model.resolved.sha256 },
      settings: { ...result.settings },
      provider: result.executionProvider,
      diameter: result.diameter,
      maskCount: result.maskCount,
      timings: run.timings,
    };
    try {
      HistoryStore.use(this.databaseFile, (store) => store.recordSegmentation(record));
    } catch (error) {
      if (error instanceof DatabaseOpenError || error instanceof DatabaseAccessError) throw new HistoryNotRecordedError(error.fault, error);
      throw error;
    }
    return record;
  }
}

/** The image as the history names it: its file name, and its content's sha256 (asked only when it is recorded). */
export interface ImageSource {
  name: string;
  sha256(): Promise<string>;
}

/** What the history describes of the image segmented: a plane's size, and its channels. */
export interface RecordedImage {
  width: number;
  height: number;
  channels: number;
}

/** What the history records of a result: one image's SegmentResult, or a stack's planes together (segmentStack.ts). */
export type RecordedResult = Pick<SegmentResult, 'settings' | 'executionProvider' | 'diameter' | 'maskCount' | 'timings'>;

export interface SegmentationJob<Result extends RecordedResult> {
  image: RecordedImage;
  source: ImageSource;
  model: OpenedModel;
  /**
   * The segmentation itself, with `model`: segmentImage on the image the app holds, or segmentSelection on the planes
   * of a stack the CLI reads (a 2D image being a stack of one plane).
   */
  segment: () => Promise<Result>;
  /** Where the run is recorded; null: not recorded (`--no-history`, the app's switch off). */
  recorder: SegmentationRecorder | null;
  /** performance.now() when the job began, for the recorded `total` (the CLI counts reading the image in); default: now. */
  startedAt?: number;
}

export interface SegmentedRun<Result> {
  result: Result;
  /** The pipeline's stages and `total`, as recorded. */
  timings: Record<string, number>;
  /** The history's record of the run; null when it was not recorded. */
  record: SegmentationRunRecord | null;
  /** Why the run could not be recorded, when it could not; the segmentation stands all the same. */
  recordError: Error | null;
}

export async function segmentAndRecord<Result extends RecordedResult>(job: SegmentationJob<Result>): Promise<SegmentedRun<Result>> {
  const startedAt = job.startedAt ?? performance.now();
  const result = await job.segment();
  const timings = { ...result.timings, total: performance.now() - startedAt };
  if (job.recorder === null) return { result, timings, record: null, recordError: null };
  try {
    const record = await job.recorder.record({ source: job.source, image: job.image, model: job.model, result, timings });
    return { result, timings, record, recordError: null };
  } catch (error) {
    return { result, timings, record: null, recordError: error instanceof Error ? error : new Error(String(error)) };
  }
}
