// Quitting waits for the engine to stop (its workers finish writing the database and the draft files), but never
// longer than a bound, so a stuck engine cannot keep CellDesk from quitting. Main process (Electron's types only, so
// tests use it without Electron).
import type { App } from 'electron';

/** How long quitting waits for the engine. */
export const ENGINE_STOP_LIMIT_MS = 5000;

/** Resolves when `work` settles or after `limitMs`, whichever comes first; says which. */
export async function settleWithin(work: Promise<unknown>, limitMs: number): Promise<'settled' | 'timed-out'> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<'timed-out'>((resolve) => {
    timer = setTimeout(() => resolve('timed-out'), limitMs);
  });
  const settled = work.then(
    () => 'settled' as const,
    () => 'settled' as const,
  );
  try {
    return await Promise.race([settled, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Holds the app's quit until `stop` has run (or `limitMs` passed), then quits for real. Electron's 'will-quit' comes
 * after the windows are closed, so the user sees CellDesk go at once while the engine finishes.
 */
export function stopBeforeQuit(app: Pick<App, 'on' | 'quit'>, stop: () => Promise<void>, limitMs = ENGINE_STOP_LIMIT_MS): void {
  let stopping: Promise<unknown> | null = null;
  let stopped = false;
  app.on('will-quit', (event) => {
    if (stopped) return;
    event.preventDefault();
    stopping ??= settleWithin(Promise.resolve().then(stop), limitMs).then((outcome) => {
      if (outcome === 'timed-out') console.error(`CellDesk: the engine did not stop within ${limitMs / 1000} s; quitting anyway.`);
      stopped = true;
      app.quit();
    });
  });
}
