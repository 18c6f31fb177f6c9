/**
 * Integration (real PostgreSQL): a handler of department A finds nothing of department B on any route that reads
 * a department's data (evaluations, statistics, devices, staff), filtered in SQL (issue 15); other roles see all.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../shared/abilities.js';
import { batch, evaluation, outcomes, startHarness, strayPress, type Harness } from '../test-support/api-harness.js';
import { createAccount } from './accounts.js';
import { SESSION_COOKIE } from './sessions.js';

const PASSWORD = 'correct horse 42 battery';

describe('department scoping of a handler', () => {
  let h: Harness;
  const cookies = new Map<string, string>();
  const get = (who: string, url: string) =>
    h.app.inject({ method: 'GET', url: `/api/v1/admin${url}`, cookies: { [SESSION_COOKIE]: cookies.get(who)! } });

  beforeAll(async () => {
    h = await startHarness();
    const ga = await h.enrol({ mode: 'window', windowCode: 'W02', name: '2号窗口' });
    const scjg = await h.device('POST', '/api/v1/device/records', batch([evaluation(), strayPress()]));
    expect(outcomes(scjg)).toEqual(['accepted', 'accepted']);
    const gaRes = await h.device(
      'POST',
      '/api/v1/device/records',
      batch([
        evaluation({
          staffNo: '3001',
          windowCode: 'W02',
          departmentCode: 'GA',
          serviceItemCode: null,
          satisfaction: 1,
        }),
        strayPress({ staffNo: '3001' }),
      ]),
      ga,
    );
    expect(outcomes(gaRes)).toEqual(['accepted', 'accepted']);
    const accounts: [string, Role, string[]][] = [
      ['handler-scjg', 'handler', ['SCJG']],
      ['handler-ga', 'handler', ['GA']],
      ['handler-none', 'handler', []],
      ['supervisor', 'supervisor', []],
    ];
    for (const [username, role, departments] of accounts) {
      const a = await createAccount(h.db, { username, displayName: username, role, departments }, PASSWORD);
      await h.db.query('UPDATE accounts SET must_change_password = false WHERE id = $1', [a.id]);
      const res = await h.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { username, password: PASSWORD },
      });
      cookies.set(username, res.cookies.find((c) => c.name === SESSION_COOKIE)!.value);
    }
  });
  afterAll(() => h.close());

  const seen = async (who: string) => {
    const evaluations = (await get(who, '/evaluations')).json<{ items: { departmentCode: string }[] }>();
    const stats = (await get(who, '/stats?groupBy=staff')).json<{ groups: { key: string }[] }>();
    const devices = (await get(who, '/devices')).json<{ items: { windowCode: string }[] }>().items;
    const staff = (await get(who, '/staff')).json<{ staffNo: string }[]>();
    return {
      evaluations: evaluations.items.map((e) => e.departmentCode).sort(),
      stats: stats.groups.map((g) => g.key).sort(),
      devices: devices.map((d) => d.windowCode).sort(),
      staff: staff.map((s) => s.staffNo).sort(),
      staff3001: (await get(who, '/staff/3001')).statusCode,
      filteredToGa: (await get(who, '/evaluations?departmentCode=GA')).json<{ items: unknown[] }>().items.length,
    };
  };

  it('shows a handler its own departments only', async () => {
    expect(await seen('handler-scjg')).toEqual({
      evaluations: ['SCJG'],
      stats: ['1001'],
      devices: ['W01'],
      staff: ['1001'],
      staff3001: 404,
      filteredToGa: 0,
    });
    expect(await seen('handler-ga')).toMatchObject({ evaluations: ['GA'], stats: ['3001'], devices: ['W02'] });
    expect(await seen('handler-none')).toMatchObject({ evaluations: [], stats: [], devices: [], staff: [] });
  });

  it('shows the other roles the whole hall', async () => {
    expect(await seen('supervisor')).toEqual({
      evaluations: ['GA', 'SCJG'],
      stats: ['1001', '3001'],
      devices: ['W01', 'W02'],
      staff: ['1001', '3001'],
      staff3001: 200,
      filteredToGa: 1,
    });
  });
});
