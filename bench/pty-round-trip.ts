/**
 * The floors of a press: the round trip of a 9-byte frame over a socat pty pair of its own, to a second process
 * that answers it straight back with the transport the kiosk uses — and, for the press's own floor, that first
 * commits one small row durably (WAL, synchronous=FULL) on the same disk, as the kiosk must before its ACK. No
 * kiosk logic. Frames are paced like presses, so the answering process is woken by the line from the same
 * idleness the kiosk is; `time` is called in rounds, taking turns with the kiosk's presses.
 */
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serialTransport } from '../src/hardware/transport.js';
import { startPtyPair } from '../src/hardware/test-support/pty-pair.js';

const TRANSPORT = fileURLToPath(new URL('../dist/hardware/transport.js', import.meta.url));
const SQLITE = createRequire(import.meta.url).resolve('better-sqlite3');
const FRAME = Buffer.from([0xaa, 0x55, 0x01, 0x02, 0x00, 0x01, 0x03, 0x00, 0x00]);

/** The answering process: echoes each frame; with a database path, commits a row for it first and times that. */
const ANSWER = `
import { createRequire } from 'node:module';
import { serialTransport } from ${JSON.stringify(TRANSPORT)};
const [path, dbPath] = process.argv.slice(1);
let commit = () => undefined;
const commits = [];
if (dbPath) {
  const Database = createRequire(import.meta.url)(${JSON.stringify(SQLITE)});
  const db = new Database(dbPath);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec('CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, v TEXT NOT NULL) STRICT');
  const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
  commit = (chunk) => {
    const t0 = performance.now();
    insert.run(chunk.toString('hex'));
    commits.push(performance.now() - t0);
  };
}
const line = await serialTransport(path)();
line.onData((chunk) => {
  commit(chunk);
  line.write(chunk);
});
process.stdin.on('end', () => process.stdout.write(JSON.stringify(commits) + '\\n', () => process.exit(0)));
process.stdin.resume();
process.stdout.write('ready\\n');
`;

export interface AnsweringLine {
  /** Sends `count` frames, each `pauseMs` after the last answer, and returns each round trip in ms. */
  time(count: number, pauseMs: number): Promise<number[]>;
  /**
   * Stops the process and the pty (once, however often called); returns its commits in ms, as it timed them (none
   * without a database).
   */
  close(): Promise<number[]>;
}

/** A pty pair in `dir` with an answering process on one end; with `commit`, it commits into `dir` first. */
export async function startAnsweringLine(dir: string, { commit = false } = {}): Promise<AnsweringLine> {
  mkdirSync(dir, { recursive: true });
  const pty = await startPtyPair(dir);
  const args = ['--input-type=module', '-e', ANSWER, pty.hostPath];
  if (commit) args.push(join(dir, 'answer-floor.db'));
  const answer = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  const exited = new Promise<void>((resolve) => answer.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    answer.stdout.setEncoding('utf8').on('data', (text: string) => {
      out += text;
      if (out.includes('ready\n')) resolve();
    });
    answer.once('exit', (code) => reject(new Error(`the answering process exited (${code}) before it was ready`)));
  });
  const line = await serialTransport(pty.devicePath)();
  let answered: (() => void) | undefined;
  let lost: ((error: Error) => void) | undefined;
  void exited.then(() => lost?.(new Error('the answering process exited')));
  let got = 0;
  line.onData((chunk) => {
    got += chunk.length;
    if (got >= FRAME.length) {
      got -= FRAME.length;
      answered?.();
    }
  });
  let closing: Promise<number[]> | undefined;
  return {
    time: async (count, pauseMs) => {
      const samples: number[] = [];
      for (let i = 0; i < count; i++) {
        await new Promise((r) => setTimeout(r, pauseMs));
        const t0 = performance.now();
        await new Promise<void>((resolve, reject) => {
          answered = resolve;
          lost = reject;
          line.write(FRAME);
        });
        samples.push(performance.now() - t0);
      }
      return samples;
    },
    close: () =>
      (closing ??= (async () => {
        lost = undefined;
        await line.close();
        answer.stdin.end();
        await exited;
        await pty.kill();
        return JSON.parse(out.slice(out.indexOf('ready\n') + 'ready\n'.length)) as number[];
      })()),
  };
}
