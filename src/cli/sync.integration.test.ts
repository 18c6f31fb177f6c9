/**
 * Integration (real processes, real PostgreSQL, a TCP proxy that breaks the network on purpose): a kiosk enrolled
 * with a central system delivers every rating exactly once, through refused connections, resets, answers cut off
 * after the centre committed, 503s, 10 s stalls and the centre killed and restarted.
 */
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { FaultProxy, freePort, type FaultMode } from '../common/test-support/fault-proxy.js';
import { tempDir } from '../common/test-support/temp-dir.js';
import { seedHall, startCentralProcess, type CentralProcess } from '../central/test-support/central-process.js';
import { createTestDatabase } from '../central/test-support/pg-cluster.js';
import type { PressOutcome } from '../kiosk/invitation-service.js';
import { enrollKioskProcess, startKioskProcess, type KioskProcess } from '../kiosk/test-support/kiosk-process.js';
import type { StatusView } from '../shared/local-api.js';
import type { Satisfaction } from '../shared/satisfaction.js';
import { waitFor } from '../common/test-support/wait-for.js';

const RATINGS_UNDER_FAULTS = 5000;

let dir: ReturnType<typeof tempDir>;
let databaseUrl: string;
let centralPort: number;
let central: CentralProcess;
let proxy: FaultProxy;
let kiosk: KioskProcess;
let db: pg.Client;

const startCentral = () => startCentralProcess({ dataDir: join(dir.path, 'central'), port: centralPort, databaseUrl });

const status = async () => (await kiosk.api('GET', '/status')).body as StatusView;

/** Opens an invitation and presses `level` on the touchscreen; returns the invitation id once acknowledged. */
async function rate(level: Satisfaction, i: number): Promise<string> {
  const opened = await kiosk.api('POST', '/invitations', { serviceItemCode: 'SC-0001', caseNo: `C-${i}` });
  if (opened.status !== 201) throw new Error(`invitation refused: ${JSON.stringify(opened.body)}`);
  const result = await kiosk.command<PressOutcome>({ name: 'press', level, source: 'touch' });
  if (!result.ok || result.value.kind !== 'rated') throw new Error(`press not rated: ${JSON.stringify(result)}`);
  return result.value.invitationId;
}

async function centralEvaluations(
  ids: string[],
): Promise<
  Map<string, { n: number; satisfaction: number; staff: string; window: string; item: string; department: string }>
> {
  const { rows } = await db.query<{
    id: string;
    n: number;
    satisfaction: number;
    staff: string;
    window: string;
    item: string;
    department: string;
  }>(
    `SELECT id::text AS id, count(*)::int AS n, min(satisfaction) AS satisfaction, min(staff_no) AS staff,
            min(window_code) AS window, min(service_item_code) AS item, min(department_code) AS department
       FROM evaluations WHERE id = ANY($1::uuid[]) GROUP BY id`,
    [ids],
  );
  return new Map(rows.map((r) => [r.id, r]));
}

beforeAll(async () => {
  dir = tempDir('hcp-sync-');
  databaseUrl = await createTestDatabase(inject('pgUrl'), 'sync_e2e');
  db = new pg.Client({ connectionString: databaseUrl });
  centralPort = await freePort();
  central = await startCentral();
  await db.connect();
  await seedHall((method, path, body) => central.admin(method, path, body));
  // A long rating window: the presses in this test come promptly, but a stalled event loop must not expire them.
  await central.admin('PATCH', '/settings', { ratingWindowSeconds: 120 });
  proxy = new FaultProxy(centralPort, await freePort());
  await proxy.start();
  const { code } = (await central.admin('POST', '/enrollments', { mode: 'window', windowCode: 'W01', name: '1号窗口' }))
    .body as { code: string };
  const kioskDir = join(dir.path, 'kiosk');
  const enrolled = await enrollKioskProcess(kioskDir, proxy.url, code);
  expect(enrolled.stderr).toBe('');
  expect(enrolled.stdout).toMatch(/enrolled as device .* \(window W01, 1 staff\)/);
  process.env.HCP_SYNC_MAX_BACKOFF_MS = '1500';
  process.env.HCP_SYNC_HEARTBEAT_MS = '2000';
  kiosk = await startKioskProcess(kioskDir);
  expect((await kiosk.api('POST', '/shift/login', { staffNo: '1001', pin: '246810' })).status).toBe(200);
});

