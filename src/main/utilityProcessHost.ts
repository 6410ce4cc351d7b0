// The desktop app's engine host: the engine's entry (src/engine/service/engineHost.ts, bundled by electron-vite) run
// as an Electron utility process, so that a native crash ends the engine and not the window (see [Note: engine host]
// in src/engine/service/engineService.ts). Main process.
//
// [Note: utility process] Why a utility process and what only Electron can show. child_process.fork would need the
// Electron binary to run as Node, which the RunAsNode fuse turns off in the installers (packaging/config.ts); a
// utility process is Chromium's own child process with Node inside, the way Electron recommends (and ente desktop
// runs its ML). It inherits the main process's environment as given here, so CELLDESK_SQLITE_BINDING (the
// better-sqlite3 built for Electron) reaches the engine, and it loads its entry from inside app.asar as the main process
// does (Electron's asar support is the same in both; the installers unpack only native files). Its ESM entry is the
// chunk electron-vite builds for `engineHost?modulePath`. None of this runs without Electron's binary, which cannot be
// downloaded where CellDesk's tests run; what the tests do run is the same entry, the same RPC and the same
// supervision over a Node child process (tests/service/engineHost.test.ts). Left to a machine with Electron: the
// message channel itself (process.parentPort; typed arrays cross it as they do ipcMain's, by structured clone), the
// exit code Electron reports for a killed engine (waitpid's on POSIX, so a signal shows as a code), and the entry
// loading from the asar.
import { utilityProcess } from 'electron';
import type { EngineHost, HostExit, StartHost } from '../engine/service/startHost';

/** `serviceName` names the process in the system's task manager and Electron's process metrics. */
export function utilityProcessHost(modulePath: string, serviceName: string): StartHost {
  return (env) => {
    const child = utilityProcess.fork(modulePath, [], { serviceName, stdio: 'inherit', env });
    let detail: string | null = null;
    child.on('error', (type, location) => (detail = `${type} at ${location}`));
    const exited = new Promise<HostExit>((resolve) => child.once('exit', (code) => resolve({ code, signal: null, detail })));
    const host: EngineHost = {
      transport: {
        postMessage: (message) => child.postMessage(message),
        onMessage: (listener) => {
          child.on('message', listener);
          return () => child.off('message', listener);
        },
      },
      get pid() {
        return child.pid;
      },
      exited,
      // The main process lives as long as the app, engine or not.
      keepAlive: () => {},
      kill: () => void child.kill(),
    };
    return host;
  };
}
