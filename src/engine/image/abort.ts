// Cancellation for decoding loops that would otherwise hold the thread: a checkpoint to await between units of work.
// Pure, runs anywhere (Node, worker, browser).

const YIELD_EVERY_MS = 20;

/**
 * A function to await between units of work (strips, tiles). It throws the signal's reason once the signal is
 * aborted, and every ~20 ms of work it lets the event loop run, so that an abort sent from elsewhere (a message to
 * a worker, a click) can arrive. Without a signal it costs nothing.
 */
export function createCheckpoint(signal: AbortSignal | undefined): () => Promise<void> {
  if (signal === undefined) return () => Promise.resolve();
  let lastYield = performance.now();
  return async () => {
    signal.throwIfAborted();
    if (performance.now() - lastYield < YIELD_EVERY_MS) return;
    await new Promise((resolve) => setTimeout(resolve, 0));
    lastYield = performance.now();
    signal.throwIfAborted();
  };
}
