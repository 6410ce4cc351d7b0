// What the engine service takes and gives: its requests, and (declared in src/shared, re-exported here) the images,
// models, segmentations, exports and progress it answers with. Types only (plus the export formats' names).
import type { ExecutionProviderChoice } from '../backend/types';
import type { SegmentSettings } from '../pipeline/settings';
import type { DraftSummary, ExportFormat } from '../../shared/engineTypes';

// Declared once in the contract's engine types (the renderer can read only src/shared), used here as they are.
export type { CalibrateRequest, Calibration, NetworkOutputImages, RecentFile } from '../../shared/segmentControls';
export type {
  DisplayPixels,
  DraftSummary,
  ExportFormat,
  ExportResult,
  ModelChoice,
  OpenedImage,
  RestoredDraft,
  Segmentation,
  SegmentProgressEvent,
} from '../../shared/engineTypes';
export { EXPORT_FORMATS } from '../../shared/engineTypes';

export interface SegmentRequest {
  imageId: string;
  /** Catalogue name, registered name, or a model file's path. */
  model: string;
  provider: ExecutionProviderChoice;
  settings: Partial<SegmentSettings>;
  /** The user said yes to a large run (see [Note: run estimates]); without it a large run fails with LARGE_RUN. */
  confirmLarge?: boolean;
}

export interface RethresholdRequest {
  imageId: string;
  flowThreshold: number;
  cellprobThreshold: number;
  minSize: number;
}

export interface ExportRequest {
  imageId: string;
  /** The labels to write (edited or not), width x height of the image. */
  labels: Uint32Array;
  formats: ExportFormat[];
  folder: string;
}

/** Edited masks to keep as the image's draft, with how they were made. */
export interface SaveDraftRequest {
  imageId: string;
  labels: Uint32Array;
  summary: DraftSummary;
}
