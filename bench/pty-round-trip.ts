/**
 * The floors of a press: the round trip of a 9-byte frame over a socat pty pair of its own, to a second process
 * that answers it straight back with the transport the kiosk uses — and, for the press's own floor, that first
 * commits row 1's bare row durably on the same disk, as the kiosk must commit before its ACK (answering-process.ts).
 * No kiosk logic. Frames are paced like presses, so the answering process is woken by the line from the same
 * idleness the kiosk is; `time` is called in rounds, taking turns with the kiosk's presses.
 */
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { serialTransport } from '../src/hardware/transport.js';
import { startPtyPair } from '../src/hardware/test-support/pty-pair.js';

const ANSWERING_PROCESS = fileURLToPath(new URL('./answering-process.ts', import.meta.url));
const FRAME = Buffer.from([0xaa, 0x55, 0x01, 0x02, 0x00, 0x01, 0x03, 0x00, 0x00]);

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
  const args = ['--import', 'tsx', ANSWERING_PROCESS, pty.hostPath, ...(commit ? [dir] : [])];
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
