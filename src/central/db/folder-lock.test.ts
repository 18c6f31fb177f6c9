/**
 * One central process per data folder: a live holder is refused by name, a lock whose process has exited — or whose
 * process id now belongs to another process — is taken over, and a release leaves another's lock alone.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { tempDir } from '../../common/test-support/temp-dir.js';
import { FolderInUseError, LOCK_FILE, takeFolderLock } from './folder-lock.js';
import { startTime } from './processes.js';

const dirs: { remove(): void }[] = [];
afterEach(() => dirs.splice(0).forEach((d) => d.remove()));

function folder(): string {
  const dir = tempDir('hcp-lock-');
  dirs.push(dir);
  return dir.path;
}

const lockOf = (dir: string) => readFileSync(join(dir, LOCK_FILE), 'utf8');

it('refuses a folder a live process holds, naming it, with a stable code', () => {
  const dir = folder();
  // Our parent stands in for the running central: alive, its start time recorded as a central records its own.
  writeFileSync(join(dir, LOCK_FILE), `${process.ppid} ${startTime(process.ppid)}\n`);
  let error: unknown;
  try {
    takeFolderLock(dir);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(FolderInUseError);
  expect(error).toMatchObject({ code: 'data_folder_in_use' });
  expect((error as Error).message).toContain(`another hcp central (process ${process.ppid}) is running on ${dir}`);
});

it('takes over the lock of a process that has exited', () => {
  const dir = folder();
  const exited = spawnSync(process.execPath, ['-e', '0']).pid;
  writeFileSync(join(dir, LOCK_FILE), `${exited} 1\n`);
  const lock = takeFolderLock(dir);
  expect(lockOf(dir)).toMatch(new RegExp(`^${process.pid} `));
  lock.release();
});

it('takes over a lock whose process id now belongs to another process (its start time differs)', () => {
  const dir = folder();
  writeFileSync(join(dir, LOCK_FILE), `${process.ppid} 1\n`);
  takeFolderLock(dir).release();
});

it('releases its own lock, and leaves one another process took meanwhile', () => {
  const dir = folder();
  takeFolderLock(dir).release();
  const lock = takeFolderLock(dir);
  writeFileSync(join(dir, LOCK_FILE), `${process.ppid} ${startTime(process.ppid)}\n`);
  lock.release();
  expect(lockOf(dir)).toBe(`${process.ppid} ${startTime(process.ppid)}\n`);
});
