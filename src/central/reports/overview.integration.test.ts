/** 总览 on a real PostgreSQL: the figures of today and this month, the fleet, and a handler's departments only. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Overview } from '../../shared/overview-api.js';
import { createAccount } from '../accounts/accounts.js';
import { SESSION_COOKIE } from '../accounts/sessions.js';
import { batch, evaluation, outcomes, startHarness, type Harness, type Kiosk } from '../test-support/api-harness.js';

const PASSWORD = 'correct horse 42 battery';
const MINUTE = 60_000;

/** Midnight today and on the first of this month in Asia/Shanghai (UTC+8, no summer time), as instants. */
function shanghaiBounds(now = Date.now()) {
  const local = new Date(now + 8 * 3600_000);
  const day = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate()) - 8 * 3600_000;
  const month = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), 1) - 8 * 3600_000;
  return { day, month };
}

describe('GET /api/v1/admin/overview', () => {
  let h: Harness;
  let ga: Kiosk;
  let gaBadId: string;
  const { day, month } = shanghaiBounds();
  const at = (ms: number) => {
    const t = new Date(ms).toISOString();
    return { invitedAt: t, expiresAt: t, endedAt: t };
  };

  beforeAll(async () => {
    h = await startHarness({
      enrollPerMinute: 10_000,
      devicePerMinute: 1_000_000,
      deviceFailuresPerMinute: 1_000_000,
      loginPerMinute: 10_000,
    });
    ga = await h.enrol({ mode: 'window', windowCode: 'W02', name: '2号窗口' });
    const scjg = [
      evaluation({ ...at(day + MINUTE), satisfaction: 5 }),
      evaluation({ ...at(day + 2 * MINUTE), satisfaction: 3 }),
      evaluation({ ...at(day + 3 * MINUTE), satisfaction: 1 }),
      evaluation({ ...at(day + 4 * MINUTE), outcome: 'cancelled', satisfaction: null }),
      // A minute before today's midnight in Shanghai (the database's zone is not the centre's): not today.
      evaluation({ ...at(day - MINUTE), satisfaction: 2 }),
    ];
    const res = await h.device('POST', '/api/v1/device/records', batch(scjg));
    expect(
      outcomes(res).every((o) => o === 'accepted'),
      res.body,
    ).toBe(true);
    const gaRecords = [
      evaluation({
        ...at(day + MINUTE),
        satisfaction: 1,
        staffNo: '3001',
        windowCode: 'W02',
        departmentCode: 'GA',
        serviceItemCode: null,
      }),
    ];
    gaBadId = gaRecords[0]!.id;
    const res2 = await h.device('POST', '/api/v1/device/records', batch(gaRecords), ga);
    expect(
      outcomes(res2).every((o) => o === 'accepted'),
      res2.body,
    ).toBe(true);
    const oldest = new Date(Date.now() - 3600_000).toISOString();
    const beat = (queueDepth: number, oldestPendingAt: string | null) => ({
      version: '0.1.0',
      queueDepth,
      oldestPendingAt,
      evaluator: { state: 'connected', kind: 'serial' },
    });
    expect((await h.device('POST', '/api/v1/device/heartbeat', beat(0, null))).statusCode).toBe(200);
    expect((await h.device('POST', '/api/v1/device/heartbeat', beat(12, oldest), ga)).statusCode).toBe(200);
  });
  afterAll(() => h.close());

  const sessionOf = async (role: 'handler' | 'leader', departments: string[]) => {
    const username = `${role}-${departments.join('-') || 'all'}`;
    const account = await createAccount(h.db, { username, displayName: username, role, departments }, PASSWORD);
    await h.db.query('UPDATE accounts SET must_change_password = false WHERE id = $1', [account.id]);
    const res = await h.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username, password: PASSWORD },
    });
    return res.cookies.find((c) => c.name === SESSION_COOKIE)!.value;
  };
  const overviewAs = async (cookie: string, until: (o: Overview) => boolean = () => true) => {
    // The heartbeats' status is written within a second (src/central/fleet-status.ts): wait for it, not for time.
    for (;;) {
      const res = await h.app.inject({
        method: 'GET',
        url: '/api/v1/admin/overview',
        cookies: { [SESSION_COOKIE]: cookie },
      });
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json<Overview>();
      if (until(body)) return body;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };

  it("counts today's and this month's ratings by level, 差评, 满意率 and 差评率 from midnight in Shanghai", async () => {
    const o = await overviewAs(await sessionOf('leader', []));
    expect(o.today.byLevel).toEqual({ 5: 1, 4: 0, 3: 1, 2: 0, 1: 2 });
    expect(o.today).toMatchObject({ rated: 4, cancelled: 1, unrated: 0, bad: 2, satisfactionRate: 0.5, badRate: 0.5 });
    // The one before midnight is this month's unless today is the first.
    const lateYesterday = day - MINUTE >= month ? 1 : 0;
    expect(o.month.byLevel[2]).toBe(lateYesterday);
    expect(o.month.rated).toBe(4 + lateYesterday);
  });

  it('gives the fleet by status and its oldest undelivered record', async () => {
    const o = await overviewAs(await sessionOf('leader', ['SCJG']), (b) => b.devices.online === 2);
    expect(o.devices).toEqual({ online: 2, offline: 0, revoked: 0 });
    expect(o.oldestPendingAt).not.toBeNull();
    expect(Date.now() - Date.parse(o.oldestPendingAt!)).toBeGreaterThan(3500_000);
  });

  it("shows a handler its departments' ratings and kiosks only", async () => {
    const o = await overviewAs(await sessionOf('handler', ['SCJG']), (b) => b.devices.online === 1);
    expect(o.today.byLevel).toEqual({ 5: 1, 4: 0, 3: 1, 2: 0, 1: 1 });
    expect(o.devices).toEqual({ online: 1, offline: 0, revoked: 0 });
    // GA's kiosk holds the backlog; SCJG's has delivered everything.
    expect(o.oldestPendingAt).toBeNull();
  });

  it('counts nothing as 满意率 when nothing is rated (null, not 0 %)', async () => {
    const o = await overviewAs(await sessionOf('handler', []));
    expect(o.today).toMatchObject({ rated: 0, satisfactionRate: null, badRate: null });
  });

  it('leaves a 差评 found 无效评价 out of every figure, and counts it, in the overview, the statistics and the list', async () => {
    // The supervisor's decision (src/central/cases/, tested there) leaves its case in `invalid`.
    const decided = await h.db.query("UPDATE cases SET state = 'invalid' WHERE evaluation_id = $1 RETURNING id", [
      gaBadId,
    ]);
    expect(decided).toHaveLength(1);
    const o = await overviewAs(await sessionOf('leader', ['GA']));
    expect(o.today.byLevel).toEqual({ 5: 1, 4: 0, 3: 1, 2: 0, 1: 1 });
    expect(o.today).toMatchObject({ rated: 3, bad: 1, invalid: 1, satisfactionRate: 2 / 3 });
    const stats = await h.admin('GET', '/stats?groupBy=department');
    const groups = stats.json<{ groups: { key: string; rated: number; bad: number; invalid: number }[] }>().groups;
    expect(groups.find((g) => g.key === 'GA')).toMatchObject({ rated: 0, bad: 0, invalid: 1 });
    expect(groups.find((g) => g.key === 'SCJG')).toMatchObject({ invalid: 0 });
    const list = await h.admin('GET', '/evaluations?limit=100');
    const items = list.json<{ items: { id: string; invalid: boolean }[] }>().items;
    expect(items.filter((i) => i.invalid).map((i) => i.id)).toEqual([gaBadId]);
  });
});
