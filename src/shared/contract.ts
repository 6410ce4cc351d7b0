// The one contract between the window and the engine: each call's name, where it is answered, its argument and
// result schemas and the event its progress is published as; the events; and the types derived from them. Imported
// by main, the browser-mode server, the preload, the renderer and the engine's workers; no side effects.
//
// [Note: one contract] Every call is declared once, below in `contract`, and everything else is derived from it:
// the preload bridge (src/preload/bridge.ts) and the renderer's engine client (src/renderer/src/engineClient.ts)
// take their names and types from it; the router (src/host/router.ts) answers each call where `answeredBy` says,
// forwarding every 'engine' call unchanged to the engine worker (src/engine/service/engineService.ts); the worker
// answers it with the handler of the same name (src/engine/service/handlers/*), typed from the same declaration.
// A call without a handler is a compile error. Arguments are checked with zod where they are received (main, the
// browser-mode server), because the sender is a web page. Calls never reject with a bare Error: they resolve to a
// `CallOutcome`, which keeps the typed error's `code` and `details` across the process
// boundary (Electron would reduce it to a message). CONTRIBUTING.md ("Adding a call") lists the files a new call
// touches.
import { z } from 'zod';
import { CellDeskError } from '../engine/errors';
import { batchEvent, batchReport, batchRequest } from './batchTypes';
import { benchmarkEvent, benchmarkReport, cropSize, HISTORY_EXPORT_FORMATS, historyListing, importResult, providerCheck, thisDevice } from './benchTypes';
import {
  bytes,
  channelChoice,
  displayPixels,
  draftSummary,
  executionProvider,
  executionProviderChoice,
  engineStoppedEvent,
  exportFormat,
  exportResult,
  labelImage,
  labelNumbering,
  modelChoice,
  modelDownloadProgress,
  openedImage,
  restoredDraft,
  segmentation,
  segmentProgressEvent,
  segmentSettings,
} from './engineTypes';
import { appCommand, calibration, networkOutputImages, preferences, recentFile } from './segmentControls';
import { openedSession, stackSegmentation } from './stackTypes';

export * from './engineTypes';
export * from './benchTypes';
export * from './batchTypes';
export * from './segmentControls';
export * from './stackTypes';

/** What `app:info` answers: which CellDesk build, runtime and machine a user is on. */
export const appInfo = z.object({
  /** CellDesk's version. */
  version: z.string(),
  /** Version of the installed onnxruntime-node, the runtime that runs the networks. */
  onnxruntime: z.string(),
  /** Versions of the process that answered; `electron` and `chrome` are null outside the desktop app. */
  node: z.string(),
  electron: z.string().nullable(),
  chrome: z.string().nullable(),
  /** Operating system and CPU architecture as Node names them (`linux`, `darwin`, `win32`; `x64`, `arm64`). */
  platform: z.string(),
  arch: z.string(),
});
export type AppInfo = z.output<typeof appInfo>;

/** What the engine tells the UI unasked: each event's name and payload. */
export const events = {
  'segment:progress': segmentProgressEvent,
  'models:progress': modelDownloadProgress,
  'bench:event': benchmarkEvent,
  'batch:event': batchEvent,
  /** The engine stopped unexpectedly (a crash); the desktop app's Segment view offers to restart it. */
  'engine:stopped': engineStoppedEvent,
  /** A command from the desktop app's native menu (never sent in the browser mode, which has none). */
  'app:command': appCommand,
};
export type EventName = keyof typeof events;
export type EngineEvents = { [E in EventName]: z.output<(typeof events)[E]> };
export const eventNames = Object.keys(events) as EventName[];
/** The one IPC channel (main -> renderer) that carries events, as (name, payload). */
export const EVENT_CHANNEL = 'celldesk:event';

/**
 * Where a call is answered. app: the process that hosts the window (version, native dialogs); engine: the engine's
 * worker (images, models, segmentation; see [Note: engine worker]); benchmark: the benchmark service and its worker
 * per run (see [Note: benchmark worker]); batch: the batch service and its worker per batch (see [Note: batch
 * worker]); history: the history service, on the answering thread.
 */
