// Cancellation for decoding loops that would otherwise hold the thread: a checkpoint to await between units of work.
// Pure, runs anywhere (Node, worker, browser).

/** Decoded bytes between two yields to the event loop: a few milliseconds of work, a millisecond of waiting. */
const YIELD_EVERY_BYTES = 4 * 2 ** 20;

/**
 * A function to await after each unit of work (a strip, a tile), given the bytes it decoded. It throws the
 * signal's reason once the signal is aborted, and after every 4 MiB decoded it lets the event loop run, so that an
 * abort sent from elsewhere (a message to a worker, a click) can arrive. Without a signal it costs nothing.
 */
export function createCheckpoint(signal: AbortSignal | undefined): (bytesDecoded: number) => Promise<void> {
  if (signal === undefined) return () => Promise.resolve();
  let sinceYield = 0;
  return async (bytesDecoded) => {
    signal.throwIfAborted();
    sinceYield += bytesDecoded;
    if (sinceYield < YIELD_EVERY_BYTES) return;
    sinceYield = 0;
    await new Promise((resolve) => setTimeout(resolve, 0));
    signal.throwIfAborted();
  };
}
