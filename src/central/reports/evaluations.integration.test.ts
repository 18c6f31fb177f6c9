/**
 * Integration (real PostgreSQL): the 评价记录 list's filters (issue 15) — service item and channel beside the
 * others, all combined with AND, keyset pages that cover the matches exactly once, and a level with an outcome other
 * than `rated` matching nothing (a level is only ever rated).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EvaluationPage } from '../../shared/evaluations-api.js';
import { createAccount } from '../accounts/accounts.js';
import { SESSION_COOKIE } from '../accounts/sessions.js';
import { batch, evaluation, outcomes, startHarness, type Harness } from '../test-support/api-harness.js';

describe('the evaluation list filters', () => {
  let h: Harness;
  const list = async (query: string) => {
    const res = await h.admin('GET', `/evaluations?${query}`);
    expect(res.statusCode).toBe(200);
    return res.json<EvaluationPage>();
  };
  // Rows are told apart by name here: the list itself carries no 办件编号 (it names the citizen).
  const names = new Map<string, string>();
  const rec = (name: string, fields: Record<string, unknown>) => {
    const e = evaluation({ caseNo: `BJ-${name}`, ...fields });
    names.set(e.id, name);
    return e;
  };
  const nameOf = (e: { id: string }) => names.get(e.id)!;
  const ids = async (query: string) => (await list(query)).items.map((e) => nameOf(e)).sort();

  beforeAll(async () => {
    h = await startHarness();
    const created = await h.admin('POST', '/service-items', {
      code: 'SC-0002',
      name: '食品经营许可',
      departmentCode: 'SCJG',
    });
    expect(created.statusCode).toBe(201);
    const terminal = await h.enrol({ mode: 'terminal', name: '自助终端' });
    const at = (minute: number) => new Date(Date.UTC(2026, 10, 2, 9, minute)).toISOString();
    const w01 = await h.device(
      'POST',
      '/api/v1/device/records',
      batch([
        rec('A', { invitedAt: at(1), satisfaction: 5 }),
        rec('B', { invitedAt: at(2), satisfaction: 1, serviceItemCode: 'SC-0002' }),
        rec('C', { invitedAt: at(3), outcome: 'cancelled', satisfaction: null, source: null }),
      ]),
    );
    expect(outcomes(w01)).toEqual(['accepted', 'accepted', 'accepted']);
    const fromTerminal = {
      channel: 'hall_terminal',
      mode: 'terminal',
      windowCode: null,
      staffNo: null,
      serviceItemCode: 'SC-0002',
    };
    const t = await h.device(
      'POST',
      '/api/v1/device/records',
      batch([
        rec('D', { ...fromTerminal, invitedAt: at(4), satisfaction: 1 }),
        rec('E', { ...fromTerminal, invitedAt: at(5), satisfaction: 4, serviceItemCode: 'SC-0001' }),
      ]),
      terminal,
    );
    expect(outcomes(t)).toEqual(['accepted', 'accepted']);
  });
  afterAll(() => h.close());

  it('lists no 办件编号 and no ticket number: they name the citizen', async () => {
    const { items } = await list('');
    expect(items.length).toBeGreaterThan(0);
    for (const item of items) {
      expect(item).not.toHaveProperty('caseNo');
      expect(item).not.toHaveProperty('ticketNo');
    }
    expect(JSON.stringify(items)).not.toContain('BJ-');
  });

  it('lists newest first when asked (order=desc), pages included', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: EvaluationPage = await list(
        `channel=hall_window&order=desc&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      seen.push(...page.items.map((e) => nameOf(e)));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(['C', 'B', 'A']);
  });

  it('filters by service item and by channel, alone and with the others', async () => {
    expect(await ids('serviceItemCode=SC-0002')).toEqual(['B', 'D']);
    expect(await ids('channel=hall_terminal')).toEqual(['D', 'E']);
    expect(await ids('channel=hall_window')).toEqual(['A', 'B', 'C']);
    expect(await ids('serviceItemCode=SC-0002&channel=hall_terminal')).toEqual(['D']);
    expect(await ids('serviceItemCode=SC-0002&satisfaction=1&channel=hall_window&staffNo=1001')).toEqual(['B']);
    expect(await ids('channel=qr_code')).toEqual([]);
  });

  it('answers nothing for a level with an outcome other than rated, and the level alone for rated', async () => {
    expect(await ids('satisfaction=1&outcome=cancelled')).toEqual([]);
    expect(await ids('satisfaction=1&outcome=unrated')).toEqual([]);
    expect(await ids('satisfaction=1&outcome=rated')).toEqual(['B', 'D']);
    expect(await ids('outcome=cancelled')).toEqual(['C']);
  });

  it('pages through a filtered list in invitation order, each match once', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: EvaluationPage = await list(`channel=hall_window&limit=1${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...page.items.map((e) => nameOf(e)));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(['A', 'B', 'C']);
  });

  it("pages a handler's departments merged in invitation order, each once, and none of another department", async () => {
    const w02 = await h.enrol({ mode: 'window', windowCode: 'W02', name: '2号窗口' });
    const at = (minute: number) => new Date(Date.UTC(2026, 10, 2, 9, minute, 30)).toISOString();
    const ga = { staffNo: '3001', windowCode: 'W02', departmentCode: 'GA', serviceItemCode: null };
    const res = await h.device(
      'POST',
      '/api/v1/device/records',
      batch([rec('G1', { ...ga, invitedAt: at(0) }), rec('G2', { ...ga, invitedAt: at(3) })]),
      w02,
    );
    expect(outcomes(res)).toEqual(['accepted', 'accepted']);
    const password = 'correct horse 42 battery';
    const pageOf = async (username: string, departments: string[], query: string) => {
      const a = await createAccount(h.db, { username, displayName: username, role: 'handler', departments }, password);
      await h.db.query('UPDATE accounts SET must_change_password = false WHERE id = $1', [a.id]);
      const login = await h.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password } });
      const session = login.cookies.find((c) => c.name === SESSION_COOKIE)!.value;
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const url = `/api/v1/admin/evaluations?${query}&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
        const page: EvaluationPage = (
          await h.app.inject({ method: 'GET', url, cookies: { [SESSION_COOKIE]: session } })
        ).json();
        seen.push(...page.items.map((e) => nameOf(e)));
        cursor = page.nextCursor;
      } while (cursor);
      return seen;
    };
    expect(await pageOf('handler-both', ['SCJG', 'GA'], 'outcome=rated')).toEqual(['G1', 'A', 'B', 'G2', 'D', 'E']);
    expect(await pageOf('handler-ga', ['GA'], 'outcome=rated')).toEqual(['G1', 'G2']);
    expect(await pageOf('handler-ga-asks-scjg', ['GA'], 'departmentCode=SCJG')).toEqual([]);
  });

  it.each([
    ['channel=fax', 'channel'],
    ['serviceItemCode=%20', 'serviceItemCode'],
    ['serviceItemCode=a%27b', 'serviceItemCode'],
  ])('refuses %s with a 400 naming the field', async (query, field) => {
    const res = await h.admin('GET', `/evaluations?${query}`);
    expect(res.statusCode).toBe(400);
    const body = res.json<{ error: string; message: string }>();
    expect(body.error).toBe('invalid_request');
    expect(body.message).toContain(field);
  });
});
