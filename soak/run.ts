/**
 * `npm run soak -- --minutes N [--seed S]`: the whole system under faults. A citizen keeps rating on the simulated
 * evaluator while the fault driver kills the kiosk and the centre, breaks the network and the serial line and
 * fills the kiosk's disk. At the end the queue drains and the centre's database must hold every rating the
 * evaluator saw acknowledged exactly once with the level pressed, and nothing else. Exits 1 on any loss, double or
 * wrong level.
 */
import BetterSqlite3 from 'better-sqlite3';
import { once } from 'node:events';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import type { StatusView } from '../src/shared/local-api.js';
import { seededRandom, type Random } from '../src/common/seeded-random.js';
import { driveFaults, FAULT_NAMES, sleep } from './faults.js';
import type { EvaluatorSimulator } from '../src/hardware/evaluator-simulator.js';
import type { KioskProcess } from '../src/kiosk/test-support/kiosk-process.js';
import { Rig, STAFF } from './rig.js';
import { Ledger, verify, type CentralEvaluation, type Press } from './ledger.js';

const DEFAULT_KEY_LEVELS = [5, 4, 3, 2, 1]; // key 1 (leftmost) = 非常满意 … key 5 = 非常不满意

/** One citizen at the counter: an invitation, the prompt, a key. Now and then a key pressed with nothing open. */
async function serveOne(rig: Rig, ledger: Ledger, n: number, random: Random): Promise<void> {
  const kiosk = rig.kiosk;
  const sim = rig.sim;
  const key = 1 + Math.floor(random() * 5);
  if (random() < 0.04) {
    const status = (await kiosk.api('GET', '/status')).body as StatusView;
    if (status.invitation !== null) return;
    ledger.strays.pressed += 1;
    if ((await sim.press(key)).acked) ledger.strays.acked += 1;
    return;
  }
  // Listening before the invitation opens: its PROMPT may arrive before the API's answer does.
  const waiting = new AbortController();
  const prompted = once(sim, 'prompt', { signal: waiting.signal }).catch(() => undefined);
  const timer = setTimeout(() => waiting.abort(), 1000);
  try {
    await rateOne(kiosk, sim, ledger, `SOAK-${n}`, key, prompted);
  } finally {
    clearTimeout(timer);
    waiting.abort();
  }
}

async function rateOne(
  kiosk: KioskProcess,
  sim: EvaluatorSimulator,
  ledger: Ledger,
  caseNo: string,
  key: number,
  prompted: Promise<unknown>,
): Promise<void> {
  const opened = await kiosk.api('POST', '/invitations', { serviceItemCode: 'SC-0001', caseNo });
  const error = (opened.body as { error?: string } | null)?.error;
  if (opened.status === 507 && error === 'storage_full') {
    ledger.refusedDiskFull += 1;
    // The keys stay dark, and some press one anyway: a stray, stored while it fits, never counted.
    ledger.strays.pressed += 1;
    if ((await sim.press(key)).acked) ledger.strays.acked += 1;
    await sleep(200);
    return;
  }
  if (opened.status === 409 && error === 'invitation_open') {
    // Left open by a run that was killed before the press reached it, or before its answer reached us.
    const open = ((await kiosk.api('GET', '/status')).body as StatusView).invitation;
    if (open && (await kiosk.api('DELETE', `/invitations/${open.id}`)).status === 204) ledger.cancelledLeftOpen += 1;
    return;
  }
  if (opened.status === 409 && error === 'no_shift') {
    await kiosk.api('POST', '/shift/login', STAFF);
    return;
  }
  if (opened.status !== 201) {
    ledger.unexpected.push(`POST /invitations answered ${opened.status} ${JSON.stringify(opened.body)}`);
    return;
  }
  const press: Press = { caseNo, level: DEFAULT_KEY_LEVELS[key - 1]!, acked: false };
  ledger.presses.set((opened.body as { id: string }).id, press);
  await prompted; // the keys light up (or the line is down and they never do: the citizen presses anyway)
  press.acked = (await sim.press(key)).acked;
}

async function waitForDrain(rig: Rig, ms: number): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    const status = await rig.kiosk
      .api('GET', '/status')
      .then((r) => r.body as StatusView)
      .catch(() => null);
    if (status && status.queue.pending === 0 && status.central.state === 'online') return;
    if (Date.now() > until) throw new Error(`the queue did not drain within ${ms / 1000} s: ${JSON.stringify(status)}`);
    await sleep(250);
  }
}

function kioskRatings(rig: Rig): Map<string, number> {
  const db = new BetterSqlite3(join(rig.kioskDir, 'kiosk.db'), { readonly: true });
  try {
    const rows = db.prepare("SELECT id, satisfaction FROM invitations WHERE state = 'rated'").all() as {
      id: string;
      satisfaction: number;
    }[];
    return new Map(rows.map((r) => [r.id, r.satisfaction]));
  } finally {
    db.close();
  }
}