export type Answerer = 'app' | 'engine' | 'benchmark' | 'batch' | 'history';

interface CallSpec<Where extends Answerer, Input extends z.ZodType, Result extends z.ZodType, Progress extends EventName | null> {
  readonly answeredBy: Where;
  readonly input: Input;
  readonly result: Result;
  /** The event each progress report of a running call is published as; null for calls that report none. */
  readonly progress: Progress;
}

function call<Where extends Answerer, Input extends z.ZodType, Result extends z.ZodType, Progress extends EventName | null = null>(spec: {
  answeredBy: Where;
  input: Input;
  result: Result;
  progress?: Progress;
}): CallSpec<Where, Input, Result, Progress> {
  return { ...spec, progress: (spec.progress ?? null) as Progress };
}

const nothing = z.undefined();
const imageId = z.string().min(1).max(100);
const imageRef = z.strictObject({ imageId });
const filePath = z.string().min(1).max(4096);
const fileName = z.string().min(1).max(1024);
const modelReference = z.string().min(1).max(4096);
const runUuids = z.array(z.string().min(1).max(100)).min(1).max(10_000);
const chosenPath = z.object({ path: z.string().nullable() });
/** A yes/no answer named `name`: { closed: true }. */
const flag = <Name extends string>(name: Name) => z.object({ [name]: z.boolean() } as Record<Name, z.ZodBoolean>);

