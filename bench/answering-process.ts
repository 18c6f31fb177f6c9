/**
 * The far end of a floor line (pty-round-trip.ts), as a process of its own: it echoes what it reads with the
 * transport the kiosk uses; given a folder, it first commits one bare row there — row 1's floor (durable-commit.ts)
 * — and keeps the commit's time. It prints `ready`, then, when its stdin ends, the commit times as JSON.
 *
 *   tsx bench/answering-process.ts <tty> [folder]
 */
import { serialTransport } from '../src/hardware/transport.js';
import { openBareCommits } from './durable-commit.js';

const [path, dir] = process.argv.slice(2);
const bare = dir === undefined ? undefined : openBareCommits(dir);
const commits: number[] = [];
const line = await serialTransport(path!)();
line.onData((chunk) => {
  if (bare) commits.push(...bare.time(1));
  line.write(chunk);
});
process.stdin.on('end', () => process.stdout.write(`${JSON.stringify(commits)}\n`, () => process.exit(0)));
process.stdin.resume();
process.stdout.write('ready\n');