async function centralEvaluations(databaseUrl: string): Promise<CentralEvaluation[]> {
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    return (await db.query<CentralEvaluation>('SELECT id::text AS id, outcome, satisfaction, case_no FROM evaluations'))
      .rows;
  } finally {
    await db.end();
  }
}

async function soak(minutes: number, seed: number): Promise<boolean> {
  const started = Date.now();
  const log = (line: string) => process.stdout.write(`[${((Date.now() - started) / 1000).toFixed(1)} s] ${line}\n`);
  // Two streams from one seed: the faults' and the citizen's, so each replays the same choices with `--seed`.
  const random = seededRandom(seed);
  const faultRandom = seededRandom(seed ^ 0x5bd1e995);
  log(`soak: ${minutes} min of faults, seed ${seed}`);
  const rig = await Rig.start();
  try {
    await rig.kiosk.api('POST', '/shift/login', STAFF);
    const ledger = new Ledger();
    const driver = driveFaults(rig, faultRandom, log);
    const end = Date.now() + minutes * 60_000;
    let n = 0;
    let nextReport = Date.now() + 30_000;
    const serveWhile = async (going: () => boolean) => {
      while (going()) {
        // The kiosk may be dead or restarting right now: that is the point. Try again in a moment.
        await serveOne(rig, ledger, n++, random).catch(() => sleep(100));
        await sleep(random() * 50);
        if (Date.now() > nextReport) {
          nextReport += 30_000;
          log(`${ledger.acked} ratings acknowledged so far`);
        }
      }
    };
    await serveWhile(() => Date.now() < end && !driver.failed);
    // The fault in progress may need ratings to finish (a disk fills up only as they are written): citizens keep
    // coming until it has, and no new fault starts once every kind has been injected.
    let faultsStopped = false;
    const stopped = driver.stop().finally(() => (faultsStopped = true));
    stopped.catch(() => undefined); // awaited below: a failure meanwhile is not an unhandled one
    await serveWhile(() => !faultsStopped);
    await stopped;
    log('faults stopped; waiting for the queue to drain');
    await waitForDrain(rig, 180_000);
    await rig.kiosk.kill('SIGTERM');
    const central = await centralEvaluations(rig.databaseUrl());
    const problems = verify(ledger, central, kioskRatings(rig));
    const missing = FAULT_NAMES.filter((name) => driver.injected[name] === 0);
    if (missing.length > 0) problems.push(`never injected (run longer): ${missing.join(', ')}`);
    if (ledger.acked === 0) problems.push('no rating was acknowledged at all');

    const rated = new Set(central.filter((e) => e.outcome === 'rated').map((e) => e.id));
    const unacked = [...ledger.presses].filter(([, p]) => !p.acked);
    const storedUnacked = unacked.filter(([id]) => rated.has(id)).length;
    console.log(`\nfaults injected:`);
    for (const name of FAULT_NAMES) console.log(`  ${name.padEnd(36)} ${driver.injected[name]}`);
    console.log(`network faults seen by the proxy: ${JSON.stringify(rig.proxy.injected)}`);
    console.log(`ratings checked at the centre:`);
    console.log(`  acknowledged by the evaluator             ${ledger.acked}`);
    console.log(
      `  pressed, no acknowledgement (a fault hit)  ${unacked.length} (${storedUnacked} stored before it hit)`,
    );
    console.log(`  stray presses (nothing open; none counted) ${ledger.strays.pressed} (${ledger.strays.acked} acked)`);
    console.log(`  invitations refused: disk full            ${ledger.refusedDiskFull}`);
    console.log(`  invitations left open by a crash, cancelled ${ledger.cancelledLeftOpen}`);
    console.log(`  presses in all                            ${ledger.presses.size}`);
    if (problems.length === 0) {
      console.log(
        `\nPASS: every acknowledged rating is at the centre exactly once with the level pressed, nothing else.`,
      );
      return true;
    }
    console.log(`\nFAIL: ${problems.length} problem(s):`);
    for (const p of problems.slice(0, 50)) console.log(`  ${p}`);
    return false;
  } finally {
    await rig.stop();
    log('done');
  }
}

const { values } = parseArgs({
  options: { minutes: { type: 'string', default: '2' }, seed: { type: 'string' } },
});
const minutes = Number(values.minutes);
const seed = values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(values.seed);
if (!(minutes > 0 && minutes <= 24 * 60) || !Number.isInteger(seed)) {
  console.error('usage: npm run soak -- --minutes N [--seed S]   (N: 0 < N ≤ 1440 minutes; S: a whole number)');
  process.exit(2);
}
// Bounded: the soak stops itself, whatever happens.
const watchdog = setTimeout(
  () => {
    console.error('soak: did not finish within its time limit');
    process.exit(1);
  },
  (minutes + 6) * 60_000,
);
watchdog.unref();
process.exitCode = (await soak(minutes, seed)) ? 0 : 1;