// Binary data (pixels, labels, uploaded files) travels as typed arrays: Electron's IPC clones them as they are and
// the browser mode's HTTP API frames them (src/shared/wire.ts).
export const contract = {
  'app:info': call({ answeredBy: 'app', input: nothing, result: appInfo }),
  /** The desktop app's open-file dialog; null when the user cancels. Refused in the browser. */
  'image:choose': call({ answeredBy: 'app', input: nothing, result: chosenPath }),
  /** The desktop app's dialog for a model file; null when the user cancels. Refused in the browser. */
  'models:choose': call({ answeredBy: 'app', input: nothing, result: chosenPath }),
  /** The desktop app's folder dialog for exports, opened at `current`; null when the user cancels. Refused in the browser. */
  'masks:chooseFolder': call({ answeredBy: 'app', input: z.strictObject({ current: z.string().max(4096).optional() }), result: chosenPath }),
  /** The desktop app's dialog for a batch's images: a folder, or image files; no paths when the user cancels. Refused in the browser. */
  'batch:chooseImages': call({ answeredBy: 'app', input: z.strictObject({ kind: z.enum(['folder', 'files']) }), result: z.object({ paths: z.array(z.string()) }) }),

  /** Opens an image on the plane that holds `page` when given, else on its middle plane (the stack's axes: OpenedImage). */
  'image:open': call({ answeredBy: 'engine', input: z.strictObject({ path: filePath, page: z.int().min(0).optional() }), result: openedImage }),
  /** Shows another plane (Z) or time point (T) of the open image: its pixels, runs and draft are that plane's. */
  'image:plane': call({ answeredBy: 'engine', input: z.strictObject({ imageId, plane: z.int().min(0), frame: z.int().min(0) }), result: openedImage }),
  /** An image sent as its file's bytes (drag and drop, browser upload). */
  'image:upload': call({ answeredBy: 'engine', input: z.strictObject({ name: fileName, bytes }), result: openedImage }),
  /** Closes the image, cancelling its running segmentation. */
  'image:close': call({ answeredBy: 'engine', input: imageRef, result: flag('closed') }),
  'image:pixels': call({ answeredBy: 'engine', input: imageRef, result: displayPixels }),
  /** The images opened lately that are still on disk, most recent first (at most 10). */
  'image:recent': call({ answeredBy: 'engine', input: nothing, result: z.array(recentFile) }),
  'models:list': call({ answeredBy: 'engine', input: nothing, result: z.array(modelChoice) }),
  /** Registers a model file (CPnet checkpoint or .onnx) by its path, under its file name. */
  'models:import': call({ answeredBy: 'engine', input: z.strictObject({ path: filePath }), result: modelChoice }),
  /**
   * Brings an official model onto this computer (see [Note: where a model comes from]); a server that does not answer
   * fails within seconds with MODEL_SERVER_UNREACHABLE (see [Note: offline answers at once]).
   */
  'models:download': call({ answeredBy: 'engine', input: z.strictObject({ name: z.string().min(1).max(200) }), result: modelChoice, progress: 'models:progress' }),
  /** Stops the model's download (it then fails with DOWNLOAD_CANCELLED); `cancelled` false when none was running. */
  'models:cancelDownload': call({ answeredBy: 'engine', input: z.strictObject({ name: z.string().min(1).max(200) }), result: flag('cancelled') }),
  /** A model file sent as its bytes (browser upload). */
  'models:upload': call({ answeredBy: 'engine', input: z.strictObject({ name: fileName, bytes }), result: modelChoice }),
  /**
   * Segments the image, replacing a run going on for it (which then fails with RUN_REPLACED, not CANCELLED: see
   * [Note: one run per image] in src/engine/service/workspace.ts), and records the run in the history unless
   * `record` is false (see src/engine/history/segmentAndRecord.ts). A run estimated to be large fails with LARGE_RUN
   * (its estimate in the details) unless `confirmLarge` (see [Note: run estimates] in
   * src/engine/pipeline/estimateRun.ts).
   */
  'segment:run': call({
    answeredBy: 'engine',
    input: z.strictObject({
      imageId,
      model: modelReference,
      provider: executionProviderChoice,
      settings: segmentSettings,
      record: z.boolean().default(true),
      confirmLarge: z.boolean().optional(),
    }),
    result: segmentation,
    progress: 'segment:progress',
  }),
  /**
   * Segments every plane of the shown time point as Cellpose does with do_3D=False: each plane in 2D, then linked
   * across planes by IoU when `stitchThreshold` > 0 (see [Note: stacks as Cellpose segments them]); recorded as one run.
   */
  'segment:runStack': call({
    answeredBy: 'engine',
    input: z.strictObject({
      imageId,
      model: modelReference,
      provider: executionProviderChoice,
      settings: segmentSettings,
      stitchThreshold: z.number().min(0).max(1),
      record: z.boolean().default(true),
    }),
    result: stackSegmentation,
    progress: 'segment:progress',
  }),
  /** The last 'segment:runStack' recomputed from its kept network output with new thresholds, and linked again. */
  'segment:rethresholdStack': call({
    answeredBy: 'engine',
    input: z.strictObject({ imageId, flowThreshold: z.number(), cellprobThreshold: z.number(), minSize: z.int() }),
    result: stackSegmentation,
  }),
  /** Masks from the kept network output with new thresholds: `networkRan` false, `networkRuns` unchanged. */
  'segment:rethreshold': call({
    answeredBy: 'engine',
    input: z.strictObject({ imageId, flowThreshold: z.number(), cellprobThreshold: z.number(), minSize: z.int() }),
    result: segmentation,
  }),
  /** The diameter the model's size model estimates, without segmenting; cancelled by 'segment:cancel', replaced as a run is. */
  'segment:calibrate': call({
    answeredBy: 'engine',
    input: z.strictObject({
      imageId,
      model: modelReference,
      provider: executionProviderChoice,
      channels: channelChoice,
      batchSize: z.int().optional(),
      augment: z.boolean().optional(),
    }),
    result: calibration,
    progress: 'segment:progress',
  }),
  /** Cancels the image's running segmentation or calibration; `cancelled` false when none was running. */
  'segment:cancel': call({ answeredBy: 'engine', input: imageRef, result: flag('cancelled') }),
  /** The kept network output as images: flows (Cellpose's colour wheel) and cell probability (grey). */
  'segment:networkOutput': call({ answeredBy: 'engine', input: imageRef, result: networkOutputImages }),
  /**
   * Writes the masks in the formats asked, label images numbered as `numbering` says (see [Note: label numbering]).
   * `labels` are one plane, or `planes` planes of the shown time point one after the other (a stack).
   */
  'masks:export': call({
    answeredBy: 'engine',
    input: z.strictObject({
      imageId,
      labels: labelImage,
      formats: z.array(exportFormat).min(1),
      folder: filePath,
      planes: z.int().positive().optional(),
      numbering: labelNumbering.default('consecutive'),
      /** false: fails with EXPORT_FILES_EXIST, naming them, when a file to write is there already. */
      overwrite: z.boolean().default(false),
      /** Also answer each file's bytes (the browser mode, to save them on the browser's computer). */
      includeBytes: z.boolean().default(false),
    }),
    result: exportResult,
  }),
  /**
   * Opens a Cellpose session file (<image>_seg.npy) with the image it names, found as the Cellpose GUI finds it; when
   * that image is not found, its masks over a blank canvas of their size. Saving one is the 'seg-npy' export.
   */
  'session:open': call({ answeredBy: 'engine', input: z.strictObject({ path: filePath }), result: openedSession }),
  /** A session file sent as its bytes: its masks over the open image `imageId` when they fit it, else a blank canvas. */
  'session:upload': call({ answeredBy: 'engine', input: z.strictObject({ name: fileName, bytes, imageId: imageId.optional() }), result: openedSession }),
  /** Which execution providers start on this computer (see [Note: providers here]), CPU first. */
  'providers:check': call({ answeredBy: 'engine', input: nothing, result: z.array(providerCheck) }),
  /** Keeps the image's edited masks as a draft (see [Note: mask drafts] in src/engine/io/drafts.ts). */
  'masks:saveDraft': call({
    answeredBy: 'engine',
    input: z.strictObject({ imageId, labels: labelImage, summary: draftSummary }),
    result: z.object({ savedAt: z.string() }),
  }),
  /** The draft kept for this image's content and page, or null; an unreadable draft fails with DRAFT_UNREADABLE. */
  'masks:loadDraft': call({ answeredBy: 'engine', input: imageRef, result: restoredDraft.nullable() }),
  'masks:discardDraft': call({ answeredBy: 'engine', input: imageRef, result: flag('discarded') }),
  /**
   * Shows masks from a file (label TIFF or PNG, _seg.npy) over the open image, described by `summary` (how they were
   * made: a batch's result); refused when their size is not the image's.
   */
  'masks:load': call({ answeredBy: 'engine', input: z.strictObject({ imageId, path: filePath, summary: draftSummary }), result: segmentation }),
  /** What the user chose once and CellDesk remembers (the "Record in history" switch). */
  'preferences:get': call({ answeredBy: 'engine', input: nothing, result: preferences }),
  /** Remembers the preferences given, keeps the others; answers them all. */
  'preferences:set': call({ answeredBy: 'engine', input: preferences.partial().strict(), result: preferences }),

  /**
   * Runs the benchmark (one at a time) and records it in the history; resolves with the report when it completes or
   * is cancelled. Each sample arrives before that as a 'bench:event'.
   */
  'bench:start': call({
    answeredBy: 'benchmark',
    input: z.strictObject({
      model: modelReference,
      /** An image file to crop; absent: the synthetic 2560 x 2160 cell image. */
      imagePath: filePath.optional(),
      channels: channelChoice.optional(),
      /** Crop sides in pixels and 'full'; absent: 224, 448, ... and the full image. */
      sizes: z.array(cropSize).min(1).max(100).optional(),
      iterations: z.int().min(1).max(1000).optional(),
      /** Absent: every provider, CPU first (speed-ups are against it); unavailable ones are recorded with the reason. */
      providers: z.array(executionProvider).min(1).optional(),
      estimateDiameter: z.boolean().optional(),
    }),
    result: benchmarkReport,
    progress: 'bench:event',
  }),
  'bench:cancel': call({ answeredBy: 'benchmark', input: nothing, result: flag('cancelled') }),

  /**
   * Segments a batch of images (one batch at a time), each recorded in the history unless `record` is false, its files
   * written to the output folder; images an earlier run there did are skipped unless `redo` (see [Note: batch
   * manifest]). Files there it did not write fail it before any work with BATCH_FILES_EXIST, naming them, unless
   * `overwrite` (see [Note: batch replaces files]). Resolves with the report when it completes or is cancelled; before
   * that, each step is a 'batch:event'.
   */
  'batch:start': call({ answeredBy: 'batch', input: batchRequest, result: batchReport, progress: 'batch:event' }),
  'batch:cancel': call({ answeredBy: 'batch', input: nothing, result: flag('cancelled') }),

  /** This computer's device id and fingerprint, as a benchmark run here would record them. */
  'device:describe': call({ answeredBy: 'history', input: nothing, result: thisDevice }),
  'history:list': call({ answeredBy: 'history', input: nothing, result: historyListing }),
  /** Benchmark runs in full (samples and summary), to show or overlay. */
  'history:runs': call({ answeredBy: 'history', input: z.strictObject({ uuids: runUuids }), result: z.array(benchmarkReport) }),
  /** Runs (benchmark or segmentation) as a file's bytes: JSON to import elsewhere, or CSV for spreadsheets. */
  'history:export': call({
    answeredBy: 'history',
    input: z.strictObject({ uuids: runUuids, format: z.enum(HISTORY_EXPORT_FORMATS) }),
    result: z.object({ fileName: z.string(), bytes }),
  }),
  /** A JSON history export, all or nothing (see [Note: history import]). */
  'history:import': call({ answeredBy: 'history', input: z.strictObject({ name: fileName, bytes }), result: importResult }),
  'history:delete': call({ answeredBy: 'history', input: z.strictObject({ uuids: runUuids }), result: z.object({ deleted: z.int() }) }),
};

