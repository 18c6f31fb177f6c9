/**
 * Before timing fsyncs: write back everything the machine still holds dirty (the build that precedes a run, a fill
 * of a million rows), so that the commits measured next do not pay for it. On ext4 a file's fsync commits the
 * journal, and with it the data of every file whose metadata is in that journal transaction.
 */
import { execFileSync } from 'node:child_process';

export async function flushDisk(): Promise<void> {
  execFileSync('sync');
  await new Promise((resolve) => setTimeout(resolve, 1000));
}
