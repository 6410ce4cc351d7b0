// Inside the engine's host: the channel to the service that started it and the environment to run with, picked by
// what this process has: a worker thread's parentPort, an Electron utility process's process.parentPort, or a Node
// child process's IPC channel. See [Note: engine host] in engineService.ts. Node side (the host).
import { parentPort, workerData } from 'node:worker_threads';
import { workerStart } from '../../shared/workerMessages';
import type { Transport } from './rpc';
import { portTransport } from './startWorker';

export type HostKind = 'worker thread' | 'utility process' | 'child process';

export interface HostSide {
  kind: HostKind;
  /** Read for the data folder and model sources: a thread's start-up data, a process's own environment. */
  env: NodeJS.ProcessEnv;
  transport: Transport;
  /** Calls `listener` if the service's process goes away without asking this host to stop (a child's parent died). */
  onParentGone(listener: () => void): void;
  /** Ends the host: the process, or in a worker thread the thread alone. */
  exit(): void;
}

/** Electron's process.parentPort, as much of it as the host uses: the engine does not import Electron. */
interface ElectronParentPort {
  on(event: 'message', listener: (event: { data: unknown }) => void): unknown;
  off(event: 'message', listener: (event: { data: unknown }) => void): unknown;
  postMessage(message: unknown): void;
}

/**
 * Electron's process.parentPort as the RPC's transport. Only Electron can run this (there is no utility process
 * without Electron's binary), so it is exercised in the desktop app alone; the RPC above it is the one the worker
 * thread and the child process run in tests.
 */
function utilityProcessTransport(port: ElectronParentPort): Transport {
  return {
    postMessage: (message) => port.postMessage(message),
    onMessage: (listener) => {
      const receive = (event: { data: unknown }) => listener(event.data);
      port.on('message', receive);
      return () => port.off('message', receive);
    },
  };
}

/** A Node child process's IPC channel as the RPC's transport (its parent chose 'advanced' serialization). */
function childProcessTransport(): Transport {
  return {
    // Failing to reach a parent that is gone is not this host's error: 'disconnect' ends the host (onParentGone).
    postMessage: (message) => void process.send?.(message, () => {}),
    onMessage: (listener) => {
      const receive = (message: unknown) => listener(message);
      process.on('message', receive);
      return () => process.off('message', receive);
    },
  };
}

/** The host's side of its channel; `entry` names the script in the error raised when it is started some other way. */
export function hostSide(entry: string): HostSide {
  const exit = () => process.exit(0);
  if (parentPort !== null) {
    return { kind: 'worker thread', env: workerStart.parse(workerData).env, transport: portTransport(parentPort), onParentGone: () => {}, exit };
  }
  const electronPort = (process as { parentPort?: ElectronParentPort | null }).parentPort;
  // Electron ends its utility processes with the main process.
  if (electronPort != null) return { kind: 'utility process', env: process.env, transport: utilityProcessTransport(electronPort), onParentGone: () => {}, exit };
  if (process.send !== undefined) {
    return { kind: 'child process', env: process.env, transport: childProcessTransport(), onParentGone: (listener) => process.once('disconnect', listener), exit };
  }
  throw new Error(`${entry} runs only as CellDesk's engine host: a worker thread, an Electron utility process or a Node child process with an IPC channel.`);
}