export type Contract = typeof contract;
export type CallName = keyof Contract;
/** The argument as a caller writes it. */
export type CallInput<K extends CallName> = z.input<Contract[K]['input']>;
/** The argument as a handler receives it, after validation (defaults filled in). */
export type ValidatedInput<K extends CallName> = z.output<Contract[K]['input']>;
export type CallResult<K extends CallName> = z.output<Contract[K]['result']>;
/** A call's arguments after its name: none for calls that take nothing. */
export type CallArgs<K extends CallName> = undefined extends CallInput<K> ? [input?: CallInput<K>] : [input: CallInput<K>];
/** The calls one answerer answers. */
export type CallsAnsweredBy<Where extends Answerer> = { [K in CallName]: Contract[K]['answeredBy'] extends Where ? K : never }[CallName];
/** What a running call reports: the payload of the event its progress is published as (never for calls without). */
export type CallProgress<K extends CallName> = Contract[K]['progress'] extends EventName ? EngineEvents[Contract[K]['progress']] : never;

export const callNames = Object.keys(contract) as CallName[];

export function isCallName(name: unknown): name is CallName {
  return typeof name === 'string' && Object.hasOwn(contract, name);
}

export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && Object.hasOwn(events, name);
}

export type EventListener<E extends EventName> = (payload: EngineEvents[E]) => void;
/** Where a service sends the events it publishes. */
export type EventSink = <E extends EventName>(name: E, payload: EngineEvents[E]) => void;

