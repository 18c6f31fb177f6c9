/**
 * One central process per data folder: DATA/central.lock holds the process id (and, on Linux, the process's start
 * time, so that a process id reused after a reboot is not taken for the holder). A lock whose process is gone is
 * stale — its central was killed — and is taken over. Runs in Node.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { processState, startTime } from './processes.js';

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
  // A zombie has exited: a killed central stays one until its parent reaps it.
  if (pid === process.pid || processState(pid) !== 'running') return false;
  const now = startTime(pid);
  return !started || now === undefined || now === started;
}
