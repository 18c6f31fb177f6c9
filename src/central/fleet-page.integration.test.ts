/**
 * Integration (real PostgreSQL): the 设备 page's API, `GET /api/v1/admin/devices` (issue 15): each kiosk's status
 * from its last heartbeat by the database's clock, the filters (status, queue depth, department, a search), keyset
 * pages in a stable order, the counts per status over the caller's scope, a handler's scope, and the count of
 * unknown-staff evaluations kept by the database as they are written (exactly once, like the records).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEVICE_OFFLINE_AFTER_MS, type DevicePage, type FleetDevice } from '../shared/fleet-api.js';
import { createAccount } from './accounts/accounts.js';
import { SESSION_COOKIE } from './accounts/sessions.js';
import { batch, evaluation, outcomes, startHarness, type Harness, type Kiosk } from './test-support/api-harness.js';

const PASSWORD = 'correct horse 42 battery';

const heartbeat = (queueDepth: number) => ({
  version: '0.1.0',
  queueDepth,
  oldestPendingAt: null,
  evaluator: { state: 'connected', kind: 'serial' },
});

describe('the 设备 page on PostgreSQL', () => {
  let h: Harness;
  /** W01 ×3 (SCJG), W02 ×2 (GA), a terminal; then one W01 revoked, one W02 offline, one never heard from. */
  let kiosks: Record<'a' | 'b' | 'c' | 'ga1' | 'ga2' | 'terminal', Kiosk>;

  const page = async (query = '') => {
    const res = await h.admin('GET', `/devices${query}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json<DevicePage>();
  };
  const names = (p: DevicePage) => p.items.map((d) => d.name);

  beforeAll(async () => {
    h = await startHarness();
    kiosks = {
      a: h.kiosk,
      b: await h.enrol({ mode: 'window', windowCode: 'W01', name: '1号窗口 乙' }),
      c: await h.enrol({ mode: 'window', windowCode: 'W01', name: '1号窗口 100%' }),
      ga1: await h.enrol({ mode: 'window', windowCode: 'W02', name: '2号窗口 甲' }),
      ga2: await h.enrol({ mode: 'window', windowCode: 'W02', name: '2号窗口 乙' }),
      terminal: await h.enrol({ mode: 'terminal', name: '自助区 1号' }),
    };
    const beats: [Kiosk, number][] = [
      [kiosks.a, 0],
      [kiosks.b, 5],
      [kiosks.ga1, 120],
      [kiosks.ga2, 1],
      [kiosks.terminal, 0],
    ];
    for (const [who, queue] of beats) {
      const res = await h.device('POST', '/api/v1/device/heartbeat', heartbeat(queue), who);
      expect(res.statusCode).toBe(200);
    }
    // Written before the list reads (the list flushes what heartbeats brought), then aged behind the status's back.
    await page();
    await h.db.query(`UPDATE devices SET last_heartbeat_at = now() - $2 * interval '1 millisecond' WHERE id = $1`, [
      kiosks.ga2.id,
      DEVICE_OFFLINE_AFTER_MS + 1000,
    ]);
    expect((await h.admin('POST', `/devices/${kiosks.b.id}/revoke`)).statusCode).toBe(200);
  });
  afterAll(() => h.close());

  it('computes each status from the last heartbeat: online, offline after three missed (or never heard), revoked', async () => {
    const all = await page();
    const status = (k: Kiosk) => all.items.find((d) => d.id === k.id)!.status;
    expect([kiosks.a, kiosks.b, kiosks.c, kiosks.ga1, kiosks.ga2, kiosks.terminal].map(status)).toEqual([
      'online',
      'revoked',
      'offline',
      'online',
      'offline',
      'online',
    ]);
    expect(all.counts).toEqual({ online: 3, offline: 2, revoked: 1 });
    expect(all.nextCursor).toBeNull();
    expect(all.items.find((d) => d.id === kiosks.ga1.id)).toMatchObject({
      departmentCode: 'GA',
      windowCode: 'W02',
      queueDepth: 120,
      rejectedRecords: 0,
      unknownStaffEvaluations: 0,
      lastKeyTest: null,
    });
  });

  it('filters by status, queue depth, department and a search, and counts per status over the other filters', async () => {
    expect(names(await page('?status=offline'))).toEqual(['1号窗口 100%', '2号窗口 乙']);
    expect((await page('?status=offline')).counts).toEqual({ online: 3, offline: 2, revoked: 1 });
    expect(names(await page('?minQueue=1'))).toEqual(['1号窗口 乙', '2号窗口 甲', '2号窗口 乙']);
    expect(names(await page('?minQueue=1&status=online'))).toEqual(['2号窗口 甲']);
    const ga = await page('?departmentCode=GA');
    expect(names(ga)).toEqual(['2号窗口 甲', '2号窗口 乙']);
    expect(ga.counts).toEqual({ online: 1, offline: 1, revoked: 0 });
    // By name or window code, case-insensitive; % and _ are matched as themselves.
    expect(names(await page(`?q=${encodeURIComponent('乙')}`))).toEqual(['1号窗口 乙', '2号窗口 乙']);
    expect(names(await page('?q=w02'))).toEqual(['2号窗口 甲', '2号窗口 乙']);
    expect(names(await page(`?q=${encodeURIComponent('100%')}`))).toEqual(['1号窗口 100%']);
    expect(names(await page(`?q=${encodeURIComponent('0%')}`))).toEqual(['1号窗口 100%']);
    expect(names(await page('?q=_'))).toEqual([]);
  });

  it('pages in enrolment order with a cursor: every device once, none skipped, the same filter on every page', async () => {
    const seen: FleetDevice[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const p: DevicePage = await page(`?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(p.items.length).toBeLessThanOrEqual(2);
      seen.push(...p.items);
      cursor = p.nextCursor;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen.map((d) => d.id)).toEqual((await page()).items.map((d) => d.id));
    expect(seen.map((d) => d.id)).toEqual([...seen.map((d) => d.id)].sort());
    const first = await page('?status=online&limit=2');
    expect(first.nextCursor).not.toBeNull();
    const second = await page(`?status=online&limit=2&cursor=${first.nextCursor}`);
    expect([...names(first), ...names(second)]).toEqual(names(await page('?status=online')));
    expect(second.nextCursor).toBeNull();
  });

  it('refuses a query it does not know with a 400, never a 500', async () => {
    for (const query of [
      '?status=asleep',
      '?minQueue=-1',
      '?minQueue=x',
      '?limit=0',
      '?limit=501',
      '?cursor=bm90LWEtY3Vyc29y',
      '?departmentCode=a%2Fb',
      `?q=${'x'.repeat(65)}`,
      '?sort=name',
    ]) {
      const res = await h.admin('GET', `/devices${query}`);
      expect([query, res.statusCode, res.json<{ error: string }>().error]).toEqual([query, 400, 'invalid_request']);
    }
  });

  it("shows a handler only its departments' kiosks, and counts only those, whatever it asks for", async () => {
    const account = await createAccount(
      h.db,
      { username: 'ga-handler', displayName: '公安局 办理人', role: 'handler', departments: ['GA'] },
      PASSWORD,
    );
    await h.db.query('UPDATE accounts SET must_change_password = false WHERE id = $1', [account.id]);
    const login = await h.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'ga-handler', password: PASSWORD },
    });
    const session = login.cookies.find((c) => c.name === SESSION_COOKIE)!.value;
    const asHandler = async (query: string) => {
      const res = await h.app.inject({
        method: 'GET',
        url: `/api/v1/admin/devices${query}`,
        cookies: { [SESSION_COOKIE]: session },
      });
      expect(res.statusCode, res.body).toBe(200);
      return res.json<DevicePage>();
    };
    const own = await asHandler('');
    expect(names(own)).toEqual(['2号窗口 甲', '2号窗口 乙']);
    expect(own.counts).toEqual({ online: 1, offline: 1, revoked: 0 });
    expect(names(await asHandler('?departmentCode=SCJG'))).toEqual([]);
    expect((await asHandler(`?q=${encodeURIComponent('1号')}`)).counts).toEqual({ online: 0, offline: 0, revoked: 0 });
  });

  it('counts unknown-staff evaluations as they are written, exactly once, without counting over the evaluations', async () => {
    const unknown = [evaluation({ staffNo: '9999' }), evaluation({ staffNo: '9998' }), evaluation()];
    const body = batch(unknown);
    expect(outcomes(await h.device('POST', '/api/v1/device/records', body))).toEqual([
      'accepted',
      'accepted',
      'accepted',
    ]);
    expect(outcomes(await h.device('POST', '/api/v1/device/records', body))).toEqual([
      'duplicate',
      'duplicate',
      'duplicate',
    ]);
    const mine = async () => (await page()).items.find((d) => d.id === h.kiosk.id)!.unknownStaffEvaluations;
    expect(await mine()).toBe(2);
    expect(await h.count(`evaluations WHERE device_id = '${h.kiosk.id}' AND staff_unknown`)).toBe(2);
    // A repair by hand (the staff number added to the roster, the flag cleared) is counted too.
    await h.db.query('UPDATE evaluations SET staff_unknown = false WHERE id = $1', [unknown[0]!.id]);
    expect(await mine()).toBe(1);
  });
});
