/**
 * Integration (real PostgreSQL, the whole Fastify stack): every state-changing admin route writes exactly one
 * audit entry, with its actor, in the change's own transaction (a refused or failed change writes none); every 401
 * on the admin API is an entry of its own; no entry holds a PIN, its hash or an enrolment code; `GET
 * /api/v1/admin/audit` filters and pages; `hcp central audit verify` (runAuditVerify) finds an edited row.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { silentLogger } from '../../common/logger.js';
import type { AuditRecord } from '../../shared/audit.js';
import { createAccount } from '../accounts/accounts.js';
import { SESSION_COOKIE } from '../accounts/sessions.js';
import { ADMIN_TOKEN, startHarness, type Harness } from '../test-support/api-harness.js';
import { LEGACY_ADMIN_ACTOR } from './audit-log.js';
import { describeVerification, runAuditVerify } from './verify-command.js';

const PASSWORD = 'Audit-trail 2026 ok';

describe('the audit log of the admin API', () => {
  let h: Harness;
  const entries = async () => (await h.admin('GET', '/audit?limit=500')).json<{ entries: AuditRecord[] }>().entries;
  /** The entries `act` wrote: checked to be the newest ones. */
  const written = async (act: () => Promise<unknown>): Promise<AuditRecord[]> => {
    const before = await h.count('audit_log');
    await act();
    const n = (await h.count('audit_log')) - before;
    return n === 0 ? [] : (await entries()).slice(0, n).reverse();
  };

  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  it('wrote one entry for each seeding request of the harness, by the legacy admin token', async () => {
    const all = (await entries()).reverse();
    expect(all.map((e) => [e.action, e.target])).toEqual([
      ['catalog.created', 'departments:SCJG'],
      ['catalog.created', 'departments:GA'],
      ['catalog.created', 'windows:W01'],
      ['catalog.created', 'windows:W02'],
      ['catalog.created', 'staff:1001'],
      ['catalog.created', 'staff:3001'],
      ['catalog.created', 'service-items:SC-0001'],
      ['enrollment.created', 'windows:W01'],
    ]);
    expect(all.every((e) => e.result === 'ok')).toBe(true);
    expect(all[0]!.actor).toEqual(LEGACY_ADMIN_ACTOR);
    expect(all[4]!.summary).toEqual({
      after: { staffNo: '1001', name: '王丽', departmentCode: 'SCJG', active: true },
      pinSet: true,
    });
  });

  const mutations: [string, () => Promise<{ statusCode: number }>, string, string][] = [
    [
      'create a department',
      () => h.admin('POST', '/departments', { code: 'RS', name: '人社局' }),
      'catalog.created',
      'departments:RS',
    ],
    [
      'rename it',
      () => h.admin('PATCH', '/departments/RS', { name: '人力资源和社会保障局' }),
      'catalog.updated',
      'departments:RS',
    ],
    [
      'create a window',
      () => h.admin('POST', '/windows', { code: 'W09', name: '9号窗口', departmentCode: 'RS' }),
      'catalog.created',
      'windows:W09',
    ],
    ['move it', () => h.admin('PATCH', '/windows/W09', { departmentCode: 'GA' }), 'catalog.updated', 'windows:W09'],
    [
      'create a service item',
      () => h.admin('POST', '/service-items', { code: 'RS-01', name: '社保登记', departmentCode: 'RS' }),
      'catalog.created',
      'service-items:RS-01',
    ],
    [
      'patch it',
      () => h.admin('PATCH', '/service-items/RS-01', { name: '社保参保登记' }),
      'catalog.updated',
      'service-items:RS-01',
    ],
    [
      'create a reason tag',
      () => h.admin('POST', '/reason-tags', { code: 'noise', label: '环境嘈杂', position: 10 }),
      'catalog.created',
      'reason-tags:noise',
    ],
    [
      'patch it',
      () => h.admin('PATCH', '/reason-tags/noise', { label: '大厅嘈杂' }),
      'catalog.updated',
      'reason-tags:noise',
    ],
    [
      'create staff',
      () => h.admin('POST', '/staff', { staffNo: '5001', name: '赵敏', departmentCode: 'RS', pin: '975310' }),
      'catalog.created',
      'staff:5001',
    ],
    ['reset their PIN', () => h.admin('PATCH', '/staff/5001', { pin: '864201' }), 'catalog.updated', 'staff:5001'],
    [
      'change settings',
      () => h.admin('PATCH', '/settings', { ratingWindowSeconds: 20 }),
      'settings.updated',
      'settings',
    ],
    [
      'create an enrolment code',
      () => h.admin('POST', '/enrollments', { mode: 'terminal', name: '自助终端' }),
      'enrollment.created',
      '',
    ],
    ['revoke a device', () => h.admin('POST', `/devices/${h.kiosk.id}/revoke`), 'device.revoked', 'devices:'],
  ];
  for (const [what, act, action, target] of mutations) {
    it(`writes exactly one entry, with its actor, to ${what}`, async () => {
      let status = 0;
      const got = await written(async () => (status = (await act()).statusCode));
      expect(status).toBeLessThan(300);
      expect(got).toHaveLength(1);
      expect(got[0]).toMatchObject({ action, actor: LEGACY_ADMIN_ACTOR, result: 'ok', ip: '127.0.0.1' });
      if (target === '') expect(got[0]!.target).toBeNull();
      else expect(got[0]!.target!.startsWith(target)).toBe(true);
    });
  }

  it('records before and after of what changed, and only that', async () => {
    const [moved] = (await entries()).filter((e) => e.target === 'windows:W09' && e.action === 'catalog.updated');
    expect(moved!.summary).toEqual({ before: { departmentCode: 'RS' }, after: { departmentCode: 'GA' } });
    const [settings] = (await entries()).filter((e) => e.action === 'settings.updated');
    expect(settings!.summary).toEqual({ before: { ratingWindowSeconds: null }, after: { ratingWindowSeconds: 20 } });
    const [pin] = (await entries()).filter((e) => e.target === 'staff:5001' && e.action === 'catalog.updated');
    expect(pin!.summary).toEqual({ before: {}, after: {}, pinSet: true });
  });

  it('writes nothing for a change refused or failed: it rolled back with it', async () => {
    for (const act of [
      () => h.admin('POST', '/departments', { code: 'RS', name: 'again' }),
      () => h.admin('PATCH', '/departments/NOPE', { name: 'x' }),
      () => h.admin('POST', '/windows', { code: 'W10', name: 'x', departmentCode: 'NOPE' }),
      () => h.admin('PATCH', '/settings', { ratingWindowSeconds: -1 }),
      () => h.admin('POST', '/enrollments', { mode: 'window', windowCode: 'NOPE', name: 'x' }),
      () => h.admin('POST', '/devices/00000000-0000-7000-8000-000000000000/revoke'),
    ]) {
      let status = 0;
      expect(await written(async () => (status = (await act()).statusCode))).toEqual([]);
      expect(status).toBeGreaterThanOrEqual(400);
    }
  });

  it('records each request refused 401, without its query string, as anonymous', async () => {
    const got = await written(async () => {
      for (const authorization of [undefined, 'Bearer wrong-token', `Bearer ${ADMIN_TOKEN}x`]) {
        const res = await h.app.inject({
          method: 'GET',
          url: '/api/v1/admin/evaluations?staffNo=1001',
          headers: authorization ? { authorization } : {},
        });
        expect(res.statusCode).toBe(401);
      }
    });
    expect(got).toHaveLength(3);
    expect(got[0]).toMatchObject({
      action: 'access.refused',
      actor: { kind: 'anonymous', id: null, name: null, role: null },
      target: 'route:GET /api/v1/admin/evaluations',
      summary: { status: 401 },
      result: 'refused',
    });
    expect(JSON.stringify(got)).not.toContain('staffNo');
  });

  it('never writes a PIN, its hash or an enrolment code', async () => {
    const code = (await h.admin('POST', '/enrollments', { mode: 'terminal', name: 'x' })).json<{ code: string }>().code;
    const hashes = await h.db.query<{ pin_hash: string }>('SELECT pin_hash FROM staff');
    const log = JSON.stringify(await h.db.query('SELECT * FROM audit_log'));
    for (const secret of [
      '246810',
      '135790',
      '975310',
      '864201',
      code,
      code.replace('-', ''),
      ...hashes.map((r) => r.pin_hash),
    ]) {
      expect(log).not.toContain(secret);
    }
    expect(log).not.toMatch(/pin_?hash/i);
  });

  it('filters and pages GET /audit, and refuses what is not a filter', async () => {
    const page = (q: string) => h.admin('GET', `/audit?${q}`);
    const revoked = (await page('action=device.revoked')).json<{ entries: AuditRecord[] }>().entries;
    expect(revoked.map((e) => e.target)).toEqual([`devices:${h.kiosk.id}`]);
    const staff = (await page('target=staff:*')).json<{ entries: AuditRecord[] }>().entries;
    expect(new Set(staff.map((e) => e.target))).toEqual(new Set(['staff:1001', 'staff:3001', 'staff:5001']));
    expect((await page('actor=legacy-admin-token&limit=2')).json()).toMatchObject({
      nextBefore: expect.any(Number) as number,
    });
    expect((await page('action=audit.cleared')).statusCode).toBe(400);
    expect((await page('from=yesterday')).statusCode).toBe(400);
    expect((await page('seq=1')).statusCode).toBe(400);
    expect((await h.app.inject({ method: 'GET', url: '/api/v1/admin/audit' })).statusCode).toBe(401);
  });

  it('names the account of a session, and records its 403s with it: an auditor reads the log and changes nothing', async () => {
    const session = async (role: 'auditor' | 'handler' | 'admin') => {
      const account = await createAccount(
        h.db,
        { username: `audit-${role}`, displayName: role, role, departments: role === 'handler' ? ['SCJG'] : [] },
        PASSWORD,
      );
      await h.db.query('UPDATE accounts SET must_change_password = false WHERE id = $1', [account.id]);
      const res = await h.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { username: account.username, password: PASSWORD },
      });
      expect(res.statusCode, res.body).toBe(200);
      const cookie = res.cookies.find((c) => c.name === SESSION_COOKIE)!.value;
      const csrf = res.json<{ csrfToken: string }>().csrfToken;
      const actor = { kind: 'account', id: account.id, name: account.username, role };
      const as = (method: 'GET' | 'PATCH', url: string, payload?: unknown) =>
        h.app.inject({
          method,
          url: `/api/v1/admin${url}`,
          cookies: { [SESSION_COOKIE]: cookie },
          headers: { 'x-csrf-token': csrf },
          payload: payload as object,
        });
      return { actor, as };
    };
    const auditor = await session('auditor');
    expect((await auditor.as('GET', '/audit?limit=1')).statusCode).toBe(200);
    const refused = await written(async () => {
      expect((await auditor.as('PATCH', '/settings', { ratingWindowSeconds: 30 })).statusCode).toBe(403);
    });
    expect(refused).toEqual([
      expect.objectContaining({
        action: 'access.refused',
        actor: auditor.actor,
        target: 'route:PATCH /api/v1/admin/settings',
        summary: { status: 403 },
        result: 'refused',
      }),
    ]);
    const handler = await session('handler');
    const denied = await written(async () => expect((await handler.as('GET', '/audit')).statusCode).toBe(403));
    expect(denied).toEqual([
      expect.objectContaining({ actor: handler.actor, target: 'route:GET /api/v1/admin/audit' }),
    ]);
    const admin = await session('admin');
    const changed = await written(async () => {
      expect((await admin.as('PATCH', '/departments/GA', { name: '公安分局' })).statusCode).toBe(200);
    });
    expect(changed).toEqual([
      expect.objectContaining({
        action: 'catalog.updated',
        target: 'departments:GA',
        actor: admin.actor,
        result: 'ok',
      }),
    ]);
  });

  it('is verified intact, and broken once a row is edited as the superuser with the trigger disabled', async () => {
    // The harness's database, on the suite's cluster, whose user is the superuser.
    const [{ name } = { name: '' }] = await h.db.query<{ name: string }>('SELECT current_database() AS name');
    const url = new URL(inject('pgUrl'));
    url.pathname = `/${name}`;
    const verify = () => runAuditVerify({ dataDir: '/nonexistent', databaseUrl: url.toString(), logger: silentLogger });
    const intact = await verify();
    expect(intact).toMatchObject({ ok: true, rows: await h.count('audit_log') });
    expect(describeVerification(intact)).toMatch(/^audit log intact: \d+ entries, head [0-9a-f]{64}\n$/);
    await h.db.exec(`
      ALTER TABLE audit_log DISABLE TRIGGER ALL;
      UPDATE audit_log SET actor_name = 'someone else' WHERE seq = 5;
      ALTER TABLE audit_log ENABLE TRIGGER ALL;
    `);
    const broken = await verify();
    expect(broken).toMatchObject({ ok: false, rows: 4, broken: { seq: 5, reason: 'hash' } });
    expect(describeVerification(broken)).toMatch(/^audit log BROKEN at entry 5 \(hash\)/);
  });
});
