// The one renderer<->main contract: each call's name, argument schema and result type, and the pure helpers that
// validate and answer calls. Imported by main (router), preload (bridge) and renderer (engine client); no side effects.
//
// [Note: one contract] Every call is declared once, below in `contract`. Main's router (src/main/ipc.ts), the
// preload bridge (src/preload/bridge.ts) and the renderer's engine client (src/renderer/src/engineClient.ts) derive
// their names and types from it, so adding a call is one line here plus one handler line in the router, and the
// compiler refuses a call without a handler. Arguments are checked with zod where they are received (main, the
// browser-mode server), because the sender is a web page. Results are produced by our own main-process code, so they
// are declared as types, not validated. Calls never reject with a bare Error: they resolve to a `CallOutcome`, which
// keeps the typed error's `code` and `details` across the process boundary (Electron would reduce it to a message).
import { z } from 'zod';
import { CellDeskError } from '../engine/errors';
import {
  EXECUTION_PROVIDERS,
  EXPORT_FORMATS,
  type DisplayPixels,
  type ExportResult,
  type ModelChoice,
  type OpenedImage,
  type RestoredDraft,
  type Segmentation,
  type SegmentProgressEvent,
} from './engineTypes';
import {
  HISTORY_EXPORT_FORMATS,
  type BenchmarkEvent,
  type BenchmarkReport,
  type HistoryListing,
  type ImportResult,
  type ThisDevice,
} from './benchTypes';
import type { AppCommand, Calibration, NetworkOutputImages, RecentFile } from './segmentControls';

export * from './engineTypes';
export * from './benchTypes';
export * from './segmentControls';

/** What `app:info` answers: which CellDesk build, runtime and machine a user is on. */
export interface AppInfo {
  /** CellDesk's version. */
  version: string;
  /** Version of the installed onnxruntime-node, the runtime that runs the networks. */
  onnxruntime: string;
  /** Versions of the process that answered; `electron` and `chrome` are null outside the desktop app. */
  node: string;
  electron: string | null;
  chrome: string | null;
  /** Operating system and CPU architecture as Node names them (`linux`, `darwin`, `win32`; `x64`, `arm64`). */
  platform: string;
  arch: string;
}

interface CallSpec<Input extends z.ZodType, Result> {
  readonly input: Input;
  /** Never set: carries the result type only. */
  readonly result?: Result;
}

/** Declares a call: `call<Result>()(argumentSchema)`. */
function call<Result>() {
  return <Input extends z.ZodType>(input: Input): CallSpec<Input, Result> => ({ input });
}

const imageId = z.string().min(1).max(100);
const bytes = z.custom<Uint8Array>((value) => value instanceof Uint8Array, 'expected bytes (a Uint8Array)');
const labels = z.custom<Uint32Array>((value) => value instanceof Uint32Array, 'expected a label image (a Uint32Array)');
const imageRef = z.strictObject({ imageId });
const runUuids = z.array(z.string().min(1).max(100)).min(1).max(10_000);

/** Segmentation settings a caller may set; the engine fills in Cellpose's defaults and checks the ranges. */
const segmentSettings = z.strictObject({
  channels: z.tuple([z.int(), z.int()]).optional(),
  diameter: z.number().optional(),
  flowThreshold: z.number().optional(),
  cellprobThreshold: z.number().optional(),
  minSize: z.int().optional(),
  niter: z.int().optional(),
  augment: z.boolean().optional(),
  batchSize: z.int().optional(),
});

/** How a segmentation was made (DraftSummary), as a draft keeps it; checked again when a draft is read back. */
export const draftSummary = z.strictObject({
  diameter: z.number(),
  diameterFromStyle: z.number().nullable(),
  executionProvider: z.enum(EXECUTION_PROVIDERS),
  fallbackReasons: z.array(z.string().max(10_000)).max(100),
  model: z.strictObject({ name: z.string().max(4096).nullable(), path: z.string().max(4096) }),
  // Not strict: a setting added later is dropped from a draft rather than refusing to keep the edits.
  settings: z.object({
    channels: z.tuple([z.int(), z.int()]).readonly(),
    diameter: z.number(),
    flowThreshold: z.number(),
    cellprobThreshold: z.number(),
    minSize: z.int(),
    niter: z.int().optional(),
    augment: z.boolean(),
    batchSize: z.int(),
  }),
});

