import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { KioskService } from '../kiosk-service.js';
import { PIN_1001, provisioned, tempDir } from '../test-support/fixtures.js';
import { BODY_LIMIT, buildLocalApi, isLoopback, LocalApiConfigError } from './local-api.js';

let dir: ReturnType<typeof tempDir>;
let service: KioskService;
let api: FastifyInstance;

beforeAll(async () => {
  dir = tempDir();
  service = await provisioned(dir.path);
  api = buildLocalApi({ service });
});

afterAll(async () => {
  await api.close();
  await service.close();
  dir.remove();
});

beforeEach(async () => {
  // Each test starts with no shift and no open invitation.
  const open = service.invitations.current();
  if (open) service.invitations.cancel(open.id);
  if (service.status().shift) service.shifts.logout();
});

const post = (url: string, payload?: unknown) =>
  api.inject({ method: 'POST', url: `/api/v1${url}`, payload: payload as object });
const login = () => post('/shift/login', { staffNo: '1001', pin: PIN_1001 });
const rows = () =>
  service.context.db
    .prepare(
      `SELECT (SELECT count(*) FROM outbox) + (SELECT count(*) FROM invitations) + (SELECT count(*) FROM shifts)
         + (SELECT count(*) FROM pin_lockouts) AS n`,
    )
    .get() as { n: number };

describe('local API: the walk-through', () => {
  it('login → invitation → status → rating → logout', async () => {
    const shift = await login();
    expect(shift.statusCode).toBe(200);
    expect(shift.json()).toMatchObject({ staffNo: '1001', name: '王丽', paused: false });

    const created = await post('/invitations', { serviceItemCode: 'SC-0001', caseNo: '2026-0001', ticketNo: 'A012' });
    expect(created.statusCode).toBe(201);
    const { id, expiresAt } = created.json<{ id: string; expiresAt: string }>();
    expect(Date.parse(expiresAt) - Date.now()).toBeGreaterThan(15_000);

    const status = (await api.inject({ method: 'GET', url: '/api/v1/status' })).json<Record<string, unknown>>();
    expect(status).toMatchObject({
      mode: 'window',
      enrolment: { enrolled: false, provisioned: true },
      window: { code: 'W01' },
      shift: { staffNo: '1001', name: '王丽', paused: false },
      invitation: { id, state: 'open' },
      evaluator: { state: 'none' },
      queue: { pending: 1, quarantined: 0 },
      central: { state: 'not_enrolled' },
    });

    service.press({ level: 1, source: 'touch' });
    const after = await api.inject({ method: 'GET', url: `/api/v1/invitations/${id}` });
    // The level is deliberately not returned: the counter must not learn how it was rated.
    expect(after.json()).toEqual({ id, state: 'rated', expiresAt });

    const logout = await post('/shift/logout');
    expect(logout.statusCode).toBe(200);
    expect(logout.json()).toMatchObject({ invitations: 1, rated: 1 });
    expect(JSON.stringify(logout.json())).not.toMatch(/satisfaction|level/);
  });

  it('answers conflicts with 409 and a code', async () => {
    expect((await post('/invitations', {})).json()).toMatchObject({ error: 'no_shift' });
    await login();
    expect((await login()).statusCode).toBe(409);
    expect((await login()).json()).toMatchObject({ error: 'shift_open' });
    await post('/shift/pause', { reason: '午休' });
    const paused = await post('/invitations', {});
    expect([paused.statusCode, paused.json<{ error: string }>().error]).toEqual([409, 'paused']);
    await post('/shift/resume');
    const first = await post('/invitations', {});
    const second = await post('/invitations', {});
    expect([second.statusCode, second.json<{ error: string }>().error]).toEqual([409, 'invitation_open']);

    const { id } = first.json<{ id: string }>();
    expect((await api.inject({ method: 'DELETE', url: `/api/v1/invitations/${id}` })).statusCode).toBe(204);
    const again = await api.inject({ method: 'DELETE', url: `/api/v1/invitations/${id}` });
    expect([again.statusCode, again.json<{ error: string }>().error]).toEqual([409, 'invitation_closed']);
    expect((await api.inject({ method: 'GET', url: `/api/v1/invitations/${id}` })).json()).toMatchObject({
      state: 'cancelled',
    });
  });

  it('answers 409 key_test_on to a login or an invitation while a technician tests the keys', async () => {
    const end = service.startKeyTest();
    try {
      const refused = await login();
      expect(refused.statusCode).toBe(409);
      expect(refused.json()).toMatchObject({ error: 'key_test_on' });
    } finally {
      end();
    }
    expect((await login()).statusCode).toBe(200);
  });

  it('answers a wrong PIN with 401 and a locked staff number with 423 and retryAt', async () => {
    const wrong = await post('/shift/login', { staffNo: '1002', pin: '000000' });
    expect([wrong.statusCode, wrong.json<{ error: string }>().error]).toEqual([401, 'bad_credentials']);
    for (let i = 0; i < 3; i++) await post('/shift/login', { staffNo: '1002', pin: '000000' });
    const locked = await post('/shift/login', { staffNo: '1002', pin: '000000' });
    expect(locked.statusCode).toBe(423);
    expect(locked.json()).toMatchObject({ error: 'locked', retryAt: expect.any(String) as unknown });
  });

  it('answers unknown ids and routes with 404', async () => {
    expect((await api.inject({ method: 'GET', url: '/api/v1/invitations/nope' })).statusCode).toBe(404);
    const unknown = await api.inject({
      method: 'GET',
      url: '/api/v1/invitations/01900000-0000-7000-8000-000000000000',
    });
    expect(unknown.json()).toMatchObject({ error: 'not_found' });
    expect((await api.inject({ method: 'GET', url: '/api/v1/nothing' })).json()).toMatchObject({ error: 'not_found' });
  });

  it('has no way to submit a rating', async () => {
    await login();
    const { id } = (await post('/invitations', {})).json<{ id: string }>();
    for (const [method, url] of [
      ['POST', `/api/v1/invitations/${id}`],
      ['PUT', `/api/v1/invitations/${id}`],
      ['PATCH', `/api/v1/invitations/${id}`],
      ['POST', `/api/v1/invitations/${id}/rating`],
      ['POST', '/api/v1/ratings'],
      ['POST', '/api/v1/press'],
    ] as const) {
      const res = await api.inject({ method, url, payload: { satisfaction: 5 } });
      expect(res.statusCode, `${method} ${url}`).toBe(404);
    }
    expect(service.invitations.get(id).state).toBe('open');
  });
});

