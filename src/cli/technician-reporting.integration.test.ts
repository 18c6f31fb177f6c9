/**
 * Integration (a real central system on its embedded PostgreSQL, real HTTP, the kiosk's own sync agent): what the counter
 * does in technician mode reaches the centre. A local key map is reported by the heartbeat and shown in the fleet
 * list, and the records rated under it carry it; every key-test session arrives as a record of its own; and a
 * follow-up the centre refuses is not dated in the kiosk's log.
 */
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../common/logger.js';
import { tempDir } from '../common/test-support/temp-dir.js';
import { runCentral, type RunningCentral } from '../central/run-central.js';
import { uuidv7 } from '../common/ids.js';
import { recordDay } from '../shared/wire-records.js';
import { transact } from '../kiosk/context.js';
import { KioskService } from '../kiosk/kiosk-service.js';
import { syncAgentFor } from '../kiosk/run-kiosk.js';
import { enrollKiosk } from '../kiosk/sync/enroll.js';
import type { SyncAgent } from '../kiosk/sync/sync-agent.js';
import { waitFor } from '../common/test-support/wait-for.js';

let dir: ReturnType<typeof tempDir>;
let central: RunningCentral;
let kiosk: KioskService;
let agent: SyncAgent;
/** What the kiosk logged: pino's JSON lines. */
const kioskLines: string[] = [];

const admin = async (method: string, path: string, body?: unknown) => {
  const res = await fetch(`${central.url}/api/v1/admin${path}`, {
    method,
    headers: { authorization: `Bearer ${central.adminToken}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const answer: unknown = await res.json();
  return answer;
};

type FleetDevice = {
  keyMap: number[] | null;
  keyMapSource: string | null;
  lastKeyTest: Record<string, unknown> | null;
};
const fleet = async () => ((await admin('GET', '/devices')) as { items: FleetDevice[] }).items[0]!;

beforeAll(async () => {
  dir = tempDir('hcp-reporting-');
  central = await runCentral({ dataDir: join(dir.path, 'central'), port: 0, logger: silentLogger });
  await admin('POST', '/departments', { code: 'SCJG', name: '市场监督管理局' });
  await admin('POST', '/windows', { code: 'W01', name: '1号窗口', departmentCode: 'SCJG' });
  await admin('POST', '/staff', { staffNo: '1001', name: '王丽', departmentCode: 'SCJG', pin: '246810' });
  const { code } = (await admin('POST', '/enrollments', { mode: 'window', windowCode: 'W01', name: '1号窗口' })) as {
    code: string;
  };
  const kioskDir = join(dir.path, 'kiosk');
  const logger = pino({ level: 'trace' }, { write: (line: string) => void kioskLines.push(line) });
  kiosk = KioskService.open({ dataDir: kioskDir, logger });
  await enrollKiosk(kiosk, kioskDir, central.url, code);
  agent = syncAgentFor(kiosk, kioskDir, logger, { heartbeatMs: 200, minBackoffMs: 50, maxBackoffMs: 200 })!;
  kiosk.attachSync(agent);
});

afterAll(async () => {
  await kiosk?.close();
  await central?.stop();
  dir?.remove();
});

describe('what technician mode changes reaches the centre', () => {
  it("reports the centre's key map as such, then a local one, in the heartbeat and the fleet list", async () => {
    await waitFor('a heartbeat', async () => (await fleet()).keyMapSource === 'central');
    expect((await fleet()).keyMap).toEqual([5, 4, 3, 2, 1]);
    kiosk.setEvaluatorInput({ kind: 'touch' }, [1, 2, 3, 4, 5]);
    await waitFor('the local key map at the centre', async () => (await fleet()).keyMapSource === 'local');
    expect((await fleet()).keyMap).toEqual([1, 2, 3, 4, 5]);
  });

  it('delivers the records rated under a local key map with that map', async () => {
    await kiosk.shifts.login({ staffNo: '1001', pin: '246810' });
    const { id } = kiosk.invitations.open({});
    kiosk.press({ level: 5, source: 'serial', key: 5 });
    await waitFor('delivery', () => kiosk.status().queue.pending === 0);
    const [row] = await central.db.query<{ map: number[] | null }>(
      'SELECT local_key_map AS map FROM evaluations WHERE id = $1',
      [id],
    );
    expect(row?.map).toEqual([1, 2, 3, 4, 5]);
    kiosk.shifts.logout();
  });

  it('delivers every key-test session as a record of its own', async () => {
    await waitFor('no shift', () => kiosk.status().shift === null);
    const end = kiosk.startKeyTest();
    kiosk.press({ level: 1, source: 'serial', key: 1 });
    kiosk.press({ level: 2, source: 'serial', key: 2 });
    end();
    await waitFor('the key test at the centre', async () => (await fleet()).lastKeyTest !== null);
    expect((await fleet()).lastKeyTest).toMatchObject({ endedBy: 'technician', presses: 2 });
  });

  it('does not name, in its log, a follow-up the centre refuses (its id would date a 差评)', async () => {
    const badId = uuidv7();
    transact(kiosk.context, () =>
      kiosk.context.db
        .prepare('INSERT INTO outbox (record_id, kind, day, payload, created_at) VALUES (?, ?, ?, ?, ?)')
        .run(badId, 'followup', recordDay(badId), JSON.stringify({ kind: 'followup', id: badId }), Date.now()),
    );
    agent.nudge();
    await waitFor('the refusal', () =>
      kioskLines.some((l) => /record (rejected by the central system|quarantined)/.test(l)),
    );
    expect(kioskLines.join('\n')).not.toContain(badId);
    // And the counter's queue does not count it either; the centre's heartbeat does.
    expect(kiosk.status().queue.quarantined).toBe(0);
    expect(kiosk.context.outbox.status().quarantined).toBe(1);
  });
});