// Binary data (pixels, labels, uploaded files) travels as typed arrays: Electron's IPC clones them as they are and
// the browser mode's HTTP API frames them (src/shared/wire.ts).
export const contract = {
  'app:info': call<AppInfo>()(z.undefined()),
  /** The desktop app's open-file dialog; null when the user cancels. Refused in the browser. */
  'image:choose': call<{ path: string | null }>()(z.undefined()),
  'image:open': call<OpenedImage>()(z.strictObject({ path: z.string().min(1).max(4096), page: z.int().min(0).optional() })),
  /** An image sent as its file's bytes (drag and drop, browser upload). */
  'image:upload': call<OpenedImage>()(z.strictObject({ name: z.string().min(1).max(1024), bytes })),
  'image:close': call<{ closed: boolean }>()(imageRef),
  'image:pixels': call<DisplayPixels>()(imageRef),
  'models:list': call<ModelChoice[]>()(z.undefined()),
  /** A run estimated to be large fails with LARGE_RUN (its estimate in the details) unless `confirmLarge`. */
  'segment:run': call<Segmentation>()(
    z.strictObject({
      imageId,
      model: z.string().min(1).max(4096),
      provider: z.enum(['auto', ...EXECUTION_PROVIDERS]),
      settings: segmentSettings,
      confirmLarge: z.boolean().optional(),
    }),
  ),
  /** Masks from the kept network output with new thresholds: `networkRan` false, `networkRuns` unchanged. */
  'segment:rethreshold': call<Segmentation>()(
    z.strictObject({ imageId, flowThreshold: z.number(), cellprobThreshold: z.number(), minSize: z.int() }),
  ),
  'segment:cancel': call<{ cancelled: boolean }>()(imageRef),
  'masks:export': call<ExportResult>()(
    z.strictObject({
      imageId,
      labels,
      formats: z.array(z.enum(EXPORT_FORMATS)).min(1),
      folder: z.string().min(1).max(4096),
    }),
  ),
  /** This computer's device id and fingerprint, as a benchmark run here would record them. */
  'device:describe': call<ThisDevice>()(z.undefined()),
  /**
   * Runs the benchmark (one at a time) and records it in the history; resolves with the report when it completes or
   * is cancelled. Each sample arrives before that as a 'bench:event'.
   */
  'bench:start': call<BenchmarkReport>()(
    z.strictObject({
      model: z.string().min(1).max(4096),
      /** An image file to crop; absent: the synthetic 2560 x 2160 cell image. */
      imagePath: z.string().min(1).max(4096).optional(),
      channels: z.tuple([z.int(), z.int()]).optional(),
      /** Crop sides in pixels and 'full'; absent: 224, 448, ... and the full image. */
      sizes: z.array(z.union([z.int().min(16).max(100_000), z.literal('full')])).min(1).max(100).optional(),
      iterations: z.int().min(1).max(1000).optional(),
      /** Absent: every provider, CPU first (speed-ups are against it); unavailable ones are recorded with the reason. */
      providers: z.array(z.enum(EXECUTION_PROVIDERS)).min(1).optional(),
      estimateDiameter: z.boolean().optional(),
    }),
  ),
  'bench:cancel': call<{ cancelled: boolean }>()(z.undefined()),
  'history:list': call<HistoryListing>()(z.undefined()),
  /** Benchmark runs in full (samples and summary), to show or overlay. */
  'history:runs': call<BenchmarkReport[]>()(z.strictObject({ uuids: runUuids })),
  /** Runs (benchmark or segmentation) as a file's bytes: JSON to import elsewhere, or CSV for spreadsheets. */
  'history:export': call<{ fileName: string; bytes: Uint8Array }>()(z.strictObject({ uuids: runUuids, format: z.enum(HISTORY_EXPORT_FORMATS) })),
  /** A JSON history export, all or nothing (see [Note: history import]). */
  'history:import': call<ImportResult>()(z.strictObject({ name: z.string().min(1).max(1024), bytes })),
  'history:delete': call<{ deleted: number }>()(z.strictObject({ uuids: runUuids })),
  /** The images opened lately that are still on disk, most recent first (at most 10). */
  'image:recent': call<RecentFile[]>()(z.undefined()),
  /** The kept network output as images: flows (Cellpose's colour wheel) and cell probability (grey). */
  'segment:networkOutput': call<NetworkOutputImages>()(imageRef),
  /** The diameter the model's size model estimates, without segmenting; cancelled by 'segment:cancel'. */
  'segment:calibrate': call<Calibration>()(
    z.strictObject({
      imageId,
      model: z.string().min(1).max(4096),
      provider: z.enum(['auto', ...EXECUTION_PROVIDERS]),
      channels: z.tuple([z.int(), z.int()]),
      batchSize: z.int().optional(),
      augment: z.boolean().optional(),
    }),
  ),
  /** The desktop app's dialog for a model file; null when the user cancels. Refused in the browser. */
  'models:choose': call<{ path: string | null }>()(z.undefined()),
  /** Registers a model file (CPnet checkpoint or .onnx) by its path, under its file name. */
  'models:import': call<ModelChoice>()(z.strictObject({ path: z.string().min(1).max(4096) })),
  /** A model file sent as its bytes (browser upload). */
  'models:upload': call<ModelChoice>()(z.strictObject({ name: z.string().min(1).max(1024), bytes })),
  /** Keeps the image's edited masks as a draft (see [Note: mask drafts] in src/engine/io/drafts.ts). */
  'masks:saveDraft': call<{ savedAt: string }>()(z.strictObject({ imageId, labels, summary: draftSummary })),
  /** The draft kept for this image's content and page, or null; an unreadable draft fails with DRAFT_UNREADABLE. */
  'masks:loadDraft': call<RestoredDraft | null>()(imageRef),
  'masks:discardDraft': call<{ discarded: boolean }>()(imageRef),
} satisfies Record<string, CallSpec<z.ZodType, unknown>>;