describe('local API: bad input gets a 4xx with a clear code, never a 500, never a partial write', () => {
  type Case = [string, () => Promise<{ statusCode: number; json: () => { error: string } }>, number, string];
  const cases: Case[] = [
    [
      'malformed JSON',
      () =>
        api.inject({
          method: 'POST',
          url: '/api/v1/invitations',
          headers: { 'content-type': 'application/json' },
          payload: '{"caseNo": ',
        }),
      400,
      'invalid_json',
    ],
    ['an unknown field', () => post('/invitations', { caseNo: 'A', satisfaction: 5 }), 400, 'invalid_request'],
    ['a wrong type', () => post('/invitations', { caseNo: 12 }), 400, 'invalid_request'],
    ['a body that is not an object', () => post('/invitations', [1, 2]), 400, 'invalid_request'],
    ['an over-long field', () => post('/invitations', { caseNo: 'x'.repeat(65) }), 400, 'invalid_request'],
    ['an unknown rater field', () => post('/invitations', { rater: { email: 'a@b' } }), 400, 'invalid_request'],
    [
      'an oversize body',
      () => post('/invitations', { caseNo: 'A', pad: 'x'.repeat(BODY_LIMIT) }),
      413,
      'payload_too_large',
    ],
    [
      'a body that is not JSON',
      () =>
        api.inject({
          method: 'POST',
          url: '/api/v1/invitations',
          headers: { 'content-type': 'text/plain' },
          payload: 'hello',
        }),
      415,
      'unsupported_media_type',
    ],
    [
      'a prototype-poisoning body',
      () =>
        api.inject({
          method: 'POST',
          url: '/api/v1/invitations',
          headers: { 'content-type': 'application/json' },
          payload: '{"__proto__": {"admin": true}}',
        }),
      400,
      'invalid_json',
    ],
    ['a PIN with letters', () => post('/shift/login', { staffNo: '1001', pin: '12ab' }), 400, 'invalid_request'],
    ['a login without a PIN', () => post('/shift/login', { staffNo: '1001' }), 400, 'invalid_request'],
    ['an SQL-looking PIN', () => post('/shift/login', { staffNo: '1001', pin: "' OR 1=1 --" }), 400, 'invalid_request'],
    ['a pause with no reason', () => post('/shift/pause', {}), 400, 'invalid_request'],
    ['a body on resume', () => post('/shift/resume', { now: true }), 400, 'invalid_request'],
    ...['/invitations', '/shift/resume', '/shift/logout'].map((url): Case => [
      `a JSON null body on ${url}`,
      () =>
        api.inject({
          method: 'POST',
          url: `/api/v1${url}`,
          headers: { 'content-type': 'application/json' },
          payload: 'null',
        }),
      400,
      'invalid_request',
    ]),
  ];

  it.each(cases)('%s', async (_name, send, status, code) => {
    await login();
    const before = rows().n;
    const res = await send();
    expect(res.statusCode).toBe(status);
    expect(res.json()).toMatchObject({ error: code, message: expect.any(String) as unknown });
    expect(rows().n).toBe(before);
  });

  it('stores SQL-looking strings verbatim as data', async () => {
    await login();
    const caseNo = "1'; DROP TABLE outbox;--";
    const res = await post('/invitations', { caseNo, ticketNo: 'A" OR "1"="1' });
    expect(res.statusCode).toBe(201);
    const { id } = res.json<{ id: string }>();
    service.invitations.cancel(id);
    const payload = service.context.outbox.find(id)!.payload;
    expect(JSON.parse(payload)).toMatchObject({ caseNo, ticketNo: 'A" OR "1"="1' });
  });

  it('treats an SQL-looking staff number as just a wrong one', async () => {
    const res = await post('/shift/login', { staffNo: "1001' OR '1'='1", pin: '123456' });
    expect(res.json()).toMatchObject({ error: 'bad_credentials' });
    expect(service.status().shift).toBeNull();
  });
});

