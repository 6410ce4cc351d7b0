// Downloads one model file over HTTP(S) so that it can be trusted: resumable, verified, atomically placed, and
// fetched once however many callers ask at the same time; Node side (CLI, Electron main).
// [Note: trustworthy downloads] Bytes arrive in `<destination>.part`, a name nothing ever loads. When the
// connection drops, the .part stays and the next attempt asks only for the rest (HTTP Range), within the same call
// (`attempts`) or a later one. Only a complete file whose size and sha256 match is renamed to `<destination>`, in
// one rename on the same disk, so the final name never holds a partial or wrong file; a file that fails the check
// is deleted, .part included.
// [Note: offline answers at once] A server that cannot be reached often does not refuse: offline behind a captive
// portal, or a firewall that drops packets, the connection waits for the system's timeout (30 s and more). So each
// request gets `answerTimeoutMs` (default 6 s) to answer with its headers; past that it counts as unreachable, and
// the user reads the offline message within seconds. Once the headers arrive the body may take as long as it needs.
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import {
  DownloadCancelledError,
  DownloadInterruptedError,
  IntegrityError,
  ModelServerResponseError,
  ModelServerUnreachableError,
} from './errors';
import { sha256OfFile } from './fileStamp';

export const DEFAULT_MODEL_URL = 'https://www.cellpose.org/models/';
/** How long a model server has to answer a request before it counts as unreachable (see [Note: offline answers at once]). */
export const ANSWER_TIMEOUT_MS = 6_000;

/** The model server: the option given, else CELLDESK_MODEL_URL, else cellpose.org. */
export function modelBaseUrl(option?: string, env: NodeJS.ProcessEnv = process.env): string {
  const chosen = option ?? env.CELLDESK_MODEL_URL;
  return chosen !== undefined && chosen !== '' ? chosen : DEFAULT_MODEL_URL;
}

