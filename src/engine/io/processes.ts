// Whether a process still runs, for files and rows that name the process that made them; Node side.

/** Whether a process with this id exists on this computer (EPERM: it exists, owned by someone else). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