afterAll(async () => {
  await kiosk?.kill('SIGTERM');
  await central?.kill('SIGTERM');
  await proxy?.stop();
  await db?.end();
  dir.remove();
});

describe('kiosk and central system, end to end', () => {
  it('delivers each rating once, with the right staff, window, item and level', async () => {
    const rated = new Map<string, Satisfaction>();
    for (const level of [5, 4, 3, 2, 1] as const) rated.set(await rate(level, level), level);
    await waitFor('the queue to drain', async () => (await status()).queue.pending === 0, 20_000);
    expect((await status()).central).toMatchObject({ state: 'online', lastError: null });
    const held = await centralEvaluations([...rated.keys()]);
    for (const [id, level] of rated) {
      expect(held.get(id)).toEqual({
        id,
        n: 1,
        satisfaction: level,
        staff: '1001',
        window: 'W01',
        item: 'SC-0001',
        department: 'SCJG',
      });
    }
  });

  it(
    `delivers ${RATINGS_UNDER_FAULTS} ratings exactly once through network faults and a centre that is killed`,
    { timeout: 480_000 },
    async () => {
      const rated = new Map<string, Satisfaction>();
      let done = false;
      let restarts = 0;
      const faultModes = ['refuse', 'reset', 'cut_response', 'http_503'] as const;
      const everyFaultInjected = () => [...faultModes, 'stall' as const].every((m) => proxy.injected[m] > 0);
      /** Holds a fault until it has hit a request (or 2 s went by), so each kind is injected whatever the timing. */
      const holdFault = async (mode: FaultMode) => {
        const before = proxy.injected[mode];
        await proxy.set(mode);
        const until = Date.now() + 2000;
        while (proxy.injected[mode] === before && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
        if (mode === 'stall') await new Promise((r) => setTimeout(r, 1500));
        await proxy.set('pass');
      };
      const faults = (async () => {
        // The faults take turns with the network working; the loop outlasts the ratings (bounded) until each kind of
        // fault has been injected at least once and the centre was killed twice, the kiosk's heartbeats giving it
        // traffic once the queue is empty.
        const giveUpAt = Date.now() + 180_000;
        let turn = 0;
        while ((!done || !everyFaultInjected() || restarts < 2) && Date.now() < giveUpAt) {
          const progress = rated.size / RATINGS_UNDER_FAULTS;
          if ((progress > 0.3 && restarts === 0) || (progress > 0.6 && restarts === 1)) {
            await central.kill('SIGKILL');
            await new Promise((r) => setTimeout(r, 500));
            central = await startCentral();
            restarts += 1;
          } else if (progress > 0.45 && proxy.injected.stall === 0) {
            await holdFault('stall'); // until one request is held: each holds its connection 10 s
          } else {
            await holdFault(faultModes[turn++ % faultModes.length]!);
          }
          await new Promise((r) => setTimeout(r, 200 + Math.random() * 400));
        }
        await proxy.set('pass');
      })();

      for (let i = 0; i < RATINGS_UNDER_FAULTS; i++) {
        const level = ((i % 5) + 1) as Satisfaction;
        rated.set(await rate(level, i), level);
      }
      done = true;
      await faults;
      await waitFor('the queue to drain', async () => (await status()).queue.pending === 0, 120_000);

      const held = await centralEvaluations([...rated.keys()]);
      let exactlyOnce = 0;
      for (const [id, level] of rated) {
        const row = held.get(id);
        expect(row, `rating ${id}`).toBeDefined();
        expect(row!.n).toBe(1);
        expect(row!.satisfaction).toBe(level);
        exactlyOnce += 1;
      }
      const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM evaluations');
      expect(rows[0]!.n).toBe(RATINGS_UNDER_FAULTS + 5); // nothing else, nothing twice
      expect((await status()).queue.quarantined).toBe(0);
      expect(restarts).toBe(2);
      for (const mode of ['refuse', 'reset', 'cut_response', 'http_503', 'stall'] as const) {
        expect(proxy.injected[mode], `${mode} injected`).toBeGreaterThan(0);
      }
      process.stdout.write(
        `sync under faults: ${exactlyOnce} ratings held exactly once; faults ${JSON.stringify(proxy.injected)}, central restarts ${restarts}\n`,
      );
    },
  );
});