export function modelFileUrl(baseUrl: string, file: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/${encodeURIComponent(file)}`;
}

export interface DownloadProgress {
  url: string;
  /** Bytes of the file on disk so far, resumed ones included. */
  receivedBytes: number;
  /** Size of the whole file when the server says it. */
  totalBytes: number | null;
}

export interface DownloadRequest {
  url: string;
  destination: string;
  /** Known hash and size of the file; without a hash, any complete file is accepted and its hash returned. */
  expectedSha256?: string;
  expectedBytes?: number;
  signal?: AbortSignal;
  onProgress?: (progress: DownloadProgress) => void;
  /** Connections tried when one drops in the middle, each resuming where the previous stopped (default 3). */
  attempts?: number;
  /** See [Note: offline answers at once] (default ANSWER_TIMEOUT_MS). */
  answerTimeoutMs?: number;
}

export interface DownloadResult {
  path: string;
  sha256: string;
  bytes: number;
  /** Bytes that crossed the network in this download (less than `bytes` after a resume). */
  transferredBytes: number;
  /** HTTP requests made. */
  requests: number;
}

interface Flight {
  promise: Promise<DownloadResult>;
  controller: AbortController;
  followers: number;
  listeners: Set<(progress: DownloadProgress) => void>;
}

/** One download per destination file in this process (see downloadFile). */
const flights = new Map<string, Flight>();

/**
 * Downloads `request.url` to `request.destination` (see [Note: trustworthy downloads]). A second request for the
 * same destination while the first runs joins it instead of downloading again; its own url and hash are not used.
 * Each caller's signal cancels only its own wait, and the transfer stops when no caller is left.
 */
export function downloadFile(request: DownloadRequest): Promise<DownloadResult> {
  if (request.signal?.aborted === true) return Promise.reject(new DownloadCancelledError(request.url));
  const key = resolve(request.destination);
  let flight = flights.get(key);
  if (flight === undefined || flight.controller.signal.aborted) {
    // A flight being cancelled still owns the .part until it settles; the new one starts after it.
    const previous = flight?.promise.then(
      () => undefined,
      () => undefined,
    );
    const controller = new AbortController();
    const listeners = new Set<(progress: DownloadProgress) => void>();
    const emit = (progress: DownloadProgress): void => listeners.forEach((listener) => listener(progress));
    const started = (previous ?? Promise.resolve()).then(() => transfer(request, controller.signal, emit));
    const created: Flight = { promise: started, controller, followers: 0, listeners };
    flights.set(key, created);
    const forget = (): void => {
      if (flights.get(key) === created) flights.delete(key);
    };
    started.then(forget, forget);
    flight = created;
  }
  return follow(flight, request);
}

function follow(flight: Flight, request: DownloadRequest): Promise<DownloadResult> {
  const { signal, onProgress, url } = request;
  flight.followers += 1;
  if (onProgress !== undefined) flight.listeners.add(onProgress);
  return new Promise((resolvePromise, rejectPromise) => {
    let left = false;
    const leave = (): void => {
      left = true;
      flight.followers -= 1;
      if (onProgress !== undefined) flight.listeners.delete(onProgress);
      signal?.removeEventListener('abort', onAbort);
    };
    const onAbort = (): void => {
      if (left) return;
      leave();
      if (flight.followers === 0) flight.controller.abort();
      rejectPromise(new DownloadCancelledError(url));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    flight.promise.then(
      (result) => {
        if (left) return;
        leave();
        resolvePromise(result);
      },
      (error: unknown) => {
        if (left) return;
        leave();
        rejectPromise(error);
      },
    );
  });
}

/** The cause of an unreachable server that never answered (see [Note: offline answers at once]). */
class NoAnswerError extends Error {
  constructor(timeoutMs: number) {
    super(`the server did not answer within ${timeoutMs / 1000} s: no internet connection?`);
  }
}

async function sizeOnDisk(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
}

/** `Content-Range: bytes 100-199/200` -> { start: 100, total: 200 }; total null when the server writes `*`. */
function parseContentRange(header: string | null): { start: number; total: number | null } | null {
  const match = /^bytes (\d+)-\d+\/(\d+|\*)$/.exec(header?.trim() ?? '');
  if (match === null) return null;
  return { start: Number(match[1]), total: match[2] === '*' ? null : Number(match[2]) };
}

type Attempt = { complete: true } | { complete: false; cause: unknown; totalBytes: number | null };

interface Counters {
  transferredBytes: number;
  requests: number;
}

/** One HTTP request, appending to the .part from its current size; resolves when the body ended or broke. */
async function attempt(
  request: DownloadRequest,
  part: string,
  signal: AbortSignal,
  emit: (progress: DownloadProgress) => void,
  counters: Counters,
): Promise<Attempt> {
  const { url } = request;
  const offset = await sizeOnDisk(part);
  let response: Response;
  const timeoutMs = request.answerTimeoutMs ?? ANSWER_TIMEOUT_MS;
  const unanswered = new AbortController();
  const timer = setTimeout(() => unanswered.abort(), timeoutMs);
  try {
    counters.requests += 1;
    response = await fetch(url, { headers: offset > 0 ? { Range: `bytes=${offset}-` } : {}, signal: AbortSignal.any([signal, unanswered.signal]) });
  } catch (error) {
    if (signal.aborted) throw new DownloadCancelledError(url);
    const cause = unanswered.signal.aborted ? new NoAnswerError(timeoutMs) : error;
    throw new ModelServerUnreachableError(url, request.destination, cause);
  } finally {
    clearTimeout(timer);
  }

  let append: boolean;
  let totalBytes: number | null;
  if (response.status === 206) {
    const range = parseContentRange(response.headers.get('content-range'));
    if (range === null || range.start !== offset) {
      // Not the rest of our .part: start over rather than splice two different responses.
      await response.body?.cancel();
      await rm(part, { force: true });
      return { complete: false, cause: new Error('the server sent an unexpected byte range'), totalBytes: null };
    }
    append = true;
    totalBytes = range.total;
  } else if (response.status === 200) {
    append = false;
    const length = response.headers.get('content-length');
    totalBytes = length === null ? null : Number(length);
  } else if (response.status === 416) {
    // The .part is not a prefix of what the server has now (it is as long as or longer than the file).
    await response.body?.cancel();
    await rm(part, { force: true });
    return { complete: false, cause: new Error('the partial file did not match the server'), totalBytes: null };
  } else {
    await response.body?.cancel();
    throw new ModelServerResponseError(url, response.status, response.statusText);
  }

  const { expectedBytes } = request;
  if (expectedBytes !== undefined && totalBytes !== null && totalBytes !== expectedBytes) {
    await response.body?.cancel();
    await rm(part, { force: true });
    throw new IntegrityError(url, { bytes: expectedBytes }, { bytes: totalBytes });
  }

  const file = await open(part, append ? 'a' : 'w');
  let received = append ? offset : 0;
  try {
    if (response.body === null) return { complete: true };
    const reader = response.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      await file.write(value);
      received += value.byteLength;
      counters.transferredBytes += value.byteLength;
      emit({ url, receivedBytes: received, totalBytes });
    }
    await file.datasync();
  } catch (error) {
    if (signal.aborted) throw new DownloadCancelledError(url);
    return { complete: false, cause: error, totalBytes };
  } finally {
    await file.close();
  }
  if (totalBytes !== null && received !== totalBytes) {
    return { complete: false, cause: new Error('the connection ended early'), totalBytes };
  }
  return { complete: true };
}

async function transfer(
  request: DownloadRequest,
  signal: AbortSignal,
  emit: (progress: DownloadProgress) => void,
): Promise<DownloadResult> {
  const { url, destination, expectedSha256, expectedBytes } = request;
  const attempts = Math.max(1, request.attempts ?? 3);
  const part = `${destination}.part`;
  await mkdir(dirname(destination), { recursive: true });
  const counters: Counters = { transferredBytes: 0, requests: 0 };
  for (let tried = 1; ; tried += 1) {
    const outcome = await attempt(request, part, signal, emit, counters);
    if (outcome.complete) break;
    if (tried >= attempts) {
      throw new DownloadInterruptedError(url, await sizeOnDisk(part), outcome.totalBytes, tried, outcome.cause);
    }
  }

  const bytes = await sizeOnDisk(part);
  const sha256 = await sha256OfFile(part);
  const sizeWrong = expectedBytes !== undefined && bytes !== expectedBytes;
  if (sizeWrong || (expectedSha256 !== undefined && sha256 !== expectedSha256.toLowerCase())) {
    await rm(part, { force: true });
    throw new IntegrityError(url, { sha256: expectedSha256, bytes: expectedBytes }, { sha256, bytes });
  }
  if (signal.aborted) throw new DownloadCancelledError(url);
  await rename(part, destination);
  return { path: destination, sha256, bytes, ...counters };
}