type MaybePromise<T> = T | Promise<T>;

/** One function per call, given its validated argument: what the router supplies for every call. */
export type Handlers = { [K in CallName]: (input: ValidatedInput<K>) => MaybePromise<CallResult<K>> };
/** The handlers of some calls, as a service on the answering thread supplies them to the router. */
export type CallHandlers<K extends CallName> = Pick<Handlers, K>;
/** The calls the engine's worker answers. */
export type EngineCall = CallsAnsweredBy<'engine'>;

/** What a worker's handler gets besides the argument: its cancellation, and where to report progress. */
export interface CallHooks<K extends CallName> {
  signal: AbortSignal;
  /** Awaiting it lets the worker read a cancellation sent meanwhile (see [Note: engine worker]). */
  onProgress: (progress: CallProgress<K>) => void | Promise<void>;
}

/** The handlers a worker exposes over the RPC (src/engine/service/rpc.ts): one per call it answers. */
export type WorkerHandlers<K extends CallName> = { [N in K]: (input: ValidatedInput<N>, hooks: CallHooks<N>) => MaybePromise<CallResult<N>> };

/** A caller asked for a call the contract does not declare. */
export class UnknownCallError extends CellDeskError {
  constructor(name: unknown) {
    super('UNKNOWN_CALL', `CellDesk has no operation named ${JSON.stringify(String(name))}.`, { call: String(name) });
  }
}