describe('local API: access', () => {
  it('refuses to bind beyond loopback without a token', () => {
    expect(() => buildLocalApi({ service, host: '0.0.0.0' })).toThrow(LocalApiConfigError);
    expect(() => buildLocalApi({ service, host: '192.0.2.10' })).toThrow(/api-token/);
    expect(isLoopback('127.0.0.1') && isLoopback('::1') && isLoopback('localhost')).toBe(true);
    expect(isLoopback('0.0.0.0') || isLoopback('::') || isLoopback('10.0.0.1')).toBe(false);
  });

  it('with a token, refuses every request without it or with a wrong one', async () => {
    const guarded = buildLocalApi({ service, host: '0.0.0.0', token: 's3cret-token' });
    try {
      const none = await guarded.inject({ method: 'GET', url: '/api/v1/status' });
      expect([none.statusCode, none.json<{ error: string }>().error]).toEqual([401, 'unauthorized']);
      const wrongToken = await guarded.inject({
        method: 'POST',
        url: '/api/v1/shift/login',
        headers: { authorization: 'Bearer s3cret-tokeX' },
        payload: { staffNo: '1001', pin: PIN_1001 },
      });
      expect(wrongToken.statusCode).toBe(401);
      expect(service.status().shift).toBeNull();
      const ok = await guarded.inject({
        method: 'GET',
        url: '/api/v1/status',
        headers: { authorization: 'Bearer s3cret-token' },
      });
      expect(ok.statusCode).toBe(200);
    } finally {
      await guarded.close();
    }
  });
});
