/**
 * One central process per data folder: DATA/central.lock holds the process id (and, on Linux, the process's start
 * time, so that a process id reused after a reboot is not taken for the holder). A lock whose process is gone is
 * stale — its central was killed — and is taken over. Runs in Node.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const LOCK_FILE = 'central.lock';

/** Another live central process holds DATA/central.lock. */
export class FolderInUseError extends Error {
  override readonly name = 'FolderInUseError';
  readonly code = 'data_folder_in_use';
}

/** A held lock. */
export interface FolderLock {
  /** Removes the lock if it is still ours. */
  release(): void;
}

/** Takes DATA/central.lock, or throws `FolderInUseError` naming the live central process that holds it. */
export function takeFolderLock(dataDir: string): FolderLock {
  const file = join(dataDir, LOCK_FILE);
  const mine = `${process.pid} ${startTime(process.pid) ?? ''}\n`;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      writeFileSync(file, mine, { flag: 'wx', mode: 0o600 });
      return {
        release: () => {
          if (read(file) === mine) rmSync(file, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const [pid, started] = (read(file) ?? '').trim().split(' ');
    if (pid && isRunning(Number(pid), started)) {
      throw new FolderInUseError(
        `another hcp central (process ${pid}) is running on ${dataDir}: stop it first, or give this one its own --data`,
      );
    }
    rmSync(file, { force: true });
  }
  throw new FolderInUseError(`${dataDir} is being taken by another hcp central at the same moment`);
}

function read(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

function isRunning(pid: number, started: string | undefined): boolean {
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: it exists, as another user's process.
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const fields = statFields(pid);
  // A zombie has exited: a killed central stays one until its parent reaps it.
  if (fields?.[0] === 'Z') return false;
  return !started || fields === undefined || fields[19] === started;
}

/** Field 22 of /proc/PID/stat (clock ticks after boot); undefined where there is no /proc. */
function startTime(pid: number): string | undefined {
  return statFields(pid)?.[19];
}

/** The fields of /proc/PID/stat from the third (the state) on; undefined where there is no /proc. */
function statFields(pid: number): string[] | undefined {
  const stat = read(`/proc/${pid}/stat`);
  // The command name (field 2) may hold spaces and parentheses: count fields after its closing one.
  return stat?.slice(stat.lastIndexOf(')') + 2).split(' ');
}