/** A call's argument does not match its schema in the contract. */
export class InvalidRequestError extends CellDeskError {
  constructor(name: CallName, error: z.ZodError) {
    super('INVALID_REQUEST', `CellDesk refused the request "${name}": ${z.prettifyError(error)}`, {
      call: name,
      issues: error.issues.map((issue) => ({ path: issue.path.map(String), message: issue.message })),
    });
  }
}

/** What a failed call carries back to the caller: a typed error, reduced to data that crosses processes. */
export interface CallFailure {
  code: string;
  message: string;
  details: Record<string, unknown>;
}

export type CallOutcome<Result> = { ok: true; value: Result } | { ok: false; error: CallFailure };

/** A failure reported by the other side of the contract, rebuilt as a typed error on the calling side. */
export class CallFailedError extends CellDeskError {
  constructor(failure: CallFailure) {
    super(failure.code, failure.message, failure.details);
  }
}

/** The API the preload exposes as `window.celldesk` (and the browser mode serves over HTTP). */
export interface CellDeskBridge {
  call<K extends CallName>(name: K, ...args: CallArgs<K>): Promise<CallOutcome<CallResult<K>>>;
  /** Listens to an engine event; returns the function that stops listening. */
  on<E extends EventName>(name: E, listener: EventListener<E>): () => void;
  /** Where a file dropped on the window lies on disk (Electron's webUtils.getPathForFile); null when it has none. */
  pathForFile(file: File): string | null;
}

/** The argument checked against the call's schema (defaults filled in); throws InvalidRequestError. */
export function validateInput<K extends CallName>(name: K, input: unknown): ValidatedInput<K> {
  const parsed = contract[name].input.safeParse(input);
  if (!parsed.success) throw new InvalidRequestError(name, parsed.error);
  return parsed.data as ValidatedInput<K>;
}

/** Checks a received call against the contract; throws UnknownCallError or InvalidRequestError. */
export function validateCall(name: unknown, input: unknown): { name: CallName; input: unknown } {
  if (!isCallName(name)) throw new UnknownCallError(name);
  return { name, input: validateInput(name, input) };
}

/** The data a caller gets for an error; errors CellDesk did not raise on purpose are not explained further. */
export function toCallFailure(error: unknown): CallFailure {
  if (error instanceof CellDeskError) return { code: error.code, message: error.message, details: { ...error.details } };
  const reason = error instanceof Error ? error.message : String(error);
  return { code: 'INTERNAL', message: `CellDesk hit an unexpected problem: ${reason}`, details: {} };
}

/**
 * Answers one received call: validates it, runs its handler, and wraps the result or the error.
 * `onUnexpectedError` sees errors that are not CellDeskErrors (bugs), with their stack, for logging.
 */
export async function dispatchCall(
  handlers: Handlers,
  name: unknown,
  input: unknown,
  onUnexpectedError: (error: unknown) => void = () => {},
): Promise<CallOutcome<unknown>> {
  try {
    const call = validateCall(name, input);
    const handler = handlers[call.name] as (input: unknown) => unknown;
    return { ok: true, value: await handler(call.input) };
  } catch (error) {
    if (!(error instanceof CellDeskError)) onUnexpectedError(error);
    return { ok: false, error: toCallFailure(error) };
  }
}

/** The result of a successful outcome; a failure is thrown as CallFailedError with the remote code and details. */
export function unwrapOutcome<Result>(outcome: CallOutcome<Result>): Result {
  if (outcome.ok) return outcome.value;
  throw new CallFailedError(outcome.error);
}
