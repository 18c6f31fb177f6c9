/**
 * Press to acknowledgement over a real pty: a real kiosk process drives one end of a socat pair, the simulated
 * evaluator the other. For each press an invitation is opened, the PROMPT awaited, then the time from the KEY frame
 * leaving the simulator to the ACK arriving back is measured. Beside it, one bare durable SQLite commit on the same
 * disk: the physical floor (the ACK waits for the rating's commit).
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
import { measurePtyEcho } from './pty-echo.js';
import { ms, ratio, summarize, table, type Summary } from './stats.js';
import { NONE, type SummaryLine } from './summary.js';

export interface PressToAckResult {
  press: Summary;
  /** The same round trip with nothing behind it: a second process echoing over the same kind of pty. */
  echo: Summary;
  /** Inside the kiosk: KEY read → ACK written (the commit is inside), as its diagnostics report it. */
  host: { p50Ms: number; p99Ms: number };
  floor: Summary;
}

export async function benchPressToAck(presses = 1000): Promise<PressToAckResult> {
  const dir = mkdtempSync(join(tmpdir(), 'hcp-bench-press-'));
  const kioskDir = join(dir, 'kiosk');
  await (await provisioned(kioskDir)).close();
  const line = await startEvaluatorLine(dir);
  const { pty, sim } = line;
  const kiosk = await startKioskProcess(kioskDir, ['--serial', pty.hostPath], { ipc: false });
  try {
    for (let i = 0; i < 400; i++) {
      const state = ((await kiosk.api('GET', '/status')).body as { evaluator: { state: string } }).evaluator.state;
      if (state === 'connected') break;
      await new Promise((r) => setTimeout(r, 25));
    }
    await kiosk.api('POST', '/shift/login', { staffNo: '1001', pin: PIN_1001 });
    const samples: number[] = [];
    for (let i = 0; i < presses + 20; i++) {
      const prompted = new Promise((r) => sim.once('prompt', r));
      const opened = await kiosk.api('POST', '/invitations', {});
      if (opened.status !== 201) throw new Error(`invitation refused: ${JSON.stringify(opened.body)}`);
      await prompted;
      const t0 = performance.now();
      const result = await sim.press((i % 5) + 1);
      const t = performance.now() - t0;
      if (!result.acked || result.sends !== 1) throw new Error(`press ${i} not acknowledged on its first send`);
      if (i >= 20) samples.push(t); // warm-up
    }
    const diagnostics = (await kiosk.api('GET', '/diagnostics/evaluator')).body as {
      pressTiming: { p50Ms: number; p99Ms: number };
    };
    await kiosk.kill('SIGTERM');
    await sim.stop();
    const echo = await measurePtyEcho(pty);
    const floor = measureBareCommit(dir);
    return { press: summarize(samples), host: diagnostics.pressTiming, echo, floor };
  } finally {
    await kiosk.kill('SIGTERM');
    await line.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

export function formatPressToAck({ press, host, echo, floor }: PressToAckResult): string {
  return table(
    ['press → ACK over a real pty', 'n', 'p50', 'p99'],
    [
      ['KEY frame sent → ACK received', String(press.n), ms(press.p50), ms(press.p99)],
      ['in the kiosk: KEY read → ACK written (part of the above)', '', ms(host.p50Ms), ms(host.p99Ms)],
      ['pty round trip to an echoing process (transport floor)', String(echo.n), ms(echo.p50), ms(echo.p99)],
      ['bare durable SQLite commit (floor)', String(floor.n), ms(floor.p50), ms(floor.p99)],
      ['ratio to the commit floor', '', ratio(press.p50, floor.p50), ratio(press.p99, floor.p99)],
      [
        'ratio to both floors, transport + commit (target ≤ 2×)',
        '',
        ratio(press.p50, echo.p50 + floor.p50),
        ratio(press.p99, echo.p99 + floor.p99),
      ],
    ],
  );
}

export function pressToAckSummary({ press, host, echo, floor }: PressToAckResult): SummaryLine[] {
  const floorP50 = echo.p50 + floor.p50;
  const floorP99 = echo.p99 + floor.p99;
  return [
    {
      measure: '2 press → ACK over a real pty: p50 · p99',
      hcp: `${press.p50.toFixed(2)} · ${ms(press.p99)}`,
      peer: NONE,
      floor: `${floorP50.toFixed(2)} · ${ms(floorP99)} (pty echo + commit)`,
      vsFloor: `${ratio(press.p50, floorP50)} · ${ratio(press.p99, floorP99)}`,
      vsPeer: NONE,
      target: '≤ 2× floor',
      met: press.p50 <= 2 * floorP50 && press.p99 <= 2 * floorP99,
      limit:
        `inside the kiosk, KEY read → ACK written takes ${ms(host.p50Ms)} at p50 and ${ms(host.p99Ms)} at p99, ` +
        'mostly the rating’s commit (slower than row 1’s in a process woken by the line); the rest of the tail is ' +
        'outside the kiosk: timed across the processes (2026-11-25), the KEY waited p99 2.9 ms to be read, often ' +
        '~4 ms (a scheduler tick), and the ACK p99 1.3 ms to reach the simulator, and neither CPU pinning, nice −10 ' +
        'for the kiosk nor busy vCPUs removed it; the transport alone (pty echo) has a p99 of ' +
        `${ms(echo.p99)}`,
    },
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const presses = Number(process.argv[2] ?? 1000);
  console.log(formatPressToAck(await benchPressToAck(presses)));
}
