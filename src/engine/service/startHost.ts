// Starting the engine's host from the service's side: a worker thread or a Node child process running a script
// (TypeScript through tsx when running from sources), each seen as an EngineHost: its transport, how it ended, whether
// it keeps the service's process alive, how to kill it. The desktop app's Electron utility process is the third kind
// (src/main/utilityProcessHost.ts). See [Note: engine host] in engineService.ts. Node side (the service's thread).
import { fork } from 'node:child_process';
import type { Transport } from './rpc';
import { portTransport, startWorker } from './startWorker';

/** How a host ended. */
export interface HostExit {
  /** Null when a signal ended the process. */
  code: number | null;
  signal: NodeJS.Signals | null;
  /** What the host's runtime said besides (a worker's uncaught error, a process that could not start), if anything. */
  detail: string | null;
}

export interface EngineHost {
  readonly transport: Transport;
  /** The host's process id; undefined for a worker thread, which lives in the service's process. */
  readonly pid: number | undefined;
  /** Resolves once the host has ended, for whatever reason. */
  readonly exited: Promise<HostExit>;
  /** Whether the host keeps the service's process alive: only while calls run, so a CLI command or a test ends with its work. */
  keepAlive(busy: boolean): void;
  /** Ends the host now, whatever it is doing. */
  kill(): void;
}

/** Starts a host reading `env` as its environment (data folder, model sources, CELLDESK_SQLITE_BINDING). */
export type StartHost = (env: NodeJS.ProcessEnv) => EngineHost;

/** The engine host's entry run as a worker thread; the thread is killed with terminate(). */
export function workerThreadHost(script: string): StartHost {
  return (env) => {
    const thread = startWorker(script, { env: { ...env } });
    let detail: string | null = null;
    thread.on('error', (error) => (detail = error.message));
    return {
      transport: portTransport(thread),
      pid: undefined,
      exited: new Promise((resolve) => thread.once('exit', (code) => resolve({ code, signal: null, detail }))),
      keepAlive: (busy) => (busy ? thread.ref() : thread.unref()),
      kill: () => void thread.terminate(),
    };
  };
}

/**
 * The engine host's entry run as a Node child process (child_process.fork, the current Node binary), its messages
 * serialized the 'advanced' way (V8's structured clone, so typed arrays arrive as typed arrays); killed with SIGKILL.
 * The desktop app cannot use it: with Electron's RunAsNode fuse off, its binary will not run as Node.
 */
export function childProcessHost(script: string): StartHost {
  return (env) => {
    const child = fork(script, [], {
      env,
      execArgv: script.endsWith('.ts') ? ['--import', import.meta.resolve('tsx')] : [],
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const exited = new Promise<HostExit>((resolve) => {
      child.once('exit', (code, signal) => resolve({ code, signal, detail: null }));
      // A process that could not start emits 'error' and never 'exit'.
      child.on('error', (error) => child.pid === undefined && resolve({ code: null, signal: null, detail: error.message }));
    });
    const transport: Transport = {
      // A message to a host that has just ended is lost with it; its 'exit' tells the service.
      postMessage: (message) => void child.send(message as object, undefined, undefined, () => {}),
      onMessage: (listener) => {
        child.on('message', listener);
        return () => child.off('message', listener);
      },
    };
    return {
      transport,
      pid: child.pid,
      exited,
      // The IPC channel holds the event loop as well as the process does.
      keepAlive: (busy) => {
        if (busy) {
          child.ref();
          child.channel?.ref();
        } else {
          child.unref();
          child.channel?.unref();
        }
      },
      kill: () => void child.kill('SIGKILL'),
    };
  };
}

/** How a host ended, in words for a message: "signal SIGKILL", "exit code 1: out of memory". */
export function describeExit({ code, signal, detail }: HostExit): string {
  const how = signal !== null ? `signal ${signal}` : code !== null ? `exit code ${code}` : 'it could not start';
  return detail === null ? how : `${how}: ${detail}`;
}

/**
 * How long a host asked to stop gets to end its calls and release what it holds before it is killed. With
 * KILL_WAIT_MS it stays within the 5 s the desktop app waits for the engine when quitting (src/main/shutdown.ts).
 */
export const HOST_STOP_GRACE_MS = 3000;

/** How long killing a host may take to show: a worker thread ends only once the native code it runs returns. */
const KILL_WAIT_MS = 1000;

/**
 * Waits at most `graceMs` for a host asked to stop to end; then kills it and waits at most KILL_WAIT_MS more.
 * Resolves with how it ended, or null if it still had not (a thread stuck in native code, which ends with the process).
 */
export async function endWithin(host: EngineHost, graceMs: number): Promise<HostExit | null> {
  const ended = await within(host.exited, graceMs);
  if (ended !== null) return ended;
  host.kill();
  return within(host.exited, KILL_WAIT_MS);
}

async function within<T>(work: Promise<T>, limitMs: number): Promise<T | null> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), limitMs)));
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
