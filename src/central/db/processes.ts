/**
 * What the operating system says of a process, for the embedded cluster's lifecycle: whether it still runs, when it
 * started, and which processes work in a folder. Linux's /proc gives the details; elsewhere only whether a process
 * id exists is known. Runs in Node.
 */
import { readdirSync, readFileSync, readlinkSync, realpathSync } from 'node:fs';

/** `running`; `zombie` (it has exited, and whoever adopted it has not reaped it yet); or `gone`. */
export type ProcessState = 'running' | 'zombie' | 'gone';

export function processState(pid: number): ProcessState {
  if (!Number.isInteger(pid) || pid <= 0) return 'gone';
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: it exists, as another user's process.
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return 'gone';
  }
  return statFields(pid)?.[0] === 'Z' ? 'zombie' : 'running';
}

/** Field 22 of /proc/PID/stat (clock ticks after boot); undefined where there is no /proc. */
export function startTime(pid: number): string | undefined {
  return statFields(pid)?.[19];
}

/**
 * The running processes whose working folder is `dir`: a PostgreSQL server's processes all work in its data
 * folder. Empty where there is no /proc.
 */
export function processesIn(dir: string): number[] {
  let real: string;
  let entries: string[];
  try {
    real = realpathSync(dir);
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  return entries
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .filter((pid) => {
      try {
        return readlinkSync(`/proc/${pid}/cwd`) === real && processState(pid) === 'running';
      } catch {
        return false; // gone meanwhile, or not ours to look at
      }
    });
}

/** The fields of /proc/PID/stat from the third (the state) on; undefined where there is no /proc. */
function statFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count fields after its closing one.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}