/** What the engine tells the UI unasked: each event's name and payload. */
export interface EngineEvents {
  'segment:progress': SegmentProgressEvent;
  'bench:event': BenchmarkEvent;
  /** A command from the desktop app's native menu (never sent in the browser mode, which has none). */
  'app:command': AppCommand;
}
export type EventName = keyof EngineEvents;
export const eventNames: readonly EventName[] = ['segment:progress', 'bench:event', 'app:command'];
/** The one IPC channel (main -> renderer) that carries events, as (name, payload). */
export const EVENT_CHANNEL = 'celldesk:event';

export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && (eventNames as readonly string[]).includes(name);
}

export type EventListener<E extends EventName> = (payload: EngineEvents[E]) => void;

export type Contract = typeof contract;
export type CallName = keyof Contract;
/** The argument as a caller writes it. */
export type CallInput<K extends CallName> = z.input<Contract[K]['input']>;
/** The argument as a handler receives it, after validation. */
export type ValidatedInput<K extends CallName> = z.output<Contract[K]['input']>;
export type CallResult<K extends CallName> = Contract[K] extends CallSpec<z.ZodType, infer Result> ? Result : never;
/** A call's arguments after its name: none for calls that take nothing. */
export type CallArgs<K extends CallName> = undefined extends CallInput<K> ? [input?: CallInput<K>] : [input: CallInput<K>];

export const callNames = Object.keys(contract) as CallName[];

export function isCallName(name: unknown): name is CallName {
  return typeof name === 'string' && Object.hasOwn(contract, name);
}

/** What a failed call carries back to the caller: a typed error, reduced to data that crosses processes. */
export interface CallFailure {
  code: string;
  message: string;
  details: Record<string, unknown>;
}

export type CallOutcome<Result> = { ok: true; value: Result } | { ok: false; error: CallFailure };

/** The API the preload exposes as `window.celldesk` (and the browser mode serves over HTTP). */
export interface CellDeskBridge {
  call<K extends CallName>(name: K, ...args: CallArgs<K>): Promise<CallOutcome<CallResult<K>>>;
  /** Listens to an engine event; returns the function that stops listening. */
  on<E extends EventName>(name: E, listener: EventListener<E>): () => void;
}

/** One function per call, given its validated argument: what main's router supplies. */
export type Handlers = {
  [K in CallName]: (input: ValidatedInput<K>) => CallResult<K> | Promise<CallResult<K>>;
};

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

/** A failure reported by the other side of the contract, rebuilt as a typed error on the calling side. */
export class CallFailedError extends CellDeskError {
  constructor(failure: CallFailure) {
    super(failure.code, failure.message, failure.details);
  }
}

/** Checks a received call against the contract; throws UnknownCallError or InvalidRequestError. */
export function validateCall(name: unknown, input: unknown): { name: CallName; input: unknown } {
  if (!isCallName(name)) throw new UnknownCallError(name);
  const parsed = contract[name].input.safeParse(input);
  if (!parsed.success) throw new InvalidRequestError(name, parsed.error);
  return { name, input: parsed.data };
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
