/**
 * Press to acknowledgement over a real pty: a real kiosk process drives one end of a socat pair, the simulated
 * evaluator the other. For each press an invitation is opened, the PROMPT awaited and, as a person takes a moment
 * to press, PAUSE_MS let pass; then the time from the KEY frame leaving the simulator to the ACK arriving back is
 * measured. The floor is the least any press could cost on this machine: the same round trip, paced the same, to a
 * process that only commits one small row durably on the same disk before it answers (the ACK must wait for the
 * rating's commit). Beside it, for reading the figures: the transport alone, and row 1's bare commit in a tight
 * loop (a process that has been idle commits slower: its CPU sleeps between presses).
 *
 *   npm run bench -- press     (or: npx tsx bench/press-to-ack.ts [presses])
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEvaluatorLine } from '../src/hardware/test-support/evaluator-line.js';
import { startKioskProcess } from '../src/kiosk/test-support/kiosk-process.js';
import { PIN_1001, provisioned } from '../src/kiosk/test-support/fixtures.js';
import { measureBareCommit } from './durable-commit.js';
import { startAnsweringLine } from './pty-round-trip.js';
import { ms, ratio, summarize, table, type Summary } from './stats.js';
import { NONE, type SummaryLine } from './summary.js';

/** How long after the PROMPT each press comes (and each floor frame after the last answer). */
export const PAUSE_MS = 20;
/** The kiosk and the floors take turns in this many rounds, so a slow stretch of the machine falls on all. */
const ROUNDS = 5;

export interface PressToAckResult {
  press: Summary;
  /** Inside the kiosk: KEY read → ACK written (the commit is inside), as its diagnostics report it. */
  host: { p50Ms: number; p99Ms: number };
  /** The floor: the round trip to a process that commits one row, then answers. */
  floor: Summary;
  /** The floor process's commits, as it timed them. */
  floorCommit: Summary;
  /** The transport alone: the round trip to a process that only echoes. */
  echo: Summary;
  /** Row 1's floor: bare commits one after another, in a process that never sleeps between them. */
  tightCommit: Summary;
}

export async function benchPressToAck(presses = 1000): Promise<PressToAckResult> {
  const dir = mkdtempSync(join(tmpdir(), 'hcp-bench-press-'));
  const kioskDir = join(dir, 'kiosk');
  await (await provisioned(kioskDir)).close();
  const line = await startEvaluatorLine(dir);
  const { pty, sim } = line;
  const kiosk = await startKioskProcess(kioskDir, ['--serial', pty.hostPath], { ipc: false });
  const floorLine = await startAnsweringLine(join(dir, 'floor'), { commit: true });
  const echoLine = await startAnsweringLine(join(dir, 'echo'));
  try {
    for (let i = 0; i < 400; i++) {
      const state = ((await kiosk.api('GET', '/status')).body as { evaluator: { state: string } }).evaluator.state;
      if (state === 'connected') break;
      await new Promise((r) => setTimeout(r, 25));
    }
    await kiosk.api('POST', '/shift/login', { staffNo: '1001', pin: PIN_1001 });
    let pressed = 0;
    const press = async () => {
      const prompted = new Promise((r) => sim.once('prompt', r));
      const opened = await kiosk.api('POST', '/invitations', {});
      if (opened.status !== 201) throw new Error(`invitation refused: ${JSON.stringify(opened.body)}`);
      await prompted;
      await new Promise((r) => setTimeout(r, PAUSE_MS));
      const t0 = performance.now();
      const result = await sim.press((pressed++ % 5) + 1);
      const t = performance.now() - t0;
      if (!result.acked || result.sends !== 1) throw new Error(`press ${pressed} not acknowledged on its first send`);
      return t;
    };
    const warmUp = 20;
    for (let i = 0; i < warmUp; i++) await press();
    await floorLine.time(warmUp, PAUSE_MS);
    await echoLine.time(warmUp, PAUSE_MS);
    const samples: number[] = [];
    const floor: number[] = [];
    const echo: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const n = Math.round((presses * (round + 1)) / ROUNDS) - Math.round((presses * round) / ROUNDS);
      for (let i = 0; i < n; i++) samples.push(await press());
      floor.push(...(await floorLine.time(n, PAUSE_MS)));
      echo.push(...(await echoLine.time(n, PAUSE_MS)));
    }
    const diagnostics = (await kiosk.api('GET', '/diagnostics/evaluator')).body as {
      pressTiming: { p50Ms: number; p99Ms: number };
    };
    return {
      press: summarize(samples),
      host: diagnostics.pressTiming,
      floor: summarize(floor),
      floorCommit: summarize((await floorLine.close()).slice(warmUp)),
      echo: summarize(echo),
      tightCommit: measureBareCommit(dir),
    };
  } finally {
    await floorLine.close().catch(() => undefined);
    await echoLine.close().catch(() => undefined);
    await kiosk.kill('SIGTERM');
    await line.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

export function formatPressToAck({ press, host, floor, floorCommit, echo, tightCommit }: PressToAckResult): string {
  return table(
    ['press → ACK over a real pty', 'n', 'p50', 'p99'],
    [
      ['KEY frame sent → ACK received', String(press.n), ms(press.p50), ms(press.p99)],
      ['in the kiosk: KEY read → ACK written (part of the above)', '', ms(host.p50Ms), ms(host.p99Ms)],
      [
        'floor: round trip to a process that commits one row, then answers',
        String(floor.n),
        ms(floor.p50),
        ms(floor.p99),
      ],
      ['its commit, as that process timed it (part of the floor)', '', ms(floorCommit.p50), ms(floorCommit.p99)],
      ['HCP / floor (target ≤ 2×)', '', ratio(press.p50, floor.p50), ratio(press.p99, floor.p99)],
      ['transport alone: round trip to a process that only echoes', String(echo.n), ms(echo.p50), ms(echo.p99)],
      [
        'row 1’s bare commit, back to back (never idle)',
        String(tightCommit.n),
        ms(tightCommit.p50),
        ms(tightCommit.p99),
      ],
    ],
  );
}

export function pressToAckSummary({ press, host, floor }: PressToAckResult): SummaryLine[] {
  return [
    {
      measure: '2 press → ACK over a real pty: p50 · p99',
      hcp: `${press.p50.toFixed(2)} · ${ms(press.p99)}`,
      peer: NONE,
      floor: `${floor.p50.toFixed(2)} · ${ms(floor.p99)} (pty round trip + one commit)`,
      vsFloor: `${ratio(press.p50, floor.p50)} · ${ratio(press.p99, floor.p99)}`,
      vsPeer: NONE,
      target: '≤ 2× floor',
      met: press.p50 <= 2 * floor.p50 && press.p99 <= 2 * floor.p99,
      limit:
        `inside the kiosk, KEY read → ACK written takes ${ms(host.p50Ms)} at p50 and ${ms(host.p99Ms)} at p99 ` +
        '(the rating’s commit is inside); the rest is the frames waiting to be scheduled on the line’s processes',
    },
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const presses = Number(process.argv[2] ?? 1000);
  console.log(formatPressToAck(await benchPressToAck(presses)));
}
