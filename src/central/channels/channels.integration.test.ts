/**
 * The rating channels' API (issue 17) on a real PostgreSQL through the whole Fastify stack: one service, one
 * rating, whichever channel sends it and however often; a 差评 opens its case; the 7-day default gives 基本满意 to
 * a service nobody rated, and a rating after it is kept as late; keys, input and personal data as an attacker
 * would try them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from '../../common/ids.js';
import type { ChannelRating } from '../../shared/channels-api.js';
import { API_KEY_SCOPES, createApiKey } from '../accounts/api-keys.js';
import { ADMIN_TOKEN, batch, evaluation, startHarness, type Harness } from '../test-support/api-harness.js';
import { applyDefaults } from './defaults.js';

const DAY = 86_400_000;

describe('the rating channels’ API', () => {
  let h: Harness;
  const keys: Record<string, string> = {};
  let serial = 0;
  /** A fresh 办件编号 per call, so that each test's services are its own. */
  const projectNo = () => `BJ2026${String(++serial).padStart(6, '0')}`;

  const send = (path: 'ratings' | 'services', body: unknown, key: string | null = keys.web!) =>
    h.app.inject({
      method: 'POST',
      url: `/api/v1/channels/${path}`,
      headers: key === null ? {} : { authorization: `Bearer ${key}` },
      payload: body as object,
    });
  const rating = (overrides: Partial<ChannelRating> = {}): ChannelRating => ({
    id: `web-${uuidv7()}`,
    projectNo: projectNo(),
    serviceItemCode: 'SC-0001',
    satisfaction: 5,
    ratedAt: new Date().toISOString(),
    ...overrides,
  });

  beforeAll(async () => {
    h = await startHarness();
    for (const scope of ['channel:web', 'channel:hotline', 'supervisor'] as const) {
      keys[scope.replace('channel:', '')] = (await createApiKey(h.db, { name: `key ${scope}`, scope }, 'test')).key;
    }
    const tag = await h.admin('POST', '/reason-tags', { code: 'attitude', label: '服务态度', levels: [1, 2] });
    expect(tag.statusCode).toBe(201);
  });
  afterAll(() => h.close());

  it('stores a channel’s rating as an evaluation of its channel, with no device, counted like a kiosk’s', async () => {
    const r = rating({ satisfaction: 4, rater: { name: '张三', phone: '13912345678' } });
    const res = await send('ratings', r);
    expect(res.statusCode).toBe(201);
    const { id, status, caseId } = res.json<{ id: string; status: string; caseId: string | null }>();
    expect({ status, caseId }).toEqual({ status: 'accepted', caseId: null });
    const [row] = await h.db.query<Record<string, unknown>>(
      `SELECT channel, mode, outcome, satisfaction, device_id, case_no, department_code, assess_number,
              rater_sealed IS NOT NULL AS sealed, position('张三' in encode(rater_sealed, 'escape')) AS plain
         FROM evaluations WHERE id = $1`,
      [id],
    );
    expect(row).toEqual({
      channel: 'web',
      mode: 'channel',
      outcome: 'rated',
      satisfaction: 4,
      device_id: null,
      case_no: r.projectNo,
      department_code: 'SCJG', // the service item's
      assess_number: 1,
      sealed: true,
      plain: 0,
    });
    // The evaluations list shows it, without the rater.
    const list = await h.admin('GET', `/evaluations?channel=web`);
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain(id);
    expect(list.body).not.toMatch(/张三|13912345678/);
  });

  it('answers a rating sent twice as the first time, and stores it once', async () => {
    const r = rating();
    const first = await send('ratings', r);
    const again = await send('ratings', r);
    expect(first.statusCode).toBe(201);
    expect(again.json()).toEqual(first.json());
    expect(await h.count(`evaluations WHERE client_ref = '${r.id}'`)).toBe(1);
  });

  it('takes one first rating per service, whichever channel sends it: the second is a duplicate, audited', async () => {
    const service = projectNo();
    const web = await send('ratings', rating({ projectNo: service }));
    const hotline = await send(
      'ratings',
      rating({ id: 'ivr-1', projectNo: service, satisfaction: 1, comment: '慢' }),
      keys.hotline,
    );
    expect(hotline.statusCode).toBe(200);
    expect(hotline.json()).toEqual({ status: 'duplicate', id: web.json<{ id: string }>().id });
    expect(await h.count(`evaluations WHERE case_no = '${service}'`)).toBe(1);
    expect(await h.count(`cases c JOIN evaluations e ON e.id = c.evaluation_id WHERE e.case_no = '${service}'`)).toBe(
      0,
    );
    const [audit] = await h.db.query<{ actor_kind: string; result: string; summary: { channel: string } }>(
      `SELECT actor_kind, result, summary FROM audit_log WHERE action = 'rating.duplicate' AND target = $1`,
      [`service:${service}/1`],
    );
    expect(audit).toMatchObject({ actor_kind: 'api_key', result: 'refused', summary: { channel: 'hotline' } });
  });

  it('lets exactly one of many racing first ratings of a service win', async () => {
    const service = projectNo();
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) => send('ratings', rating({ id: `race-${service}-${i}`, projectNo: service }))),
    );
    const statuses = answers.map((a) => a.json<{ status: string }>().status).sort();
    expect(statuses).toEqual(['accepted', ...Array<string>(11).fill('duplicate')]);
    const winner = answers.find((a) => a.statusCode === 201)!.json<{ id: string }>().id;
    expect(new Set(answers.map((a) => a.json<{ id: string }>().id))).toEqual(new Set([winner]));
    expect(await h.count(`evaluations WHERE case_no = '${service}'`)).toBe(1);
  });

  it('opens a case for a 差评 with a reason, routed to the service item’s department, with its alert', async () => {
    const res = await send('ratings', rating({ satisfaction: 2, reasonTags: ['attitude'], comment: '态度差' }));
    expect(res.statusCode).toBe(201);
    const { id, caseId } = res.json<{ id: string; caseId: string }>();
    const [c] = await h.db.query<{ evaluation_id: string; department_code: string; state: string; channel: string }>(
      'SELECT evaluation_id::text, department_code, state, channel FROM cases WHERE id = $1',
      [caseId],
    );
    expect(c).toEqual({ evaluation_id: id, department_code: 'SCJG', state: 'assigned', channel: 'web' });
    expect(await h.count(`alert_outbox WHERE key = 'case_created:${caseId}'`)).toBe(1);
    const [f] = await h.db.query<{ reason_tags: string[]; comment: string }>(
      'SELECT reason_tags, comment FROM followups WHERE evaluation_id = $1',
      [id],
    );
    expect(f).toEqual({ reason_tags: ['attitude'], comment: '态度差' });
  });

  it('refuses bad input with a code and writes nothing', async () => {
    const before = await h.count('evaluations');
    const cases: [unknown, number, string][] = [
      [rating({ satisfaction: 1 }), 400, 'invalid_request'], // a 差评 needs a reason or a comment
      [rating({ satisfaction: 2, reasonTags: ['no_such_tag'] }), 400, 'unknown_reason_tag'],
      [rating({ satisfaction: 5, reasonTags: ['attitude'] }), 400, 'unknown_reason_tag'], // not offered at 5
      [rating({ departmentCode: 'NOPE', serviceItemCode: null }), 400, 'unknown_department'],
      [rating({ serviceItemCode: 'NOPE' }), 400, 'unknown_service_item'],
      [rating({ ratedAt: new Date(Date.now() + DAY).toISOString() }), 400, 'rated_in_future'],
      [rating({ projectNo: "x'; DROP TABLE evaluations; --" }), 400, 'invalid_request'],
      [{ ...rating(), satisfaction: 6 }, 400, 'invalid_request'],
      [{ ...rating(), extra: 1 }, 400, 'invalid_request'],
      [{ ...rating(), comment: '长'.repeat(501) }, 400, 'invalid_request'],
      [rating({ assessNumber: 2 }), 409, 'no_bad_first_rating'],
    ];
    for (const [body, status, error] of cases) {
      const res = await send('ratings', body);
      expect([res.statusCode, res.json<{ error: string }>().error], JSON.stringify(body)).toEqual([status, error]);
    }
    const huge = await h.app.inject({
      method: 'POST',
      url: '/api/v1/channels/ratings',
      headers: { authorization: `Bearer ${keys.web}`, 'content-type': 'application/json' },
      payload: JSON.stringify({ ...rating(), comment: 'x'.repeat(20_000) }),
    });
    expect(huge.statusCode).toBe(413);
    const broken = await h.app.inject({
      method: 'POST',
      url: '/api/v1/channels/ratings',
      headers: { authorization: `Bearer ${keys.web}`, 'content-type': 'application/json' },
      payload: '{"id":',
    });
    expect([broken.statusCode, broken.json<{ error: string }>().error]).toEqual([400, 'invalid_json']);
    expect(await h.count('evaluations')).toBe(before);
  });

  it('takes one 追评 after a 差评, and refuses a second', async () => {
    const service = projectNo();
    await send('ratings', rating({ projectNo: service, satisfaction: 1, comment: '没办成' }));
    const second = await send('ratings', rating({ projectNo: service, assessNumber: 2, satisfaction: 4 }));
    expect(second.statusCode).toBe(201);
    expect(second.json<{ caseId: string | null }>().caseId).toBeNull();
    const third = await send('ratings', rating({ projectNo: service, assessNumber: 2, satisfaction: 5 }));
    expect(third.json()).toEqual({ status: 'duplicate', id: second.json<{ id: string }>().id });
  });

  it('opens only to keys of a channel’s scope, and a channel’s key opens nothing else', async () => {
    expect((await send('ratings', rating(), null)).statusCode).toBe(401);
    expect((await send('ratings', rating(), 'hcp_not-a-key')).statusCode).toBe(401);
    const supervisor = await send('ratings', rating(), keys.supervisor);
    expect([supervisor.statusCode, supervisor.json<{ error: string }>().error]).toEqual([403, 'forbidden']);
    const admin = await h.app.inject({
      method: 'GET',
      url: '/api/v1/admin/evaluations',
      headers: { authorization: `Bearer ${keys.web}` },
    });
    expect(admin.statusCode).toBe(403);
  });

  it('walks both channel routes × no key × the admin token × a key of every scope: only channel keys get in', async () => {
    const wrongs: string[] = [];
    const callers: [string, string | null][] = [
      ['no key', null],
      ['the admin token', ADMIN_TOKEN],
    ];
    for (const scope of API_KEY_SCOPES) {
      callers.push([scope, (await createApiKey(h.db, { name: `walk ${scope}`, scope }, 'test')).key]);
    }
    for (const path of ['ratings', 'services'] as const) {
      for (const [who, key] of callers) {
        const body =
          path === 'ratings' ? rating() : { projectNo: projectNo(), channel: 'web', endedAt: new Date().toISOString() };
        const res = await send(path, body, key);
        const expected = key === null || who === 'the admin token' ? 401 : who.startsWith('channel:') ? 201 : 403;
        if (res.statusCode !== expected) wrongs.push(`${path} with ${who}: ${res.statusCode} (expected ${expected})`);
      }
    }
    expect(wrongs).toEqual([]);
  });

  it('defaults a registered service nobody rated within 7 days to 基本满意, once; a later rating is late', async () => {
    const ended = new Date(Date.now() - 60_000);
    const service = projectNo();
    const body = { projectNo: service, channel: 'hall_window', departmentCode: 'GA', endedAt: ended.toISOString() };
    const registered = await send('services', body);
    expect(registered.statusCode).toBe(201);
    const { defaultDueAt } = registered.json<{ defaultDueAt: string }>();
    expect(Date.parse(defaultDueAt) - ended.getTime()).toBe(7 * DAY);
    const again = await send('services', body);
    expect([again.statusCode, again.json<{ status: string }>().status]).toEqual([200, 'known']);
    // A rated one of the same registration is never defaulted.
    const rated = projectNo();
    await send('services', { ...body, projectNo: rated });
    await send('ratings', rating({ projectNo: rated, serviceItemCode: null, departmentCode: 'GA' }));

    expect((await applyDefaults(h.db, new Date(Date.now() + 6 * DAY))).defaulted).toBe(0);
    const later = new Date(Date.now() + 8 * DAY);
    expect((await applyDefaults(h.db, later)).defaulted).toBeGreaterThanOrEqual(1);
    expect((await applyDefaults(h.db, later)).defaulted).toBe(0);
    const defaults = await h.db.query<Record<string, unknown>>(
      `SELECT channel, mode, satisfaction, department_code, invited_at FROM evaluations WHERE case_no = $1`,
      [service],
    );
    expect(defaults).toEqual([
      {
        channel: 'system_default',
        mode: 'default',
        satisfaction: 3,
        department_code: 'GA',
        invited_at: new Date(defaultDueAt),
      },
    ]);
    // The statistics keep 默认评价 apart from 主动评价.
    const stats = await h.admin('GET', '/stats?groupBy=department');
    const ga = stats
      .json<{ groups: { key: string; defaulted: number; rated: number }[] }>()
      .groups.find((g) => g.key === 'GA');
    expect(ga?.defaulted).toBe(await h.count(`evaluations WHERE department_code = 'GA' AND mode = 'default'`));
    expect(ga!.rated - ga!.defaulted).toBe(1); // the one a channel rated
    expect(await h.count(`evaluations WHERE case_no = '${rated}'`)).toBe(1);
    expect(await h.count(`evaluations WHERE case_no = '${rated}' AND channel = 'system_default'`)).toBe(0);

    const late = await send('ratings', rating({ projectNo: service, satisfaction: 1, comment: '太慢' }));
    expect([late.statusCode, late.json<{ status: string }>().status]).toEqual([200, 'late']);
    expect(await h.count(`evaluations WHERE case_no = '${service}'`)).toBe(1);
    expect(await h.count(`late_ratings WHERE id = '${late.json<{ id: string }>().id}'`)).toBe(1);
  });

  it('counts the default in working days when the hall says so, for registered and kiosk services alike', async () => {
    // Friday 2026-11-20, 10:00 in Beijing: seven working days on are Monday 23rd to Tuesday 1 December (no holiday).
    const ended = '2026-11-20T02:00:00.000Z';
    const calendarDue = '2026-11-27T02:00:00.000Z';
    const workingDue = '2026-12-01T16:00:00.000Z'; // the end of Tuesday 1 December, Beijing
    const register = async () =>
      (await send('services', { projectNo: projectNo(), channel: 'web', departmentCode: 'GA', endedAt: ended })).json<{
        defaultDueAt: string;
      }>().defaultDueAt;
    const unratedDue = async () => {
      const record = evaluation({
        outcome: 'unrated',
        satisfaction: null,
        source: null,
        invitedAt: ended,
        expiresAt: ended,
        endedAt: ended,
      });
      expect((await h.device('POST', '/api/v1/device/records', batch([record]))).statusCode).toBe(200);
      const [row] = await h.db.query<{ dueAt: Date }>(
        `SELECT a.due_at AS "dueAt" FROM services s JOIN services_awaiting a ON a.service_id = s.id
          WHERE s.kiosk_record_id = $1`,
        [record.id],
      );
      return row!.dueAt.toISOString();
    };
    expect([await register(), await unratedDue()]).toEqual([calendarDue, calendarDue]);
    expect((await h.admin('PATCH', '/settings', { defaultDays: 'working' })).statusCode).toBe(200);
    expect([await register(), await unratedDue()]).toEqual([workingDue, workingDue]);
    // The centre's own setting: the kiosks' configuration does not carry it, and still parses.
    const config = await h.device('GET', '/api/v1/device/config');
    expect(config.statusCode).toBe(200);
    expect(config.body).not.toContain('defaultDays');
    expect((await h.admin('PATCH', '/settings', { defaultDays: 'sometimes' })).statusCode).toBe(400);
    expect((await h.admin('PATCH', '/settings', { defaultDays: 'calendar' })).statusCode).toBe(200);
    expect(await register()).toBe(calendarDue);
  });
});
